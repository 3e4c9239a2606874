package dev.sluice.resilience;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.sluice.support.DeadLetterTopic;
import dev.sluice.support.KafkaOffsets;
import dev.sluice.support.Patience;
import dev.sluice.support.PipelineTables;
import dev.sluice.support.TcpProxy;
import dev.sluice.tools.LoadGenerator;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.CamelContext;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drill "database down", short enough for CI: under load, the line to PostgreSQL is cut for 20 s (a proxy between
 * Sluice and the database) and restored. The breaker opens, the consumer pauses, nothing healthy is dead-lettered,
 * and the end state reconciles exactly.
 */
@SpringBootTest
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 6, topics = {"events.main", "events.dlq"})
@DirtiesContext
class DatabaseOutageIntegrationTest {

    private static final TcpProxy LINE_TO_DATABASE = TcpProxy.toTestDatabase();

    @DynamicPropertySource
    static void throughTheProxy(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", LINE_TO_DATABASE::testDatabaseUrl);
        registry.add("spring.datasource.hikari.connection-timeout", () -> "2000");
    }

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CamelContext camel;
    @Autowired
    CircuitBreaker databaseCircuitBreaker;
    @Autowired
    EmbeddedKafkaBroker broker;

    @AfterAll
    static void closeProxy() {
        LINE_TO_DATABASE.close();
    }

    @Test
    void databaseOutageUnderLoadLosesNothingDeadLettersNothingHealthyAndRecovers() throws Exception {
        jdbc.execute(PipelineTables.TRUNCATE_ALL);
        List<String> transitions = new CopyOnWriteArrayList<>();
        databaseCircuitBreaker.getEventPublisher()
                .onStateTransition(event -> transitions.add(event.getStateTransition().name()));
        AtomicBoolean consumerPaused = watchForSuspension("ingest");

        CompletableFuture<LoadGenerator.Summary> load = CompletableFuture.supplyAsync(this::produceTenSecondsOfLoad);
        // Cut only once events are being written: on a loaded machine the consumer can still be joining the group
        // 3 s in, and a cut nobody attempts to cross opens no breaker.
        await().atMost(Patience.PIPELINE).pollInterval(Duration.ofMillis(200))
                .until(() -> PipelineTables.count(jdbc, "reviews") > 0);
        Thread.sleep(1_000);
        LINE_TO_DATABASE.cut();
        Thread.sleep(20_000);
        LINE_TO_DATABASE.restore();
        long restoredAt = System.nanoTime();
        LoadGenerator.Summary sent = load.get();

        try (KafkaOffsets offsets = new KafkaOffsets(broker.getBrokersAsString())) {
            await().atMost(Patience.PIPELINE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                assertThat(PipelineTables.count(jdbc, "reviews")).isEqualTo(sent.uniqueValid());
                assertThat(PipelineTables.count(jdbc, "dlq_events")).isEqualTo(sent.invalid());
                assertThat(offsets.lag("sluice", "events.main")).allSatisfy((partition, lag) -> assertThat(lag).isZero());
            });
            long recoverySeconds = Duration.ofNanos(System.nanoTime() - restoredAt).toSeconds();
            // At least once on the topic (docs/guarantees.md): a commit the cut broke after the broker acknowledged
            // the dead letter publishes it again on the re-read. Every invalid record is there, none is missing.
            assertThat(DeadLetterTopic.sourcesOnTopic(broker.getBrokersAsString(), "events.dlq")).hasSize((int) sent.invalid());
            assertThat(offsets.recordCount("events.dlq")).isGreaterThanOrEqualTo(sent.invalid());
            assertThat(PipelineTables.deadLettersByReason(jdbc)).doesNotContainKeys("retries_exhausted", "unexpected", "rejected_by_database");
            assertThat(jdbc.queryForObject("SELECT count(DISTINCT event_id) FROM reviews", Long.class))
                    .isEqualTo(sent.uniqueValid());
            assertThat(transitions).contains("CLOSED_TO_OPEN").last().isIn("HALF_OPEN_TO_CLOSED");
            assertThat(consumerPaused).isTrue();
            System.out.printf("Drill database-down (20 s, CI): produced=%d uniqueValid=%d rows=%d dlq=%d (invalid %d) "
                            + "duplicates=0 breaker=%s recovered %d s after the database returned%n",
                    sent.sent(), sent.uniqueValid(), PipelineTables.count(jdbc, "reviews"), PipelineTables.count(jdbc, "dlq_events"), sent.invalid(),
                    transitions, recoverySeconds);
        }
    }

    private LoadGenerator.Summary produceTenSecondsOfLoad() {
        try (Producer<String, byte[]> producer = LoadGenerator.createProducer(broker.getBrokersAsString())) {
            return LoadGenerator.run(new LoadGenerator.Options(broker.getBrokersAsString(), "events.main", 400,
                    Duration.ofSeconds(10), Long.MAX_VALUE, 80, 5, 1, 11), producer, null);
        }
    }

    private AtomicBoolean watchForSuspension(String routeId) {
        AtomicBoolean seen = new AtomicBoolean();
        Thread watcher = new Thread(() -> {
            while (!seen.get() && !Thread.currentThread().isInterrupted()) {
                if (camel.getRouteController().getRouteStatus(routeId).isSuspended()) {
                    seen.set(true);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "suspension-watcher");
        watcher.setDaemon(true);
        watcher.start();
        return seen;
    }
}
