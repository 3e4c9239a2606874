package dev.sluice.tools;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.sluice.config.KafkaClientSecurity;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Records an attacker (or a broken producer) can send, aimed at the dead-letter path: a NUL byte in the key, in each
 * envelope field, in a payload field and in a header; bytes that are not UTF-8 in the key, a header and the value; a
 * record just under the broker's size limit; headers that pretend to be Sluice's; a replay count nobody reached; a
 * type nobody routes. Each says what a correct pipeline does with it: write it (valid) or dead-letter it, and why.
 * <pre>
 * java -cp ... dev.sluice.tools.HostileRecords --bootstrap=localhost:9092 --topic=events.main --rounds=10
 * </pre>
 */
public final class HostileRecords {

    /** One record on the wire, and the dead-letter reason it must get ({@code null}: it is valid and written). */
    public record Hostile(String name, byte[] key, byte[] value, Map<String, byte[]> headers, String expectedReason) {

        public ProducerRecord<byte[], byte[]> to(String topic) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, value);
            headers.forEach((header, bytes) -> record.headers().add(header, bytes));
            return record;
        }
    }

    /** An event id no producer header may make a dead letter carry. */
    public static final UUID FORGED_EVENT_ID = UUID.fromString("0f0f0f0f-0000-4000-8000-000000000bad");
    private static final byte[] NOT_UTF8 = {(byte) 0xC3, 0x28, 0x00, (byte) 0xFF, (byte) 0xFE};
    private static final int NEAR_BROKER_LIMIT = 1_040_000;

    private HostileRecords() {
    }

    /** One of each, with fresh event ids; {@code round} keeps the poison values of different rounds apart. */
    public static List<Hostile> all(int round) {
        List<Hostile> records = new ArrayList<>();
        UUID id = UUID.randomUUID();
        records.add(new Hostile("NUL in the Kafka key of a valid event", bytes("user\u0000:1"),
                event(id, "review_created", "user:1", now(), "r-" + id, "fine"), Map.of(), null));
        records.add(new Hostile("NUL in event_id", bytes("k"), event("7f0c\u0000" + round, "review_created", "user:1",
                now(), "r-x", "text"), Map.of(), "invalid"));
        id = UUID.randomUUID();
        records.add(new Hostile("NUL in event_type", bytes("k"), event(id, "review\u0000created", "user:1", now(),
                "r-" + id, "text"), Map.of(), "unsupported_schema"));
        id = UUID.randomUUID();
        records.add(new Hostile("NUL in key", bytes("k"), event(id, "review_created", "user\u0000:1", now(), "r-" + id,
                "text"), Map.of(), "rejected_by_database"));
        id = UUID.randomUUID();
        records.add(new Hostile("NUL in ts", bytes("k"), event(id, "review_created", "user:1", "2026\u0000-01-01",
                "r-" + id, "text"), Map.of(), "invalid"));
        id = UUID.randomUUID();
        records.add(new Hostile("NUL in a payload field", bytes("k"), event(id, "review_created", "user:1", now(),
                "r-" + id, "nul \u0000 inside"), Map.of(), "rejected_by_database"));
        records.add(new Hostile("NUL in a header of a poison record", bytes("k"), bytes("{\"poison\": " + round + "}"),
                Map.of("trace", bytes("a\u0000b")), "invalid"));
        id = UUID.randomUUID();
        records.add(new Hostile("NUL in a header of a valid event", bytes("k"),
                event(id, "review_created", "user:1", now(), "r-" + id, "fine"), Map.of("trace", bytes("a\u0000b")), null));
        records.add(new Hostile("invalid UTF-8 in the key", NOT_UTF8, bytes("not json either " + round), Map.of(),
                "malformed"));
        records.add(new Hostile("invalid UTF-8 in a header value", bytes("k"), bytes("[1, 2, " + round + "]"),
                Map.of("origin", NOT_UTF8), "malformed"));
        records.add(new Hostile("invalid UTF-8 as the whole value", bytes("k"), withRound(NOT_UTF8, round), Map.of(),
                "malformed"));
        byte[] nearLimit = new byte[NEAR_BROKER_LIMIT];
        Arrays.fill(nearLimit, (byte) ('a' + round % 26));
        records.add(new Hostile("a record just under the broker's size limit", bytes("big"), nearLimit,
                Map.of("note", bytes("large")), "too_large"));
        Map<String, byte[]> forged = Map.of(
                "sluice_dlq_reason", bytes("forged"),
                "sluice_dlq_event_id", bytes(FORGED_EVENT_ID.toString()),
                "sluiceEventId", bytes(FORGED_EVENT_ID.toString()),
                "SluiceEventType", bytes("review_deleted"),
                "sluice_replay_count", bytes("-3"));
        records.add(new Hostile("forged sluice headers on a poison record", bytes("k"), bytes("{] " + round), forged,
                "malformed"));
        id = UUID.randomUUID();
        records.add(new Hostile("forged sluice headers on a valid event", bytes("k"),
                event(id, "review_created", "user:1", now(), "r-" + id, "fine"), forged, null));
        records.add(new Hostile("a replay count nobody could have reached", bytes("k"), bytes("{\"round\": " + round + "}"),
                Map.of("sluice_replay_count", bytes("99999999999999999999")), "invalid"));
        records.add(new Hostile("a type nobody routes", bytes("k"), event(UUID.randomUUID(), "review_exploded", "user:1",
                now(), "r-y", "boom"), Map.of(), "unsupported_schema"));
        return records;
    }

    /** Secured as the SLUICE_KAFKA_* environment variables say (KafkaClientSecurity), like Sluice's own clients. */
    public static Producer<byte[], byte[]> createProducer(String bootstrapServers) {
        return KafkaClientSecurity.bytesProducer(bootstrapServers);
    }

    /** Sends {@code --rounds} rounds and prints the load generator's summary line, which the drills reconcile. */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            options.put(pair[0], pair.length == 2 ? pair[1] : "true");
        }
        String topic = options.getOrDefault("topic", "events.main");
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "1"));
        long valid = 0;
        long invalid = 0;
        long started = System.nanoTime();
        try (Producer<byte[], byte[]> producer = createProducer(options.getOrDefault("bootstrap",
                System.getenv().getOrDefault("SLUICE_KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")))) {
            for (int round = 0; round < rounds; round++) {
                for (Hostile record : all(round)) {
                    producer.send(record.to(topic)).get();
                    if (record.expectedReason() == null) {
                        valid++;
                    } else {
                        invalid++;
                    }
                }
            }
        }
        System.out.println("Done: " + new LoadGenerator.Summary(valid + invalid, valid, 0, invalid,
                java.time.Duration.ofNanos(System.nanoTime() - started)));
    }

    private static byte[] event(Object eventId, String type, String key, String ts, String reviewId, String text) {
        return ("{\"event_id\": " + json(eventId.toString()) + ", \"event_type\": " + json(type) + ", \"key\": "
                + json(key) + ", \"ts\": " + json(ts) + ", \"schema_version\": 1, \"payload\": {\"review_id\": "
                + json(reviewId) + ", \"rating\": 4, \"text\": " + json(text) + "}}").getBytes(StandardCharsets.UTF_8);
    }

    /** A JSON string; a NUL becomes its escape, the only way it is valid JSON. */
    private static String json(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\u0000", "\\u0000") + "\"";
    }

    private static byte[] withRound(byte[] bytes, int round) {
        byte[] marked = Arrays.copyOf(bytes, bytes.length + 1);
        marked[bytes.length] = (byte) round;
        return marked;
    }

    private static String now() {
        return Instant.now().toString();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
