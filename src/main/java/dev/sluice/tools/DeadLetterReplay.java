package dev.sluice.tools;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;


import ch.qos.logback.classic.Level;
import dev.sluice.config.KafkaClientSecurity;
import dev.sluice.deadletter.DeadLetterHeaders;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends selected dead letters back to the events topic after a fix: their original key and bytes, plus a
 * {@link DeadLetterHeaders#REPLAY_COUNT} header one higher than the dead letter's.
 * <ul>
 * <li>Idempotent: a replayed event that was written meanwhile (or is replayed twice) is absorbed by the pipeline's
 * idempotent consumer. Dead letters go in batches ({@code --batch-size}, 500), each selected, sent and marked
 * {@code replayed_at} in one transaction once Kafka acknowledged it; a crash in between sends that batch again next
 * time, which is harmless, and a failed send leaves only the unacknowledged records unmarked.</li>
 * <li>Loop-guarded: an event that fails again gets a new dead letter carrying its replay count; once that count
 * reaches {@code --max-replays} it is held back and reported, not sent.</li>
 * </ul>
 *
 * <pre>
 * java -cp target/sluice-*.jar -Dloader.main=dev.sluice.tools.DeadLetterReplay \
 *     org.springframework.boot.loader.launch.PropertiesLauncher --reason=unsupported_schema --since=2026-11-22T10:00:00Z
 * </pre>
 */
public final class DeadLetterReplay {

    /** Which dead letters to replay. Every criterion given must hold; none given selects every unreplayed one. */
    public record Selection(String reason, Instant since, Instant until, List<Long> ids, int maxReplays) {

        public static Selection parse(Map<String, String> options) {
            return new Selection(options.get("reason"),
                    options.containsKey("since") ? Instant.parse(options.get("since")) : null,
                    options.containsKey("until") ? Instant.parse(options.get("until")) : null,
                    options.containsKey("id") ? Arrays.stream(options.get("id").split(",")).map(Long::valueOf).toList() : null,
                    Integer.parseInt(options.getOrDefault("max-replays", "3")));
        }
    }

    /** What a replay did: dead letters sent back, and dead letters held back because they reached the limit. */
    public record Result(int replayed, int heldAtLimit, boolean dryRun) {

        @Override
        public String toString() {
            return String.format("%s %d dead letter(s); held back %d at the replay limit", dryRun ? "Would replay" : "Replayed",
                    replayed, heldAtLimit);
        }
    }

    /** The selection; a minimal dead letter ({@code dead_letter_failed}) has no bytes to send and is never selected. */
    private static final String SELECTED = """
             WHERE replayed_at IS NULL
              AND (CAST(? AS text) IS NULL OR reason = ?)
              AND dead_lettered_at >= coalesce(CAST(? AS timestamptz), '-infinity')
              AND dead_lettered_at <  coalesce(CAST(? AS timestamptz), 'infinity')
              AND (CAST(? AS bigint[]) IS NULL OR id = ANY (CAST(? AS bigint[])))
              AND original_value IS NOT NULL
            """;
    private static final String NEXT_BATCH = "SELECT id, record_key, original_key, original_value, replay_count"
            + " FROM dlq_events " + SELECTED + " AND replay_count < ? ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED";
    private static final String COUNT_TO_REPLAY = "SELECT count(*) FROM dlq_events " + SELECTED + " AND replay_count < ?";
    private static final String COUNT_AT_LIMIT = "SELECT count(*) FROM dlq_events " + SELECTED + " AND replay_count >= ?";
    /** Dead letters sent and marked per transaction: a crash re-sends at most this many, and no lock is held for long. */
    public static final int DEFAULT_BATCH_SIZE = 500;

    private final Connection database;
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final int batchSize;

    public DeadLetterReplay(Connection database, Producer<byte[], byte[]> producer, String topic) {
        this(database, producer, topic, DEFAULT_BATCH_SIZE);
    }

    public DeadLetterReplay(Connection database, Producer<byte[], byte[]> producer, String topic, int batchSize) {
        this.database = database;
        this.producer = producer;
        this.topic = topic;
        this.batchSize = batchSize;
    }

    public static void main(String[] args) throws Exception {
        // A command, not the service: its answer is the one summary line, not the Kafka client's configuration dump.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            options.put(pair[0], pair.length == 2 ? pair[1] : "true");
        }
        Map<String, String> env = System.getenv();
        String bootstrap = options.getOrDefault("bootstrap", env.getOrDefault("SLUICE_KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"));
        String topic = options.getOrDefault("topic", "events.main");
        try (Connection database = DriverManager.getConnection(
                     options.getOrDefault("db-url", env.getOrDefault("SLUICE_DB_URL", "jdbc:postgresql://127.0.0.1:5432/sluice")),
                     env.getOrDefault("SLUICE_DB_USER", "postgres"), env.getOrDefault("SLUICE_DB_PASSWORD", ""));
             Producer<byte[], byte[]> producer = createProducer(bootstrap)) {
            int batchSize = Integer.parseInt(options.getOrDefault("batch-size", String.valueOf(DEFAULT_BATCH_SIZE)));
            Result result = new DeadLetterReplay(database, producer, topic, batchSize)
                    .replay(Selection.parse(options), options.containsKey("dry-run"));
            System.out.println(result + " (to " + topic + " on " + bootstrap + ")");
        }
    }

    /** Secured as the SLUICE_KAFKA_* environment variables say (KafkaClientSecurity), like Sluice's own clients. */
    public static Producer<byte[], byte[]> createProducer(String bootstrapServers) {
        return KafkaClientSecurity.bytesProducer(bootstrapServers);
    }

    /**
     * The key that arrived: its bytes where the dead letter kept them (since V3), else the readable rendering older
     * dead letters have. The key picks the partition, so the exact bytes keep a replayed event in its key's order.
     */
    private static byte[] keyOf(ResultSet deadLetter) throws SQLException {
        byte[] original = deadLetter.getBytes("original_key");
        if (original != null) {
            return original;
        }
        String rendered = deadLetter.getString("record_key");
        return rendered == null ? null : rendered.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Replays in batches of {@code batchSize}, each in its own transaction: select and lock the next batch, send it,
     * mark what Kafka acknowledged, commit. If a send fails, what was acknowledged is still marked and committed before
     * the failure is reported, so a second run sends only what did not arrive.
     */
    public Result replay(Selection selection, boolean dryRun) throws SQLException, ExecutionException, InterruptedException {
        int held = count(COUNT_AT_LIMIT, selection);
        if (dryRun) {
            return new Result(count(COUNT_TO_REPLAY, selection), held, true);
        }
        boolean autoCommit = database.getAutoCommit();
        database.setAutoCommit(false);
        int replayed = 0;
        try {
            for (int selected = batchSize; selected == batchSize; ) {
                Map<Long, Future<RecordMetadata>> sent = sendNextBatch(selection);
                selected = sent.size();
                producer.flush();
                List<Long> acknowledged = new ArrayList<>(selected);
                ExecutionException failed = null;
                for (Map.Entry<Long, Future<RecordMetadata>> deadLetter : sent.entrySet()) {
                    try {
                        deadLetter.getValue().get();
                        acknowledged.add(deadLetter.getKey());
                    } catch (ExecutionException e) {
                        failed = failed == null ? e : failed;
                    }
                }
                markReplayed(acknowledged);
                database.commit();
                replayed += acknowledged.size();
                if (failed != null) {
                    throw failed;
                }
            }
            return new Result(replayed, held, false);
        } catch (SQLException | ExecutionException | InterruptedException | RuntimeException e) {
            database.rollback();
            throw e;
        } finally {
            database.setAutoCommit(autoCommit);
        }
    }

    private Map<Long, Future<RecordMetadata>> sendNextBatch(Selection selection) throws SQLException {
        Map<Long, Future<RecordMetadata>> sent = new java.util.LinkedHashMap<>();
        try (PreparedStatement select = selected(NEXT_BATCH, selection)) {
            select.setInt(8, batchSize);
            try (ResultSet deadLetters = select.executeQuery()) {
                while (deadLetters.next()) {
                    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, keyOf(deadLetters),
                            deadLetters.getBytes("original_value"));
                    record.headers().add(DeadLetterHeaders.REPLAY_COUNT,
                            String.valueOf(deadLetters.getInt("replay_count") + 1).getBytes(StandardCharsets.UTF_8));
                    sent.put(deadLetters.getLong("id"), producer.send(record));
                }
            }
        }
        return sent;
    }

    private int count(String query, Selection selection) throws SQLException {
        try (PreparedStatement count = selected(query, selection); ResultSet result = count.executeQuery()) {
            result.next();
            return result.getInt(1);
        }
    }

    /** A statement over the selection, with its criteria and the replay limit bound (parameters 1 to 7). */
    private PreparedStatement selected(String query, Selection selection) throws SQLException {
        PreparedStatement select = database.prepareStatement(query);
        select.setString(1, selection.reason());
        select.setString(2, selection.reason());
        select.setTimestamp(3, selection.since() == null ? null : Timestamp.from(selection.since()));
        select.setTimestamp(4, selection.until() == null ? null : Timestamp.from(selection.until()));
        Array ids = selection.ids() == null ? null : database.createArrayOf("bigint", selection.ids().toArray());
        select.setArray(5, ids);
        select.setArray(6, ids);
        select.setInt(7, selection.maxReplays());
        return select;
    }

    private void markReplayed(List<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement mark = database.prepareStatement("UPDATE dlq_events SET replayed_at = now() WHERE id = ANY (?)")) {
            mark.setArray(1, database.createArrayOf("bigint", ids.toArray()));
            mark.executeUpdate();
        }
    }
}
