package dev.sluice.bench;

import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.event.EventHeaders;
import dev.sluice.event.RejectedEventException;
import dev.sluice.event.ValidEvent;
import dev.sluice.validate.EventSchemas;
import dev.sluice.validate.EventValidator;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.flywaydb.core.Flyway;

/**
 * The benchmark's yardstick (issue 6): the hand-written consumer a team would write instead of Sluice, with the same
 * guarantees and the same tables. One database transaction per poll: every record is validated by Sluice's own
 * {@link EventValidator} (so validation costs the same), invalid ones become {@code dlq_events} rows, the batch's
 * event ids are marked in {@code idempotency_markers} with one {@code INSERT ... ON CONFLICT DO NOTHING RETURNING},
 * only the ids that statement returned are inserted into {@code reviews} (one JDBC batch), and the offsets are
 * committed only after the transaction. A crash between the two replays the poll; the markers make that harmless.
 *
 * <pre>
 * java -cp ... dev.sluice.bench.BaselineConsumer --bootstrap=localhost:19092 \
 *     --db-url=jdbc:postgresql://127.0.0.1:55432/sluice [--topic=events.main] [--group=sluice] \
 *     [--max-poll-records=500] [--schemas=routes-yaml/schemas] [--rewrite-batched-inserts=true]
 * </pre>
 * It applies the same Flyway migrations as Sluice, prints {@code Started BaselineConsumer} once subscribed, and stops
 * on SIGTERM after the poll in hand.
 */
public final class BaselineConsumer {

    static final String MARK = "INSERT INTO idempotency_markers (processor_name, message_id) "
            + "SELECT ?, unnest(?::text[]) ON CONFLICT DO NOTHING RETURNING message_id";
    /**
     * The columns of routes-yaml/event-types/review_created.camel.yaml, the row's position (version_*) being the
     * event's own. Insert-only: a second creation for a review is skipped, where Sluice also fills in a row that an
     * update made first; the load generator's reviews are all new, so both write the same rows.
     */
    static final String INSERT_REVIEW = "INSERT INTO reviews (review_id, user_key, rating, review_text, "
            + "reviewed_at, event_id, source_topic, source_partition, source_offset, version_at, version_partition, "
            + "version_offset) VALUES (?, ?, ?, ?, CAST(? AS timestamptz), CAST(? AS uuid), ?, ?, ?, "
            + "CAST(? AS timestamptz), ?, ?) ON CONFLICT (review_id) DO NOTHING";
    private static final String INSERT_DEAD_LETTER = "INSERT INTO dlq_events (reason, exception_class, "
            + "exception_message, event_id, source_topic, source_partition, source_offset, record_key, original_value, "
            + "attempts, first_failed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, now()) "
            + "ON CONFLICT (source_topic, source_partition, source_offset) DO NOTHING";

    private final Map<String, String> options;
    private final EventValidator validator;
    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final AtomicBoolean running = new AtomicBoolean(true);

