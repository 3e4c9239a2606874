package dev.sluice.resilience;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.sluice.support.KafkaOffsets;
import dev.sluice.support.PipelineTables;
import dev.sluice.support.Reconciliation;
import dev.sluice.tools.LoadGenerator;
import dev.sluice.tools.ReviewEvents.Defect;
import dev.sluice.tools.ReviewEvents;
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

/**
 * Drill "poison messages", for CI: every kind of bad input the pipeline knows, mixed into a healthy stream. All of
 * them, and only they, end in the dead-letter channel, each once, at the first attempt, with its reason and the exact
 * bytes that arrived; the healthy events around them are all written.
 */
@SpringBootTest
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 3, topics = {"events.main", "events.dlq"})
@DirtiesContext
class PoisonMessagesIntegrationTest {

    private static final int HEALTHY = 300;
    private static final int EACH_DEFECT = 4;

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EmbeddedKafkaBroker broker;

    @Test
    void everyPoisonRecordAndOnlyPoisonLandsInTheDeadLetterChannelOnceWithItsReasonAndBytes() throws Exception {
        jdbc.execute(PipelineTables.TRUNCATE_ALL);
        List<byte[]> poison = new ArrayList<>();
        for (Defect defect : Defect.values()) {
            for (int i = 0; i < EACH_DEFECT; i++) {
                poison.add(ReviewEvents.withDefect(defect, "user:" + i));
            }
        }
        poison.add(new byte[0]);
        poison.add(new byte[] {(byte) 0xC3, 0x28, 0x00, (byte) 0xFF});
        poison.add("[1, 2, 3]".getBytes(StandardCharsets.UTF_8));
        poison.add(("{\"padding\": \"" + "x".repeat(70_000) + "\"}").getBytes(StandardCharsets.UTF_8));

        try (Producer<String, byte[]> producer = LoadGenerator.createProducer(broker.getBrokersAsString())) {
            int next = 0;
            for (int i = 0; i < HEALTHY; i++) {
                UUID eventId = UUID.randomUUID();
                producer.send(new ProducerRecord<>("events.main", "user:" + i % 7,
                        ReviewEvents.valid(eventId, "user:" + i % 7, "r-" + eventId, 1 + i % 5, "healthy " + i)));
                if (i % 10 == 5 && next < poison.size()) {
                    producer.send(new ProducerRecord<>("events.main", "user:" + i % 7, poison.get(next++)));
                }
            }
            while (next < poison.size()) {
                producer.send(new ProducerRecord<>("events.main", "user:tail", poison.get(next++)));
            }
        }

        try (KafkaOffsets offsets = new KafkaOffsets(broker.getBrokersAsString())) {
            Reconciliation.awaitExact(jdbc, offsets, 3, HEALTHY, poison.size());
        }
        assertThat(PipelineTables.deadLettersByReason(jdbc)).isEqualTo(Map.of(
                "malformed", (long) EACH_DEFECT + 3,
                "invalid", 3L * EACH_DEFECT,
                "unsupported_schema", (long) EACH_DEFECT,
                "too_large", 1L));
        assertThat(jdbc.queryForList("SELECT DISTINCT attempts FROM dlq_events", Integer.class))
                .as("poison is never redelivered").containsExactly(1);
        assertThat(jdbc.queryForList("SELECT encode(original_value, 'hex') FROM dlq_events", String.class))
                .as("each dead letter carries the bytes that arrived")
                .containsExactlyInAnyOrderElementsOf(poison.stream().map(HexFormat.of()::formatHex).toList());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dlq_events WHERE exception_message = ''", Long.class))
                .as("every dead letter says why").isZero();
    }
}
