package dev.sluice.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sluice as a real process, a child JVM on the test's classpath, for what only a separate JVM shows: a kill, a
 * graceful stop, the JVM's own arguments. Its output goes to {@code target/<name>.log}.
 */
public final class SluiceProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private SluiceProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts one and waits until Spring Boot says it started. {@code environment} holds its {@code SLUICE_*} settings,
     * {@code jvmOptions} come before the main class, {@code arguments} after it.
     */
    public static SluiceProcess start(String name, Map<String, String> environment, List<String> jvmOptions,
                                      List<String> arguments) throws IOException {
        Path log = Path.of("target", name + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.sluice.SluiceApplication",
                "--server.port=0", "--camel.main.name=" + name));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        SluiceProcess sluice = new SluiceProcess(name, builder.start(), log);
        try {
            await().atMost(Patience.PIPELINE).pollInterval(Duration.ofMillis(250)).until(() -> {
                assertThat(sluice.process.isAlive()).as("Sluice %s died; see %s", name, log).isTrue();
                return Files.readString(log).contains("Started SluiceApplication");
            });
        } catch (RuntimeException | Error e) {
            sluice.close();
            throw e;
        }
        return sluice;
    }

    public Process process() {
        return process;
    }

    public Path log() {
        return log;
    }

    /** SIGKILL, and waits for the JVM to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM; whether it exited within {@code bound}. */
    public boolean terminate(Duration bound) throws InterruptedException {
        process.destroy();
        return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    @Override
    public String toString() {
        return "Sluice " + name + " (pid " + process.pid() + ", log " + log + ")";
    }
}
