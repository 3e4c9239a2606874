package dev.sluice.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import dev.sluice.support.KafkaOffsets;
import dev.sluice.support.PipelineTables;
import dev.sluice.support.Reconciliation;
import dev.sluice.tools.ReviewEvents;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
 * The last line of defence of "nothing stops the stream": a dead letter PostgreSQL refuses (here a trigger, standing
 * in for whatever a future bug or schema change does) is retried, then replaced by a minimal one, and the records
 * behind it on the same partition are written.
 */
@SpringBootTest
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 1, topics = {"events.main", "events.dlq"})
@DirtiesContext
class DeadLetterWriteFailureIntegrationTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EmbeddedKafkaBroker broker;
    @Autowired
    MeterRegistry registry;

    @Test
    void aDeadLetterThatCannotBeWrittenIsReplacedByAMinimalOneAndTheStreamGoesOn() throws Exception {
        jdbc.execute(PipelineTables.TRUNCATE_ALL);
        // A dead-letter row PostgreSQL refuses for a reason that is not an outage, whatever Sluice does with the text.
        jdbc.execute("""
                CREATE OR REPLACE FUNCTION refuse_cursed_dead_letter() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF NEW.record_key = 'cursed' AND NEW.reason <> 'dead_letter_failed' THEN
                    RAISE EXCEPTION 'this dead letter is refused';
                  END IF;
                  RETURN NEW;
                END $$""");
        jdbc.execute("CREATE TRIGGER refuse_cursed_dead_letter BEFORE INSERT ON dlq_events FOR EACH ROW"
                + " EXECUTE FUNCTION refuse_cursed_dead_letter()");
        double fallbacksBefore = registry.counter("dlq.events", "reason", "dead_letter_failed").count();
        try (Producer<byte[], byte[]> producer = bytesProducer()) {
            // Sent together, so they are most likely one poll: the batch's dead letters cannot be written together,
            // and each is written on its own (the cursed one as a minimal dead letter, its neighbour whole).
            producer.send(new ProducerRecord<>("events.main", bytes("cursed"), bytes("not json")));
            producer.send(new ProducerRecord<>("events.main", bytes("plain"), bytes("not json either"))).get();
            for (int i = 0; i < 20; i++) {
                UUID id = UUID.randomUUID();
                producer.send(new ProducerRecord<>("events.main", bytes("user:ok"),
                        ReviewEvents.valid(id, "user:ok", "r-" + id, 3, "after the cursed one " + i))).get();
            }
            try (KafkaOffsets offsets = new KafkaOffsets(broker.getBrokersAsString())) {
                Reconciliation.awaitExact(jdbc, offsets, 1, 20, 2);
            }
        } finally {
            jdbc.execute("DROP TRIGGER refuse_cursed_dead_letter ON dlq_events");
            jdbc.execute("DROP FUNCTION refuse_cursed_dead_letter()");
        }
        Map<String, Object> minimal = jdbc.queryForMap("SELECT reason, exception_message, record_key, original_value,"
                + " source_offset FROM dlq_events WHERE source_offset = 0");
        Map<String, Object> neighbour = jdbc.queryForMap(
                "SELECT reason, record_key, original_value FROM dlq_events WHERE source_offset = 1");
        assertThat(neighbour).containsEntry("reason", "malformed").containsEntry("record_key", "plain");
        assertThat((byte[]) neighbour.get("original_value")).isEqualTo(bytes("not json either"));
        assertThat(minimal.get("reason")).isEqualTo("dead_letter_failed");
        assertThat((String) minimal.get("exception_message")).contains("malformed").contains("refused");
        assertThat(minimal.get("original_value")).as("no payload").isNull();
        assertThat(minimal.get("record_key")).isNull();
        assertThat(minimal.get("source_offset")).isEqualTo(0L);
        assertThat(registry.counter("dlq.events", "reason", "dead_letter_failed").count() - fallbacksBefore)
                .isEqualTo(1.0);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private Producer<byte[], byte[]> bytesProducer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }
}
