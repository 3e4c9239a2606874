package dev.sluice.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.sluice.support.Patience;
import dev.sluice.tools.LoadGenerator;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Camel CLI as a developer uses it, through the repository's {@code ./camel} wrapper (Maven Central only):
 * {@code camel get route} sees the running Spring Boot app (camel-cli-connector), and {@code camel run} runs the shared
 * {@code routes-yaml/} standalone with the CLI-only beans, writing events from its own topic into PostgreSQL.
 */
@SpringBootTest(properties = "camel.cli.enabled=true")
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 1, topics = {"events.main", "events.dlq", CamelCliIntegrationTest.CLI_TOPIC})
@DirtiesContext
class CamelCliIntegrationTest {

    static final String CLI_TOPIC = "events.cli";
    static final String CLI_GROUP = "sluice-cli-test";

    @Autowired
    EmbeddedKafkaBroker broker;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Environment environment;

    @Test
    void camelGetRouteListsTheRoutesOfTheRunningApp() {
        // The connector writes the app's status under ~/.camel about once a second; the first call may also resolve
        // the CLI from Maven Central.
        await().atMost(Patience.PIPELINE).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            String routes = camel(Map.of(), Duration.ofMinutes(3), "get", "route");
            System.out.println("camel get route:\n" + routes);
            assertThat(routes).contains("sluice").contains("ingest").contains("store-review_created").contains("dead-letter");
        });
    }

    @Test
    void camelRunOfTheSharedRoutesWritesEveryEventOfItsTopic() throws Exception {
        jdbc.update("DELETE FROM reviews WHERE source_topic = ?", CLI_TOPIC);
        jdbc.update("DELETE FROM dlq_events WHERE source_topic = ?", CLI_TOPIC);
        // The seed makes the same event ids every run: an earlier run's claims would make them all duplicates.
        jdbc.update("DELETE FROM idempotency_markers WHERE processor_name = ?", CLI_GROUP);
        LoadGenerator.Summary sent;
        try (Producer<String, byte[]> producer = LoadGenerator.createProducer(broker.getBrokersAsString())) {
            sent = LoadGenerator.run(new LoadGenerator.Options(broker.getBrokersAsString(), CLI_TOPIC, 0,
                    Duration.ofMinutes(1), 60, 80, 10, 5, 11), producer, null);
        }
        assertThat(sent.invalid()).isPositive();

        Process run = start(Map.of(
                        "SLUICE_KAFKA_BOOTSTRAP_SERVERS", broker.getBrokersAsString(),
                        "SLUICE_TOPICS_EVENTS", CLI_TOPIC,
                        "SLUICE_CONSUMER_GROUP_ID", CLI_GROUP,
                        "SLUICE_DB_URL", environment.getRequiredProperty("spring.datasource.url"),
                        "SLUICE_DB_USER", environment.getRequiredProperty("spring.datasource.username")),
                Path.of("target", "camel-run.log"), "run", "cli/beans.camel.yaml",
                "routes-yaml/event-types/review_created.camel.yaml", "--properties=cli/sluice-cli.properties",
                "--max-seconds=240");
        try {
            await().atMost(Patience.PIPELINE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(rowsFrom("reviews")).isEqualTo(sent.uniqueValid());
                assertThat(rowsFrom("dlq_events")).isEqualTo(sent.invalid());
            });
        } finally {
            run.destroy();
            run.waitFor(30, TimeUnit.SECONDS);
        }
        System.out.printf("camel run: produced=%d uniqueValid=%d duplicates=%d invalid=%d -> rows=%d dlq=%d%n",
                sent.sent(), sent.uniqueValid(), sent.duplicates(), sent.invalid(), rowsFrom("reviews"),
                rowsFrom("dlq_events"));
        assertThat(Files.readString(Path.of("target", "camel-run.log")))
                .contains("Started ingest (kafka://" + CLI_TOPIC + ")");
    }

    private long rowsFrom(String table) {
        return jdbc.queryForObject("SELECT count(*) FROM " + table + " WHERE source_topic = ?", Long.class, CLI_TOPIC);
    }

    private static String camel(Map<String, String> environment, Duration timeout, String... arguments)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("camel-cli", ".log");
        Process camel = start(environment, log, arguments);
        if (!camel.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            camel.destroyForcibly();
        }
        String output = Files.readString(log);
        Files.delete(log);
        return output;
    }

    private static Process start(Map<String, String> environment, Path log, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", "camel"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }
}
