package dev.sluice.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sluice.support.Patience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One Sluice "pod": a JVM of its own, with the environment deploy/base/deployment.yaml gives the container (routes
 * from a mounted ConfigMap, live reload off, the pod's name as its static group member id). Its log is
 * target/rollout/NAME-RUN.log.
 */
final class Replica {

    private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final String name;
    final Path log;
    private final Process process;
    private final long startedAt = System.nanoTime();

    private Replica(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    static Replica start(String name, Map<String, String> environment) throws IOException {
        Path log = Path.of("target", "rollout", name + "-" + System.nanoTime() + ".log");
        Files.createDirectories(log.getParent());
        // C1 only: a replica starts sooner on two cores shared with three more JVMs, the broker and PostgreSQL; this
        // test measures what a restart costs, not throughput.
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "dev.sluice.SluiceApplication", "--server.port=0", "--camel.main.name=" + name)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("SLUICE_ROUTES_RELOAD", "false");
        builder.environment().put("SLUICE_CONSUMER_INSTANCE_ID", name);
        return new Replica(name, log, builder.start());
    }

    /** Waits for /readyz to answer 200, as the readiness probe does; returns the time from launch. */
    Duration awaitReady() {
        await().atMost(Patience.PIPELINE).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .failFast(name + " exited; see " + log, () -> !process.isAlive())
                .untilAsserted(() -> {
                    Matcher port = PORT.matcher(Files.readString(log));
                    assertThat(port.find()).as("%s has not opened its port yet", name).isTrue();
                    HttpResponse<Void> ready = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.group(1) + "/readyz"))
                            .build(), HttpResponse.BodyHandlers.discarding());
                    assertThat(ready.statusCode()).isEqualTo(200);
                });
        return Duration.ofNanos(System.nanoTime() - startedAt);
    }

    /** SIGTERM, as the kubelet sends it; returns the time to exit. */
    Duration terminate(Duration grace) throws InterruptedException {
        long stopping = System.nanoTime();
        process.destroy();
        assertThat(process.waitFor(grace.toSeconds(), TimeUnit.SECONDS)).as("%s still running %s after SIGTERM", name, grace).isTrue();
        return Duration.ofNanos(System.nanoTime() - stopping);
    }

    /** SIGKILL: a crash, an OOM kill. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    boolean alive() {
        return process.isAlive();
    }

    String logText() throws IOException {
        return Files.readString(log);
    }

    static void killAll(List<Replica> replicas) {
        replicas.forEach(replica -> replica.process.destroyForcibly());
    }
}
