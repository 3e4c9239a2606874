package dev.sluice.resilience;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.deadletter.DeadLetterHeaders;
import dev.sluice.support.KafkaOffsets;
import dev.sluice.support.PipelineTables;
import dev.sluice.support.Reconciliation;
import dev.sluice.tools.HostileRecords.Hostile;
import dev.sluice.tools.HostileRecords;
import dev.sluice.tools.ReviewEvents;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeEach;
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
 * What an attacker (or a broken producer) can put in a record ({@link HostileRecords}: a NUL byte in the key, in
 * each envelope field and in a header; bytes that are not UTF-8; a record just under the broker's size limit; headers
 * that pretend to be Sluice's; a key twice, a byte-order mark, a lone surrogate; changes out of any sane order), on one
 * partition, each followed by healthy events: every hostile record is dead-lettered once with a reason naming its
 * field, written once, or recorded as superseded, as it says; everything behind it is written, and every row holds
 * exactly the text its event sent. The stream never stops, and the dead letters keep the bytes that arrived.
 */
@SpringBootTest
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 1, topics = {"events.main", "events.dlq"})
@DirtiesContext
class HostileInputIntegrationTest {

    private static final int HEALTHY_AFTER_EACH = 3;

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EmbeddedKafkaBroker broker;

    @BeforeEach
    void emptyTables() {
        jdbc.execute(PipelineTables.TRUNCATE_ALL);
    }

    @Test
    void everyHostileRecordIsDeadLetteredOnceOrWrittenOnceAndTheEventsBehindItAreWritten() throws Exception {
        List<Hostile> hostile = HostileRecords.all(0);
        long valid = hostile.stream().filter(record -> record.expectedReason() == null).count();
        long rows = hostile.stream().filter(Hostile::addsRow).count();
        long superseded = hostile.stream().filter(record -> record.supersededAs() != null).count();
        int healthy = 0;
        try (Producer<byte[], byte[]> producer = HostileRecords.createProducer(broker.getBrokersAsString())) {
            for (Hostile record : hostile) {
                producer.send(record.to("events.main")).get();
                for (int i = 0; i < HEALTHY_AFTER_EACH; i++, healthy++) {
                    UUID id = UUID.randomUUID();
                    producer.send(new ProducerRecord<>("events.main", bytes("user:ok"),
                            ReviewEvents.valid(id, "user:ok", "r-" + id, 4, "behind " + record.name()))).get();
                }
            }
        }
        long deadLetters = hostile.size() - valid;

        try (KafkaOffsets offsets = new KafkaOffsets(broker.getBrokersAsString())) {
            Reconciliation.awaitExact(jdbc, offsets, 1,
                    new Reconciliation.Expected(healthy + rows, deadLetters, superseded, healthy + valid));
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM superseded_events WHERE reason = 'stale'", Long.class))
                .as("the second deletion of a deleted review").isEqualTo(superseded);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM reviews WHERE event_id IS NULL AND deleted_at IS NULL",
                Long.class)).as("the update of a review never created waits for its creation").isEqualTo(1);
        assertEveryRowHoldsWhatItsEventSent(hostile);
        for (Hostile record : hostile) {
            if (record.expectedReason() == null) {
                continue;
            }
            Map<String, Object> row = jdbc.queryForMap("SELECT reason, exception_message, event_id, original_key,"
                    + " original_value FROM dlq_events WHERE original_value = ?", (Object) record.value());
            assertThat(row.get("reason")).as(record.name()).isEqualTo(record.expectedReason());
            assertThat((byte[]) row.get("original_key")).as(record.name() + ": the key that arrived").isEqualTo(record.key());
            assertThat((String) row.get("exception_message")).as(record.name()).isNotBlank().doesNotContain("\u0000");
            if (NAMED.containsKey(record.name())) {
                assertThat((String) row.get("exception_message")).as(record.name()).contains(NAMED.get(record.name()));
            }
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dlq_events WHERE event_id = ?", Long.class,
                HostileRecords.FORGED_EVENT_ID.toString())).as("no producer header names a dead letter's event id").isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dlq_events WHERE replay_count <> 0", Long.class))
                .as("a spoofed replay count is not believed").isZero();

        Map<String, ConsumerRecord<byte[], byte[]>> topicRecords = deadLetterTopicByOffset();
        ConsumerRecord<byte[], byte[]> large = topicRecords.values().stream()
                .filter(record -> record.headers().lastHeader(DeadLetterHeaders.OMITTED) != null).findFirst().orElseThrow();
        assertThat(large.value()).as("the topic record of the near-limit record leaves its value out").isEmpty();
        for (ConsumerRecord<byte[], byte[]> record : topicRecords.values()) {
            assertThat(header(record, DeadLetterHeaders.REASON)).isNotEqualTo("forged");
        }
        System.out.printf("Hostile input: %d hostile records (%d valid), %d healthy behind them; rows=%d dlq=%d, "
                        + "none stopped the partition%n", hostile.size(), valid, healthy,
                PipelineTables.count(jdbc, "reviews"), PipelineTables.count(jdbc, "dlq_events"));
    }

    /** The field or key each of these dead letters must name. */
    private static final Map<String, String> NAMED = Map.of(
            "a key twice at the top level", "'ts' at /ts",
            "a key twice in the payload", "'rating' at /payload/rating",
            "a lone surrogate in the text", "payload.text: holds a lone surrogate",
            "a lone surrogate in the key", "key: holds a lone surrogate",
            "NUL in key", "key: holds a NUL",
            "NUL in a payload field", "payload.text: holds a NUL",
            "a byte-order mark before the JSON", "byte-order mark",
            "an event_type with a trailing space", "event_type: must be lower-case letters",
            "a ts 61 minutes ahead", "ts: more than 60 minutes ahead");

    /** Each valid creation's row, read back, against its event as a strict parser reads the bytes that were sent. */
    private void assertEveryRowHoldsWhatItsEventSent(List<Hostile> hostile) throws Exception {
        ObjectMapper strict = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        for (Hostile record : hostile) {
            JsonNode event = record.expectedReason() == null ? strict.readTree(record.value()) : null;
            if (event == null || !"review_created".equals(event.get("event_type").textValue())) {
                continue;
            }
            Map<String, Object> row = jdbc.queryForMap("SELECT user_key, review_text, rating, deleted_at FROM reviews"
                    + " WHERE review_id = ?", event.get("payload").get("review_id").textValue());
            assertThat(row.get("user_key")).as(record.name()).isEqualTo(event.get("key").textValue());
            if (row.get("deleted_at") != null) {
                assertThat(row.get("review_text")).as(record.name() + ": a tombstone keeps no text").isNull();
                continue;
            }
            assertThat(row.get("review_text")).as(record.name()).isEqualTo(event.get("payload").get("text").textValue());
            assertThat(((Number) row.get("rating")).intValue()).as(record.name())
                    .isEqualTo(event.get("payload").get("rating").intValue());
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private Map<String, ConsumerRecord<byte[], byte[]>> deadLetterTopicByOffset() {
        Map<String, ConsumerRecord<byte[], byte[]>> records = new java.util.HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ConsumerConfig.GROUP_ID_CONFIG, "hostile-input-check-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            consumer.subscribe(List.of("events.dlq"));
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            long expected = PipelineTables.count(jdbc, "dlq_events");
            while (records.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    records.put(header(record, DeadLetterHeaders.ORIGINAL_OFFSET), record);
                }
            }
        }
        return records;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
