package dev.sluice.observe;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

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
 * The rows an update or a deletion made before their creation, as the gauge counts them: up with an update of a review
 * nobody created and with a deletion of another, down when the first one's creation arrives; the oldest's age grows
 * while they wait.
 */
@SpringBootTest(properties = "sluice.observability.lag-sample-interval=500ms")
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 1, topics = {"events.main", "events.dlq"})
@DirtiesContext
class RowsAwaitingCreationIntegrationTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EmbeddedKafkaBroker broker;
    @Autowired
    MeterRegistry registry;

    @Test
    void anOrphanUpdateAndATombstoneRaiseTheGaugeAndTheCreationBringsItDown() throws Exception {
        jdbc.execute(PipelineTables.TRUNCATE_ALL);
        await().atMost(Patience.PIPELINE).until(() -> waiting() == 0);
        String orphan = "r-" + UUID.randomUUID();
        String neverCreated = "r-" + UUID.randomUUID();
        Instant now = Instant.now();
        try (Producer<String, byte[]> producer = LoadGenerator.createProducer(broker.getBrokersAsString())) {
            send(producer, "review_updated", now, orphan, ",\"rating\":2,\"text\":\"before its creation\"");
            send(producer, "review_deleted", now, neverCreated, "");
            await().atMost(Patience.PIPELINE).until(() -> waiting() == 2);
            Thread.sleep(1_500);
            await().atMost(Patience.PIPELINE).until(() -> oldestAge() >= 1);

            send(producer, "review_created", now.minusSeconds(5), orphan, ",\"rating\":4,\"text\":\"created late\"");
        }

        await().atMost(Patience.PIPELINE).until(() -> waiting() == 1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM reviews WHERE event_id IS NULL AND deleted_at IS NOT NULL",
                Long.class)).as("the tombstone of a review never created still waits").isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT review_text FROM reviews WHERE review_id = ?", String.class, orphan))
                .as("the older creation filled in the row, not its text").isEqualTo("before its creation");
    }

    private double waiting() {
        var gauge = registry.find("rows.awaiting.creation").tag("table", "reviews").gauge();
        return gauge == null ? -1 : gauge.value();
    }

    private double oldestAge() {
        var gauge = registry.find("rows.awaiting.creation.oldest.age").tag("table", "reviews").gauge();
        return gauge == null ? -1 : gauge.value();
    }

    private static void send(Producer<String, byte[]> producer, String type, Instant ts, String reviewId, String fields) {
        String event = """
                {"event_id":"%s","event_type":"%s","key":"user:5","ts":"%s","schema_version":1,
                 "payload":{"review_id":"%s"%s}}""".formatted(UUID.randomUUID(), type, ts, reviewId, fields);
        producer.send(new ProducerRecord<>("events.main", "user:5", event.getBytes(StandardCharsets.UTF_8)));
        producer.flush();
    }
}
