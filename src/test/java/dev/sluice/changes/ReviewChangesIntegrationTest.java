package dev.sluice.changes;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import dev.sluice.changes.ReviewHistory.Change;
import dev.sluice.changes.ReviewHistory.Kind;
import dev.sluice.changes.ReviewHistory.Position;
import dev.sluice.changes.ReviewHistory.Row;
import dev.sluice.support.KafkaOffsets;
import dev.sluice.support.Patience;
import dev.sluice.support.PipelineTables;
import dev.sluice.tools.LoadGenerator;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Creations, updates and deletions of reviews through the whole pipeline, shuffled, with replays sent again to the
 * topic and a second creation for some reviews: the table ends in the state of each review's events applied in order,
 * every second creation is a counted conflict, and the events reconcile exactly: produced = applied + superseded +
 * dead letters, in the tables and in the metrics.
 */
@SpringBootTest
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 2, topics = {"events.main", "events.dlq"})
@DirtiesContext
class ReviewChangesIntegrationTest {

    private static final String TOPIC = "events.main";

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EmbeddedKafkaBroker broker;
    @Autowired
    MeterRegistry registry;

    @Test
    void shuffledChangesEndInTheirInOrderStateAndEveryEventIsAccountedFor() throws Exception {
        jdbc.execute(PipelineTables.TRUNCATE_ALL);
        long seed = Long.getLong("sluice.property.seed", new Random().nextLong());
        System.out.printf("ReviewChangesIntegrationTest: seed %d%n", seed);
        Random random = new Random(seed);
        String run = "k" + Long.toHexString(seed & 0xffffff);
        Map<UUID, Change> events = ReviewHistory.generate(random, run, 80, Instant.parse("2026-11-30T12:00:00Z"));
        List<UUID> sends = new ArrayList<>(events.keySet());
        Collections.shuffle(sends, random);
        int replays = sends.size() / 10;
        for (int i = 0; i < replays; i++) {
            // A replay: an event sent to the topic again later, at another offset.
            sends.add(sends.size() / 2 + random.nextInt(sends.size() / 2), sends.get(random.nextInt(sends.size() / 2)));
        }
        // Two consumers, two partitions: produce once each holds one, so no rebalance fails a commit and has a batch
        // read again (its events would count as duplicates the second time).
        try (KafkaOffsets offsets = new KafkaOffsets(broker.getBrokersAsString())) {
            await().atMost(Patience.PIPELINE).until(() -> offsets.isStable("sluice", 2));
        }
        Map<String, Double> before = processed();

        Map<UUID, Position> positions = new HashMap<>();
        List<UUID> firstDelivered = new ArrayList<>();
        try (Producer<String, byte[]> producer = LoadGenerator.createProducer(broker.getBrokersAsString())) {
            for (UUID id : sends) {
                Change c = events.get(id);
                var sent = producer.send(new ProducerRecord<>(TOPIC, c.partition(), c.key(),
                        ReviewHistory.json(c).getBytes(StandardCharsets.UTF_8))).get();
                if (positions.putIfAbsent(id, new Position(c.ts(), sent.partition(), sent.offset())) == null) {
                    firstDelivered.add(id);
                }
            }
            // Two that can never be written: an update's rating out of range, a deletion without its review_id.
            producer.send(new ProducerRecord<>(TOPIC, 0, "user:x", """
                    {"event_id":"%s","event_type":"review_updated","key":"user:x","ts":"2026-11-30T12:00:00Z",
                     "schema_version":1,"payload":{"review_id":"%s-bad","rating":9,"text":"nine"}}"""
                    .formatted(UUID.randomUUID(), run).getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>(TOPIC, 1, "user:y", """
                    {"event_id":"%s","event_type":"review_deleted","key":"user:y","ts":"2026-11-30T12:00:00Z",
                     "schema_version":1,"payload":{}}""".formatted(UUID.randomUUID()).getBytes(StandardCharsets.UTF_8)));
        }
        int produced = events.size() + 2;

        await().atMost(Patience.PIPELINE).untilAsserted(() ->
                assertThat(finished(before)).isEqualTo(produced + replays));

        Map<String, Row> expected = ReviewHistory.inOrder(events, positions, firstDelivered);
        assertThat(ReviewHistory.table(jdbc, run)).isEqualTo(expected);

        long conflictsExpected = events.values().stream().filter(c -> c.kind() == Kind.CREATED).count()
                - expected.values().stream().filter(row -> row.eventId() != null).count();
        Map<String, Long> superseded = supersededByReason();
        assertThat(superseded.getOrDefault("conflict", 0L)).isEqualTo(conflictsExpected);
        long rowsCreated = PipelineTables.count(jdbc, "reviews WHERE event_id IS NOT NULL");
        long deadLetters = PipelineTables.count(jdbc, "dlq_events");
        long supersededTotal = superseded.values().stream().mapToLong(Long::longValue).sum();
        long applied = delta(before, "success");
        System.out.printf("reconciliation: produced=%d applied=%d (reviews created=%d) superseded=%d %s"
                        + " dead_letters=%d duplicates=%d (replays sent %d); metrics: superseded=%d dlq=%d%n",
                produced, applied, rowsCreated, supersededTotal, superseded, deadLetters, delta(before, "duplicate"),
                replays, delta(before, "superseded"), delta(before, "dlq"));

        assertThat(deadLetters).isEqualTo(2);
        // In the tables: every event claimed once or dead-lettered, and what was claimed is applied or superseded.
        assertThat(PipelineTables.count(jdbc, "idempotency_markers") + deadLetters).isEqualTo(produced);
        assertThat(PipelineTables.count(jdbc, "superseded_events s WHERE NOT EXISTS (SELECT FROM idempotency_markers m"
                + " WHERE m.message_id = s.event_id::text)")).isZero();
        // In the metrics, counted as each batch committed: the same sum.
        assertThat(applied + supersededTotal + deadLetters).isEqualTo(produced);
        assertThat(delta(before, "superseded")).isEqualTo(supersededTotal);
        assertThat(delta(before, "duplicate")).isEqualTo(replays);
        superseded.forEach((reason, count) -> assertThat(registry.find("events.superseded").tag("reason", reason)
                .counters().stream().mapToDouble(counter -> counter.count()).sum()).as(reason)
                .isEqualTo((double) count));
        // Creations alone reconcile against the table: each is a review's row, a conflict, or a dead letter.
        assertThat(rowsCreated + conflictsExpected)
                .isEqualTo(events.values().stream().filter(c -> c.kind() == Kind.CREATED).count());
        assertThat(jdbc.queryForObject(PipelineTables.STATS_MINUTES_OFF_RECOUNT, Long.class)).isZero();
    }

    private Map<String, Double> processed() {
        Map<String, Double> counts = new HashMap<>();
        registry.find("events.processed").counters()
                .forEach(counter -> counts.put(counter.getId().getTag("result"), counter.count()));
        return counts;
    }

    private long delta(Map<String, Double> before, String result) {
        return Math.round(processed().getOrDefault(result, 0.0) - before.getOrDefault(result, 0.0));
    }

    private long finished(Map<String, Double> before) {
        return delta(before, "success") + delta(before, "duplicate") + delta(before, "superseded")
                + delta(before, "dlq") + delta(before, "retry_exhausted");
    }

    private Map<String, Long> supersededByReason() {
        Map<String, Long> byReason = new HashMap<>();
        jdbc.query("SELECT reason, count(*) AS n FROM superseded_events GROUP BY reason",
                result -> {
                    byReason.put(result.getString("reason"), result.getLong("n"));
                });
        return byReason;
    }
}
