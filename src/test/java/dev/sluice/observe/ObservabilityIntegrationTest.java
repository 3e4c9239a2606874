package dev.sluice.observe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.support.ConsoleTee;
import dev.sluice.support.Patience;
import dev.sluice.support.PipelineTables;
import dev.sluice.support.RefusedRows;
import dev.sluice.tools.LoadGenerator;
import dev.sluice.tools.ReviewEvents;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator sees from the outside, after real traffic on a real broker and database: the metrics and their
 * values, the health endpoints, the logs. And every metric that a dashboard panel or an alert reads is exported.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.password=" + ObservabilityIntegrationTest.SECRET,
        // A password inside the connection string too: whatever logs the URL must not log it.
        "spring.datasource.url=${SLUICE_TEST_DB_URL:jdbc:postgresql://127.0.0.1:5432/sluice_test}?password="
                + ObservabilityIntegrationTest.SECRET})
@ActiveProfiles("test")
@AutoConfigureObservability(tracing = false) // @SpringBootTest switches metric export off unless asked
@EmbeddedKafka(kraft = true, partitions = 6, topics = {"events.main", "events.dlq"})
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilityIntegrationTest {

    static final String SECRET = "never-log-this-8c1f";
    /** Started when the class loads, so before the Spring context: startup logs are captured too. */
    private static final ConsoleTee CONSOLE = ConsoleTee.start();
    private static final String PAYLOAD_TEXT = "payload-text-never-logged-51b7";

    @Autowired
    TestRestTemplate http;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EmbeddedKafkaBroker broker;

    private Producer<String, byte[]> producer;
    private final List<Future<RecordMetadata>> sent = new ArrayList<>();
    private final UUID invalidEventId = UUID.randomUUID();

    @BeforeAll
    void sendTraffic() throws Exception {
        jdbc.execute(PipelineTables.TRUNCATE_ALL);
        RefusedRows.install(jdbc);
        producer = LoadGenerator.createProducer(broker.getBrokersAsString());
        byte[] valid = ReviewEvents.valid(UUID.randomUUID(), "user:1", "r-" + UUID.randomUUID(), 5, PAYLOAD_TEXT);
        send(valid);
        send(valid);                                                                  // duplicate
        send(ReviewEvents.valid(invalidEventId, "user:2", "r-" + invalidEventId, 9, PAYLOAD_TEXT)); // rating 9
        send(ReviewEvents.valid(UUID.randomUUID(), "user:3", "r-" + UUID.randomUUID(), 4, RefusedRows.PREFIX + PAYLOAD_TEXT));
        producer.flush();
    }

    @AfterAll
    void closeProducerAndConsole() {
        RefusedRows.remove(jdbc);
        producer.close();
        CONSOLE.close();
    }

    @Test
    @Order(1)
    void metricsCountEveryEventByResultAndReason() {
        await().atMost(Patience.PIPELINE).untilAsserted(() -> {
            String scrape = scrape();
            assertThat(value(scrape, "events_consumed_total{application=\"sluice\"}")).isEqualTo(4);
            assertThat(value(scrape, "events_processed_total{application=\"sluice\",result=\"success\"}")).isEqualTo(1);
            assertThat(value(scrape, "events_processed_total{application=\"sluice\",result=\"duplicate\"}")).isEqualTo(1);
            assertThat(value(scrape, "events_processed_total{application=\"sluice\",result=\"dlq\"}")).isEqualTo(2);
            assertThat(value(scrape, "dlq_events_total{application=\"sluice\",reason=\"invalid\"}")).isEqualTo(1);
            assertThat(value(scrape, "dlq_events_total{application=\"sluice\",reason=\"rejected_by_database\"}")).isEqualTo(1);
            assertThat(value(scrape, "consumer_lag{application=\"sluice\",partition=\"0\",topic=\"events.main\"}")).isZero();
        });
        String scrape = scrape();
        assertThat(value(scrape, "end_to_end_latency_seconds_count{application=\"sluice\"}")).isEqualTo(1);
        assertThat(value(scrape, "processing_duration_seconds_count{application=\"sluice\"}")).isEqualTo(4);
        assertThat(value(scrape, "pipeline_last_success_timestamp_seconds{application=\"sluice\"}"))
                .isGreaterThan(System.currentTimeMillis() / 1000.0 - 120);
        for (String query : List.of("insert_reviews", "insert_dlq_events", "insert_idempotency_markers", "store_transaction")) {
            assertThat(value(scrape, "db_query_duration_seconds_count{application=\"sluice\",query=\"" + query + "\"}"))
                    .as(query).isPositive();
            assertThat(scrape).contains("db_query_duration_seconds_bucket{application=\"sluice\",query=\"" + query + "\",le=");
        }
        assertThat(value(scrape, "circuit_breaker_state{application=\"sluice\",name=\"database\"}")).isZero();
        // The valid review's event time is now: once sampled, the statistics are less than a minute or two behind.
        await().atMost(Patience.PIPELINE).untilAsserted(() -> assertThat(
                value(scrape(), "review_stats_freshness_seconds{application=\"sluice\"}")).isBetween(0.0, 180.0));
        assertThat(scrape).contains("inflight_workers{application=\"sluice\"}").contains("retries_total{application=\"sluice\"}");
    }

    @Test
    @Order(2)
    void committedOffsetOfEachPartitionIsWhereTheGroupConsumedToAndZeroBeforeItsFirstCommit() throws Exception {
        Map<Integer, Long> consumedTo = new HashMap<>();
        for (int partition = 0; partition < 6; partition++) {
            consumedTo.put(partition, 0L);
        }
        for (Future<RecordMetadata> record : sent) {
            RecordMetadata written = record.get();
            consumedTo.merge(written.partition(), written.offset() + 1, Math::max);
        }
        await().atMost(Patience.PIPELINE).untilAsserted(() -> {
            String scrape = scrape();
            consumedTo.forEach((partition, offset) -> assertThat(value(scrape,
                    "consumer_committed_offset{application=\"sluice\",partition=\"" + partition + "\",topic=\"events.main\"}"))
                    .as("partition " + partition).isEqualTo(offset.doubleValue()));
        });
    }

    @Test
    @Order(3)
    void everyMetricTheDashboardAndAlertsReadIsExported() throws Exception {
        Set<String> read = new TreeSet<>();
        alertExpressions().forEach(expr -> read.addAll(PrometheusNames.inExpression(expr)));
        dashboardExpressions().forEach(expr -> read.addAll(PrometheusNames.inExpression(expr)));
        read.remove("up"); // Prometheus' own, per scrape target

        assertThat(read).as("metric names read by observability/").isNotEmpty();
        // The samplers register a table's series once they have sampled it, at their interval after the start.
        await().atMost(Patience.PIPELINE).untilAsserted(() -> assertThat(PrometheusNames.inScrape(scrape()))
                .containsAll(read));
    }

    @Test
    @Order(4)
    void livenessAndReadinessAnswerOnTheirOwnPaths() {
        assertThat(http.getForEntity("/healthz", String.class).getStatusCode().value()).isEqualTo(200);
        ResponseEntity<String> ready = http.getForEntity("/readyz", String.class);
        assertThat(ready.getStatusCode().value()).isEqualTo(200);
        assertThat(ready.getBody()).contains("\"db\":{\"status\":\"UP\"").contains("\"kafka\":{\"status\":\"UP\"");
    }

    @Test
    @Order(5)
    void logsAreJsonWithTheEventIdAndNeverCarryPayloadTextOrThePassword() {
        String logs = CONSOLE.captured();
        assertThat(logs).as("startup was captured").contains("Started ObservabilityIntegrationTest");
        assertThat(logs).doesNotContain(PAYLOAD_TEXT).doesNotContain(SECRET);
        List<String> deadLetterLines = logs.lines().filter(line -> line.contains("Dead-lettered")).toList();
        assertThat(deadLetterLines).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("{"));
        assertThat(deadLetterLines).anySatisfy(line ->
                assertThat(line).contains("\"event_id\":\"" + invalidEventId + "\""));
    }

    private void send(byte[] value) {
        sent.add(producer.send(new ProducerRecord<>("events.main", "user:1", value)));
    }

    private String scrape() {
        return http.getForObject("/actuator/prometheus", String.class);
    }

    private static double value(String scrape, String series) {
        return scrape.lines().filter(line -> line.startsWith(series + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(series.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError("No series " + series + " in the scrape"));
    }

    @SuppressWarnings("unchecked")
    private static List<String> alertExpressions() throws Exception {
        Map<String, Object> alerts = new Yaml().load(Files.readString(Path.of("observability/alerts.yml")));
        List<String> expressions = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) alerts.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                expressions.add(String.valueOf(rule.get("expr")));
            }
        }
        return expressions;
    }

    private static List<String> dashboardExpressions() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("observability/grafana/dashboards/sluice.json").toFile());
        List<String> expressions = new ArrayList<>();
        dashboard.findValues("expr").forEach(expr -> expressions.add(expr.asText()));
        return expressions;
    }
}
