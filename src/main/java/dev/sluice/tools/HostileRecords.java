package dev.sluice.tools;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * type nobody routes; JSON that two parsers could read two ways (a key twice, a byte-order mark); text PostgreSQL
 * would store altered (a lone surrogate); an event type with a trailing space; event times just inside and just past
 * the hour ahead Sluice allows; an update for a review that never existed and a review deleted twice. Each says what a
 * correct pipeline does with it: write it, record it as superseded, or dead-letter it, and why.
 * <pre>
 * java -cp ... dev.sluice.tools.HostileRecords --bootstrap=localhost:9092 --topic=events.main --rounds=10
 * </pre>
 */
public final class HostileRecords {

    /**
     * One record on the wire, and what it must become: the dead-letter reason it must get ({@code null}: it is valid),
     * and, if valid, whether it adds a row ({@code addsRow}) and whether it is superseded (the reason, or {@code null}:
     * applied).
     */
    public record Hostile(String name, byte[] key, byte[] value, Map<String, byte[]> headers, String expectedReason,
                          boolean addsRow, String supersededAs) {

        Hostile(String name, byte[] key, byte[] value, Map<String, byte[]> headers, String expectedReason) {
            this(name, key, value, headers, expectedReason, expectedReason == null, null);
        }

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
                "r-" + id, "text"), Map.of(), "invalid"));
        id = UUID.randomUUID();
        records.add(new Hostile("NUL in key", bytes("k"), event(id, "review_created", "user\u0000:1", now(), "r-" + id,
                "text"), Map.of(), "invalid"));
        id = UUID.randomUUID();
        records.add(new Hostile("NUL in ts", bytes("k"), event(id, "review_created", "user:1", "2026\u0000-01-01",
                "r-" + id, "text"), Map.of(), "invalid"));
        id = UUID.randomUUID();
        records.add(new Hostile("NUL in a payload field", bytes("k"), event(id, "review_created", "user:1", now(),
                "r-" + id, "nul \u0000 inside"), Map.of(), "invalid"));
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
        records.addAll(ambiguousJson(round));
        records.addAll(changes());
        return records;
    }

    /** What two parsers could read two ways, or PostgreSQL would store altered; and names and times at their limits. */
    private static List<Hostile> ambiguousJson(int round) {
        List<Hostile> records = new ArrayList<>();
        UUID id = UUID.randomUUID();
        records.add(new Hostile("a key twice at the top level", bytes("k"), bytes(("{\"event_id\": \"%s\", \"event_type\":"
                + " \"review_created\", \"key\": \"user:1\", \"ts\": \"%s\", \"ts\": \"2019-01-01T00:00:00Z\","
                + " \"schema_version\": 1, \"payload\": {\"review_id\": \"r-%s\", \"rating\": 4, \"text\": \"t\"}}")
                .formatted(id, now(), id)), Map.of(), "malformed"));
        id = UUID.randomUUID();
        records.add(new Hostile("a key twice in the payload", bytes("k"), bytes(("{\"event_id\": \"%s\", \"event_type\":"
                + " \"review_created\", \"key\": \"user:1\", \"ts\": \"%s\", \"schema_version\": 1, \"payload\":"
                + " {\"review_id\": \"r-%s\", \"rating\": 1, \"text\": \"t\", \"rating\": 5}}").formatted(id, now(), id)),
                Map.of(), "malformed"));
        id = UUID.randomUUID();
        records.add(new Hostile("a lone surrogate in the text", bytes("k"), rawEvent(id, "review_created", "user:1",
                now(), "r-" + id, "abc \\ud800 def " + round), Map.of(), "invalid"));
        id = UUID.randomUUID();
        records.add(new Hostile("a lone surrogate in the key", bytes("k"), rawEvent(id, "review_created",
                "user \\udc00 " + round, now(), "r-" + id, "t"), Map.of(), "invalid"));
        id = UUID.randomUUID();
        byte[] event = event(id, "review_created", "user:1", now(), "r-" + id, "after a mark");
        byte[] marked = new byte[event.length + 3];
        marked[0] = (byte) 0xEF;
        marked[1] = (byte) 0xBB;
        marked[2] = (byte) 0xBF;
        System.arraycopy(event, 0, marked, 3, event.length);
        records.add(new Hostile("a byte-order mark before the JSON", bytes("k"), marked, Map.of(), "malformed"));
        id = UUID.randomUUID();
        records.add(new Hostile("an event_type with a trailing space", bytes("k"), event(id, "review_created ",
                "user:1", now(), "r-" + id, "t"), Map.of(), "invalid"));
        id = UUID.randomUUID();
        records.add(new Hostile("a ts 59 minutes ahead", bytes("k"), event(id, "review_created", "user:1",
                Instant.now().plus(Duration.ofMinutes(59)).toString(), "r-" + id, "a fast clock"), Map.of(), null));
        id = UUID.randomUUID();
        records.add(new Hostile("a ts 61 minutes ahead", bytes("k"), event(id, "review_created", "user:1",
                Instant.now().plus(Duration.ofMinutes(61)).toString(), "r-" + id, "too fast a clock"), Map.of(),
                "invalid"));
        return records;
    }

    /**
     * Changes to reviews in an order no producer should send, on one key so one partition keeps their order: an
     * update for a review that never existed (its row waits for a creation that never comes), and a review deleted
     * twice (the second deletion is newer than the tombstone: stale).
     */
    private static List<Hostile> changes() {
        String orphan = "r-orphan-" + UUID.randomUUID();
        String twice = "r-deleted-twice-" + UUID.randomUUID();
        Instant at = Instant.now();
        byte[] key = bytes("changes");
        return List.of(
                new Hostile("an update for a review that never existed", key, change(UUID.randomUUID(), "review_updated",
                        at, orphan, ", \"rating\": 2, \"text\": \"nobody made me\""), Map.of(), null, true, null),
                new Hostile("a review created, to be deleted twice", key, event(UUID.randomUUID(), "review_created",
                        "user:1", at.toString(), twice, "short-lived"), Map.of(), null, true, null),
                new Hostile("the first deletion of that review", key, change(UUID.randomUUID(), "review_deleted",
                        at.plusSeconds(1), twice, ""), Map.of(), null, false, null),
                new Hostile("the second deletion of that review", key, change(UUID.randomUUID(), "review_deleted",
                        at.plusSeconds(2), twice, ""), Map.of(), null, false, "stale"));
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
        long rows = 0;
        long invalid = 0;
        long superseded = 0;
        long sent = 0;
        long started = System.nanoTime();
        try (Producer<byte[], byte[]> producer = createProducer(options.getOrDefault("bootstrap",
                System.getenv().getOrDefault("SLUICE_KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")))) {
            for (int round = 0; round < rounds; round++) {
                for (Hostile record : all(round)) {
                    producer.send(record.to(topic)).get();
                    sent++;
                    if (record.expectedReason() != null) {
                        invalid++;
                    }
                    rows += record.addsRow() ? 1 : 0;
                    superseded += record.supersededAs() == null ? 0 : 1;
                }
            }
        }
        // The load generator's line, whose uniqueValid is the rows a correct pipeline ends with, and the superseded.
        System.out.println("Done: " + new LoadGenerator.Summary(sent, rows, 0, invalid,
                Duration.ofNanos(System.nanoTime() - started), 0, superseded));
    }

    private static byte[] event(Object eventId, String type, String key, String ts, String reviewId, String text) {
        return rawEvent(eventId, type, json(key), ts, json(reviewId), json(text));
    }

    /** An event whose key, review id and text are given as they go between the quotes, escapes and all. */
    private static byte[] rawEvent(Object eventId, String type, String key, String ts, String reviewId, String text) {
        return ("{\"event_id\": \"" + json(eventId.toString()) + "\", \"event_type\": \"" + json(type) + "\", \"key\": \""
                + key + "\", \"ts\": \"" + json(ts) + "\", \"schema_version\": 1, \"payload\": {\"review_id\": \""
                + reviewId + "\", \"rating\": 4, \"text\": \"" + text + "\"}}").getBytes(StandardCharsets.UTF_8);
    }

    /** A review_updated or review_deleted of {@code reviewId}; {@code fields} adds to its payload. */
    private static byte[] change(UUID eventId, String type, Instant ts, String reviewId, String fields) {
        return ("{\"event_id\": \"" + eventId + "\", \"event_type\": \"" + type + "\", \"key\": \"user:1\", \"ts\": \""
                + ts + "\", \"schema_version\": 1, \"payload\": {\"review_id\": \"" + reviewId + "\"" + fields + "}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A JSON string's content, without its quotes; a NUL becomes its escape, the only way it is valid JSON. */
    private static String json(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\u0000", "\\u0000");
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
