package dev.sluice.deadletter;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import dev.sluice.validate.RejectedEventException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.direct.DirectConsumerNotAvailableException;
import org.apache.camel.component.kafka.KafkaConstants;
import org.springframework.dao.DataAccessException;

/**
 * Turns a failed exchange into the headers of its dead-letter record: why it failed (a {@link FailureReason}), the
 * exception, where the record came from, and how many attempts were made. Every text it writes went through
 * {@link DeadLetterText}: a dead letter must be writable whatever the producer sent, or its partition stops. The
 * record's own key and value are kept as bytes, exactly as they arrived.
 */
public class DeadLetterDescriber {

    /** Exchange property: the record's value as it arrived, for the table and the topic record. */
    static final String ORIGINAL_VALUE = "sluiceOriginalValue";
    /** Exchange property: the value the topic record carries (the original, or nothing if it would not fit). */
    static final String TOPIC_VALUE = "sluiceTopicValue";
    private static final int MAX_KEY_CHARS = 500;
    private static final int MAX_NAME_CHARS = 200;

    private final DeadLetterTopicRecord topicRecord;

    public DeadLetterDescriber() {
        this(new DeadLetterTopicRecord(DeadLetterTopicRecord.DEFAULT_MAX_BYTES));
    }

    public DeadLetterDescriber(DeadLetterTopicRecord topicRecord) {
        this.topicRecord = topicRecord;
    }

    public void describe(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Message message = exchange.getMessage();
        byte[] value = message.getBody(byte[].class);
        exchange.setProperty(ORIGINAL_VALUE, value);
        message.setHeader(DeadLetterHeaders.REASON, classify(failure).label());
        message.setHeader(DeadLetterHeaders.EXCEPTION_CLASS, failure == null ? "none" : failure.getClass().getName());
        message.setHeader(DeadLetterHeaders.EXCEPTION_MESSAGE, summarize(failure));
        message.setHeader(DeadLetterHeaders.ORIGINAL_TOPIC,
                DeadLetterText.of(Objects.toString(message.getHeader(KafkaConstants.TOPIC), "unknown"), MAX_NAME_CHARS));
        message.setHeader(DeadLetterHeaders.ORIGINAL_PARTITION,
                String.valueOf(message.getHeader(KafkaConstants.PARTITION, -1, Integer.class)));
        message.setHeader(DeadLetterHeaders.ORIGINAL_OFFSET,
                String.valueOf(message.getHeader(KafkaConstants.OFFSET, -1L, Long.class)));
        message.setHeader(DeadLetterHeaders.ORIGINAL_KEY, keyText(message.getHeader(KafkaConstants.KEY)));
        message.setHeader(DeadLetterHeaders.EVENT_ID, DeadLetterText.of(
                exchange.getProperty(FailureTracker.EVENT_ID, String.class), MAX_NAME_CHARS));
        message.setHeader(DeadLetterHeaders.EVENT_TYPE, DeadLetterText.of(
                exchange.getProperty(FailureTracker.EVENT_TYPE, String.class), MAX_NAME_CHARS));
        message.setHeader(DeadLetterHeaders.ATTEMPTS,
                String.valueOf(exchange.getProperty(FailureTracker.ATTEMPTS, 1, Integer.class)));
        message.setHeader(DeadLetterHeaders.REPLAY_COUNT, String.valueOf(replayCount(message)));
        Instant firstFailure = exchange.getProperty(FailureTracker.FIRST_FAILED_AT, Instant.class);
        message.setHeader(DeadLetterHeaders.FIRST_FAILURE_TIME,
                (firstFailure == null ? Instant.now() : firstFailure).toString());
        exchange.setProperty(TOPIC_VALUE, topicRecord.fit(message, value));
    }

    /**
     * Replaces a described dead letter that could not be written with a minimal one: the record's coordinates, which
     * dead letter failed and why, and nothing the producer wrote (no key, value, headers or event fields).
     */
    public void describeMinimal(Exchange exchange) {
        Throwable writeFailure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Message message = exchange.getMessage();
        // Read before anything else: if describing itself failed, only camel-kafka's own headers are there.
        Map<String, Object> kept = new HashMap<>();
        kept.put(DeadLetterHeaders.ORIGINAL_TOPIC, Objects.toString(message.getHeader(DeadLetterHeaders.ORIGINAL_TOPIC),
                DeadLetterText.of(Objects.toString(message.getHeader(KafkaConstants.TOPIC), "unknown"), MAX_NAME_CHARS)));
        kept.put(DeadLetterHeaders.ORIGINAL_PARTITION, Objects.toString(message.getHeader(
                DeadLetterHeaders.ORIGINAL_PARTITION), String.valueOf(message.getHeader(KafkaConstants.PARTITION, -1,
                Integer.class))));
        kept.put(DeadLetterHeaders.ORIGINAL_OFFSET, Objects.toString(message.getHeader(
                DeadLetterHeaders.ORIGINAL_OFFSET), String.valueOf(message.getHeader(KafkaConstants.OFFSET, -1L,
                Long.class))));
        kept.put(DeadLetterHeaders.ATTEMPTS, String.valueOf(exchange.getProperty(FailureTracker.ATTEMPTS, 1,
                Integer.class)));
        Instant firstFailure = exchange.getProperty(FailureTracker.FIRST_FAILED_AT, Instant.class);
        kept.put(DeadLetterHeaders.FIRST_FAILURE_TIME, (firstFailure == null ? Instant.now() : firstFailure).toString());
        String failedReason = Objects.toString(message.getHeader(DeadLetterHeaders.REASON), "unknown");
        // Everything a producer or a record brought goes; Camel's own headers (never sent to Kafka) stay.
        message.getHeaders().keySet().removeIf(name -> !name.startsWith("Camel"));
        message.getHeaders().putAll(kept);
        message.setHeader(DeadLetterHeaders.REASON, FailureReason.DEAD_LETTER_FAILED.label());
        message.setHeader(DeadLetterHeaders.EXCEPTION_CLASS,
                writeFailure == null ? "none" : writeFailure.getClass().getName());
        message.setHeader(DeadLetterHeaders.EXCEPTION_MESSAGE, DeadLetterText.of("the " + failedReason
                + " dead letter could not be written: " + summarize(writeFailure)));
        message.setHeader(DeadLetterHeaders.REPLAY_COUNT, "0");
        message.setBody(null);
        exchange.removeProperty(ORIGINAL_VALUE);
        exchange.removeProperty(TOPIC_VALUE);
    }

