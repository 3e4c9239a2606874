package dev.sluice.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.sluice.support.ConsoleTee;
import dev.sluice.support.Patience;
import dev.sluice.support.PipelineTables;
import dev.sluice.support.SecuredKafka;
import dev.sluice.tools.LoadGenerator;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Against a broker that takes only TLS clients that sign in (SASL_SSL, PLAIN), the SLUICE_KAFKA_* settings reach every
 * Kafka client: the load generator, run as an operator runs it, produces; camel-kafka consumes and commits; the Admin
 * client samples the lag and answers {@code /readyz}. And no log line carries a password.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "sluice.observability.lag-sample-interval=1s")
@ActiveProfiles("test")
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredKafkaIntegrationTest {

    /** Started when the class loads, so before the Spring context: startup logs are captured too. */
    private static final ConsoleTee CONSOLE = ConsoleTee.start();
    private static final SecuredKafka KAFKA = SecuredKafka.start(1, "events.main", "events.dlq");
    private static final int EVENTS = 20;
    private static final Path TOOL_OUTPUT = Path.of("target", "secured-kafka-load-generator.log");

    @DynamicPropertySource
    static void signedIn(DynamicPropertyRegistry registry) {
        registry.add("camel.component.kafka.brokers", KAFKA::bootstrapServers);
        KAFKA.clientSettings(KAFKA.password()).forEach((variable, value) -> registry.add(variable, () -> value));
    }

    @Autowired
    TestRestTemplate http;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MeterRegistry metrics;

    @AfterAll
    static void stopBroker() {
        KAFKA.close();
        CONSOLE.close();
    }

    @Test
    @Order(1)
    void theLoadGeneratorSignsInFromTheEnvironmentAndEveryEventIsWritten() throws Exception {
        jdbc.execute(PipelineTables.TRUNCATE_ALL);

        int exit = runLoadGenerator("--bootstrap=" + KAFKA.bootstrapServers(), "--topic=events.main", "--rate=0",
                "--max-events=" + EVENTS, "--duration=5m", "--duplicate-percent=0", "--invalid-percent=0", "--seed=7");

        assertThat(exit).as("load generator exit code; its output is in " + TOOL_OUTPUT).isZero();
        assertThat(Files.readString(TOOL_OUTPUT)).contains("Done: sent=" + EVENTS + " uniqueValid=" + EVENTS);
        await().atMost(Patience.PIPELINE).untilAsserted(() ->
                assertThat(PipelineTables.count(jdbc, "reviews")).isEqualTo(EVENTS));
        assertThat(PipelineTables.count(jdbc, "dlq_events")).isZero();
    }

    @Test
    @Order(2)
    void consumerLagIsSampledFromTheSecuredBroker() {
        await().atMost(Patience.PIPELINE).untilAsserted(() -> {
            assertThat(partitionGauge("consumer.committed.offset")).isEqualTo(EVENTS);
            assertThat(partitionGauge("consumer.lag")).isZero();
        });
    }

    @Test
    @Order(3)
    void readyzSaysKafkaIsUp() {
        ResponseEntity<String> ready = http.getForEntity("/readyz", String.class);

        assertThat(ready.getStatusCode().value()).isEqualTo(200);
        assertThat(ready.getBody()).contains("\"kafka\":{\"status\":\"UP\"");
    }

    @Test
    @Order(4)
    void noLogLineCarriesThePasswordsOrTheJaasConfig() throws IOException {
        String logs = CONSOLE.captured() + Files.readString(TOOL_OUTPUT);
        assertThat(logs).as("startup was captured").contains("Started SecuredKafkaIntegrationTest");
        KAFKA.clientSettings(KAFKA.password()).forEach((variable, value) -> {
            if (variable.endsWith("_PASSWORD") || variable.endsWith("_JAAS_CONFIG")) {
                assertThat(logs).as(variable).doesNotContain(value);
            }
        });
        assertThat(logs).doesNotContain(KAFKA.password());
    }

    private double partitionGauge(String name) {
        Gauge gauge = metrics.find(name).tags("topic", "events.main", "partition", "0").gauge();
        assertThat(gauge).as(name + " sampled").isNotNull();
        return gauge.value();
    }

    /** In a JVM of its own, as an operator runs it: the security settings come only from its environment. */
    private static int runLoadGenerator(String... arguments) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dlogback.configurationFile=drills/logback-tools.xml",
                "-cp", System.getProperty("java.class.path"), LoadGenerator.class.getName())
                .redirectErrorStream(true).redirectOutput(TOOL_OUTPUT.toFile());
        builder.command().addAll(List.of(arguments));
        builder.environment().putAll(KAFKA.clientSettings(KAFKA.password()));
        Process tool = builder.start();
        if (!tool.waitFor(Patience.PIPELINE.toSeconds(), TimeUnit.SECONDS)) {
            tool.destroyForcibly();
            throw new AssertionError("The load generator did not finish within " + Patience.PIPELINE);
        }
        return tool.exitValue();
    }
}
