package dev.sluice.deadletter;

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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends selected dead letters back to the events topic after a fix: their original key and bytes, plus a
 * {@link DeadLetterHeaders#REPLAY_COUNT} header one higher than the dead letter's.
 * <ul>
 * <li>Idempotent: a replayed event that was written meanwhile (or is replayed twice) is absorbed by the pipeline's
 * idempotent consumer. Dead letters are marked {@code replayed_at} only after Kafka acknowledged every record, in the
 * same transaction that selected them; a crash in between sends them again next time, which is harmless.</li>
 * <li>Loop-guarded: an event that fails again gets a new dead letter carrying its replay count; once that count
 * reaches {@code --max-replays} it is held back and reported, not sent.</li>
 * </ul>
 *
 * <pre>
 * java -cp target/sluice-*.jar -Dloader.main=dev.sluice.deadletter.DeadLetterReplay \
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

    private static final String SELECT = """
            SELECT id, record_key, original_key, original_value, replay_count FROM dlq_events
            WHERE replayed_at IS NULL
              AND (CAST(? AS text) IS NULL OR reason = ?)
              AND dead_lettered_at >= coalesce(CAST(? AS timestamptz), '-infinity')
              AND dead_lettered_at <  coalesce(CAST(? AS timestamptz), 'infinity')
              AND (CAST(? AS bigint[]) IS NULL OR id = ANY (CAST(? AS bigint[])))
            ORDER BY id
            FOR UPDATE SKIP LOCKED""";

    private final Connection database;
    private final Producer<byte[], byte[]> producer;
    private final String topic;

    public DeadLetterReplay(Connection database, Producer<byte[], byte[]> producer, String topic) {
        this.database = database;
        this.producer = producer;
        this.topic = topic;
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
            Result result = new DeadLetterReplay(database, producer, topic)
                    .replay(Selection.parse(options), options.containsKey("dry-run"));
            System.out.println(result + " (to " + topic + " on " + bootstrap + ")");
        }
    }

    public static Producer<byte[], byte[]> createProducer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
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

    public Result replay(Selection selection, boolean dryRun) throws SQLException, ExecutionException, InterruptedException {
        boolean autoCommit = database.getAutoCommit();
        database.setAutoCommit(false);
        try {
            List<Long> sent = new ArrayList<>();
            List<Future<RecordMetadata>> acknowledgements = new ArrayList<>();
            int held = 0;
            try (PreparedStatement select = selectStatement(selection); ResultSet deadLetters = select.executeQuery()) {
                while (deadLetters.next()) {
                    int replayCount = deadLetters.getInt("replay_count");
                    if (replayCount >= selection.maxReplays()) {
                        held++;
                        continue;
                    }
                    if (!dryRun) {
                        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic,
                                keyOf(deadLetters), deadLetters.getBytes("original_value"));
                        record.headers().add(DeadLetterHeaders.REPLAY_COUNT,
                                String.valueOf(replayCount + 1).getBytes(StandardCharsets.UTF_8));
                        acknowledgements.add(producer.send(record));
                    }
                    sent.add(deadLetters.getLong("id"));
                }
            }
            if (dryRun) {
                database.rollback();
                return new Result(sent.size(), held, true);
            }
            producer.flush();
            for (Future<RecordMetadata> acknowledgement : acknowledgements) {
                acknowledgement.get();
            }
            markReplayed(sent);
            database.commit();
            return new Result(sent.size(), held, false);
        } catch (SQLException | ExecutionException | InterruptedException | RuntimeException e) {
            database.rollback();
            throw e;
        } finally {
            database.setAutoCommit(autoCommit);
        }
    }

    private PreparedStatement selectStatement(Selection selection) throws SQLException {
        PreparedStatement select = database.prepareStatement(SELECT);
        select.setString(1, selection.reason());
        select.setString(2, selection.reason());
        select.setTimestamp(3, selection.since() == null ? null : Timestamp.from(selection.since()));
        select.setTimestamp(4, selection.until() == null ? null : Timestamp.from(selection.until()));
        Array ids = selection.ids() == null ? null : database.createArrayOf("bigint", selection.ids().toArray());
        select.setArray(5, ids);
        select.setArray(6, ids);
        return select;
    }

    private void markReplayed(List<Long> ids) throws SQLException {
        try (PreparedStatement mark = database.prepareStatement("UPDATE dlq_events SET replayed_at = now() WHERE id = ANY (?)")) {
            mark.setArray(1, database.createArrayOf("bigint", ids.toArray()));
            mark.executeUpdate();
        }
    }
}