    /** The {@code dlq_events} row of a described dead letter: its headers by column, and the record's bytes. */
    public Map<String, Object> row(Exchange exchange) {
        Message message = exchange.getMessage();
        Map<String, Object> row = new HashMap<>(20);
        row.put("reason", message.getHeader(DeadLetterHeaders.REASON));
        row.put("exception_class", message.getHeader(DeadLetterHeaders.EXCEPTION_CLASS));
        row.put("exception_message", message.getHeader(DeadLetterHeaders.EXCEPTION_MESSAGE));
        row.put("event_id", message.getHeader(DeadLetterHeaders.EVENT_ID));
        row.put("event_type", message.getHeader(DeadLetterHeaders.EVENT_TYPE));
        row.put("source_topic", message.getHeader(DeadLetterHeaders.ORIGINAL_TOPIC));
        row.put("source_partition", message.getHeader(DeadLetterHeaders.ORIGINAL_PARTITION));
        row.put("source_offset", message.getHeader(DeadLetterHeaders.ORIGINAL_OFFSET));
        row.put("record_key", message.getHeader(DeadLetterHeaders.ORIGINAL_KEY));
        row.put("original_key", keyBytes(message.getHeader(KafkaConstants.KEY)));
        row.put("original_value", exchange.getProperty(ORIGINAL_VALUE, byte[].class));
        row.put("attempts", message.getHeader(DeadLetterHeaders.ATTEMPTS));
        row.put("first_failed_at", message.getHeader(DeadLetterHeaders.FIRST_FAILURE_TIME));
        row.put("replay_count", message.getHeader(DeadLetterHeaders.REPLAY_COUNT));
        return row;
    }

    /**
     * The replay count a record claims, believed only as a small non-negative integer: anything else is a producer's
     * header, not ours, and counts as 0; a huge count is held at the limit (it only holds the event back from replay).
     */
    static int replayCount(Message message) {
        Object header = message.getHeader(DeadLetterHeaders.REPLAY_COUNT);
        String count = header instanceof byte[] bytes ? DeadLetterText.ofBytes(bytes, 12) : Objects.toString(header, null);
        if (count == null || !count.trim().matches("\\d{1,9}")) {
            return 0;
        }
        return Math.min(Integer.parseInt(count.trim()), DeadLetterHeaders.MAX_REPLAY_COUNT);
    }

    static FailureReason classify(Throwable failure) {
        if (failure instanceof RejectedEventException rejected) {
            return rejected.reason();
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof DirectConsumerNotAvailableException) {
                return FailureReason.UNROUTABLE;
            }
        }
        if (TransientFailures.isTransient(failure)) {
            return FailureReason.RETRIES_EXHAUSTED;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof DataAccessException) {
                return FailureReason.REJECTED_BY_DATABASE;
            }
        }
        return FailureReason.UNEXPECTED;
    }

    /** The failure in one line of safe text: its message, and the deepest cause's (the database's own words). */
    static String summarize(Throwable failure) {
        if (failure == null) {
            return "no exception recorded";
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root == failure ? String.valueOf(failure.getMessage())
                : failure.getMessage() + " | caused by " + root.getClass().getSimpleName() + ": " + root.getMessage();
        return DeadLetterText.of(text);
    }

    /** The key as readable text for the table's {@code record_key} (the bytes themselves go to {@code original_key}). */
    private static String keyText(Object key) {
        if (key instanceof byte[] bytes) {
            return DeadLetterText.ofBytes(bytes, MAX_KEY_CHARS);
        }
        return key == null ? null : DeadLetterText.of(key.toString(), MAX_KEY_CHARS);
    }

    private static byte[] keyBytes(Object key) {
        if (key instanceof byte[] bytes) {
            return bytes;
        }
        return key == null ? null : key.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