    private BaselineConsumer(Map<String, String> options) {
        this.options = options;
        this.validator = new EventValidator(new ObjectMapper(),
                EventSchemas.loadFrom(Path.of(options.getOrDefault("schemas", "routes-yaml/schemas"))),
                Integer.parseInt(options.getOrDefault("max-event-bytes", "65536")));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            options.put(pair[0], pair.length == 2 ? pair[1] : "true");
        }
        new BaselineConsumer(options).run();
    }

    private void run() throws Exception {
        String dbUrl = option("db-url");
        String user = options.getOrDefault("db-user", "postgres");
        Flyway.configure().dataSource(dbUrl, user, "").locations("classpath:db/migration").load().migrate();
        Properties jdbc = new Properties();
        jdbc.setProperty("user", user);
        jdbc.setProperty("reWriteBatchedInserts", options.getOrDefault("rewrite-batched-inserts", "true"));
        String group = options.getOrDefault("group", "sluice");
        String topic = options.getOrDefault("topic", "events.main");
        try (Connection db = DriverManager.getConnection(dbUrl, jdbc);
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig(group))) {
            db.setAutoCommit(false);
            Thread main = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                running.set(false);
                consumer.wakeup();
                try {
                    main.join(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            consumer.subscribe(List.of(topic));
            System.out.println("Started BaselineConsumer on " + topic + " as group " + group);
            while (running.get()) {
                ConsumerRecords<String, byte[]> records;
                try {
                    records = consumer.poll(Duration.ofMillis(500));
                } catch (WakeupException stopping) {
                    break;
                }
                if (!records.isEmpty()) {
                    writeOrRewind(db, consumer, records, group);
                }
            }
        }
        System.out.println("Stopped BaselineConsumer");
    }

    /** Writes the poll in one transaction and commits its offsets; on a database failure, reads it again. */
    private void writeOrRewind(Connection db, KafkaConsumer<String, byte[]> consumer,
                               ConsumerRecords<String, byte[]> records, String group) throws InterruptedException {
        try {
            write(db, records, group);
            db.commit();
        } catch (SQLException failure) {
            System.err.println("Poll not written, reading it again: " + failure);
            try {
                db.rollback();
            } catch (SQLException ignored) {
                // The connection is gone; the next attempt fails the same way and we try again.
            }
            for (TopicPartition partition : records.partitions()) {
                consumer.seek(partition, records.records(partition).get(0).offset());
            }
            Thread.sleep(1000);
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> inPartition = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(inPartition.get(inPartition.size() - 1).offset() + 1));
        }
        consumer.commitSync(offsets);
    }

    private void write(Connection db, ConsumerRecords<String, byte[]> records, String group) throws SQLException {
        Map<String, Valid> valid = new LinkedHashMap<>();
        try (PreparedStatement deadLetters = db.prepareStatement(INSERT_DEAD_LETTER)) {
            int rejected = 0;
            for (ConsumerRecord<String, byte[]> record : records) {
                Message message = new DefaultMessage(camel);
                try {
                    ValidEvent event = validator.validate(record.value(), message);
                    // An exact re-send inside one poll: the first copy is the one written.
                    valid.putIfAbsent(message.getHeader(EventHeaders.EVENT_ID, String.class), new Valid(event, record));
                } catch (RejectedEventException e) {
                    addDeadLetter(deadLetters, record, e, message.getHeader(EventHeaders.EVENT_ID, String.class));
                    rejected++;
                }
            }
            if (rejected > 0) {
                deadLetters.executeBatch();
            }
        }
        if (valid.isEmpty()) {
            return;
        }
        Set<String> fresh = new HashSet<>();
        try (PreparedStatement mark = db.prepareStatement(MARK)) {
            Array ids = db.createArrayOf("text", valid.keySet().toArray());
            mark.setString(1, group);
            mark.setArray(2, ids);
            try (ResultSet marked = mark.executeQuery()) {
                while (marked.next()) {
                    fresh.add(marked.getString(1));
                }
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = db.prepareStatement(INSERT_REVIEW)) {
            for (Map.Entry<String, Valid> entry : valid.entrySet()) {
                if (fresh.contains(entry.getKey())) {
                    addReview(insert, entry.getValue());
                }
            }
            insert.executeBatch();
        }
    }

    private static void addReview(PreparedStatement insert, Valid valid) throws SQLException {
        Map<String, Object> payload = valid.event.payload();
        insert.setString(1, (String) payload.get("review_id"));
        insert.setString(2, valid.event.key());
        insert.setInt(3, ((Number) payload.get("rating")).intValue());
        insert.setString(4, (String) payload.get("text"));
        insert.setString(5, valid.event.ts());
        insert.setString(6, valid.event.eventId());
        insert.setString(7, valid.record.topic());
        insert.setInt(8, valid.record.partition());
        insert.setLong(9, valid.record.offset());
        insert.setString(10, valid.event.ts());
        insert.setInt(11, valid.record.partition());
        insert.setLong(12, valid.record.offset());
        insert.addBatch();
    }

    private static void addDeadLetter(PreparedStatement deadLetters, ConsumerRecord<String, byte[]> record,
                                      RejectedEventException e, String eventId) throws SQLException {
        deadLetters.setString(1, e.reason().label());
        deadLetters.setString(2, e.getClass().getName());
        deadLetters.setString(3, String.valueOf(e.getMessage()));
        if (eventId == null) {
            deadLetters.setNull(4, Types.VARCHAR);
        } else {
            deadLetters.setString(4, eventId);
        }
        deadLetters.setString(5, record.topic());
        deadLetters.setInt(6, record.partition());
        deadLetters.setLong(7, record.offset());
        deadLetters.setString(8, record.key());
        deadLetters.setBytes(9, record.value());
        deadLetters.addBatch();
    }

    private Map<String, Object> consumerConfig(String group) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, option("bootstrap"));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.parseInt(options.getOrDefault("max-poll-records", "500")));
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return config;
    }

    private String option(String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private record Valid(ValidEvent event, ConsumerRecord<String, byte[]> record) {
    }
}
