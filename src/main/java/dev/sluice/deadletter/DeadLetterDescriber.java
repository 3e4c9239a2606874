package dev.sluice.deadletter;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import dev.sluice.event.EventHeaders;
import dev.sluice.event.EventSource;
import dev.sluice.event.FailureReason;
import dev.sluice.event.RejectedEventException;
import dev.sluice.failure.FailureTracker;
import dev.sluice.failure.TransientFailures;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.apache.camel.component.direct.DirectConsumerNotAvailableException;
import org.apache.camel.component.kafka.KafkaConstants;
import org.springframework.dao.DataAccessException;

/**
 * Turns a failed exchange into its {@link DeadLetter}: why it failed (a {@link FailureReason}), the
 * exception, where the record came from, and how many attempts were made. Every text it writes went through
 * {@link DeadLetterText}: a dead letter must be writable whatever the producer sent, or its partition stops. The
 * record's own key and value are kept as bytes, exactly as they arrived.
 */
public class DeadLetterDescriber {

    /**
     * Exchange property: the dead letter, for the write route, which starts from it again on each retry (its own steps
     * replace the body: the row, then the topic record's value).
     */
    static final String LETTER = "sluiceDeadLetter";
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

    /** The failed exchange as a {@link DeadLetter}: its body from here on, its topic headers on the message. */
    public DeadLetter describe(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Message message = exchange.getMessage();
        byte[] value = message.getBody(byte[].class);
        Instant firstFailure = exchange.getProperty(FailureTracker.FIRST_FAILED_AT, Instant.class);
        DeadLetter letter = letter(message, value, failure, exchange.getProperty(FailureTracker.EVENT_ID, String.class),
                exchange.getProperty(FailureTracker.EVENT_TYPE, String.class),
                exchange.getProperty(FailureTracker.ATTEMPTS, 1, Integer.class),
                firstFailure == null ? Instant.now() : firstFailure);
        message.getHeaders().putAll(letter.topicHeaders());
        exchange.setProperty(TOPIC_VALUE, topicRecord.fit(message, value));
        exchange.setProperty(LETTER, letter);
        return letter;
    }

    /**
     * A record the batch's validation refused, as its dead letter after one attempt: the same row and topic record the
     * dead-letter channel would write for it (the validator has put its event id and type on the message when it got
     * that far), without an exchange of its own. The record itself is left as it is.
     */
    public PreparedDeadLetter prepare(Message record, RejectedEventException failure) {
        byte[] value = record.getBody(byte[].class);
        DeadLetter letter = letter(record, value, failure, record.getHeader(EventHeaders.EVENT_ID, String.class),
                record.getHeader(EventHeaders.EVENT_TYPE, String.class), 1, Instant.now());
        Message topic = record.copy();
        // The record's kafka.* headers would steer the producer (topic, partition, a commit handle); keep the key.
        topic.removeHeaders("kafka.*", KafkaConstants.KEY);
        topic.getHeaders().putAll(letter.topicHeaders());
        topic.setBody(topicRecord.fit(topic, value));
        return new PreparedDeadLetter(letter, topic);
    }

    private static DeadLetter letter(Message record, byte[] value, Throwable failure, String eventId, String eventType,
                                     int attempts, Instant firstFailure) {
        EventSource source = EventSource.of(record);
        return new DeadLetter(classify(failure),
                failure == null ? "none" : failure.getClass().getName(),
                summarize(failure),
                DeadLetterText.of(eventId, MAX_NAME_CHARS),
                DeadLetterText.of(eventType, MAX_NAME_CHARS),
                DeadLetterText.of(source.lineage(), MAX_NAME_CHARS),
                source.partition(),
                source.offset(),
                keyText(record.getHeader(KafkaConstants.KEY)),
                keyBytes(record.getHeader(KafkaConstants.KEY)),
                value,
                attempts,
                firstFailure,
                replayCount(record));
    }

    /**
     * Replaces a described dead letter that could not be written with a minimal one: the record's coordinates, which
     * dead letter failed and why, and nothing the producer wrote (no key, value, headers or event fields).
     */
    public DeadLetter describeMinimal(Exchange exchange) {
        Throwable writeFailure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Message message = exchange.getMessage();
        // Read before anything else: if describing itself failed, only camel-kafka's own headers are there.
        EventSource source = EventSource.of(message);
        String topic = Objects.toString(message.getHeader(DeadLetterHeaders.ORIGINAL_TOPIC),
                DeadLetterText.of(source.lineage(), MAX_NAME_CHARS));
        int partition = (int) parseOr(message.getHeader(DeadLetterHeaders.ORIGINAL_PARTITION), source.partition());
        long offset = parseOr(message.getHeader(DeadLetterHeaders.ORIGINAL_OFFSET), source.offset());
        String failedReason = Objects.toString(message.getHeader(DeadLetterHeaders.REASON), "unknown");
        Instant firstFailure = exchange.getProperty(FailureTracker.FIRST_FAILED_AT, Instant.class);
        DeadLetter minimal = new DeadLetter(FailureReason.DEAD_LETTER_FAILED,
                writeFailure == null ? "none" : writeFailure.getClass().getName(),
                DeadLetterText.of("the " + failedReason + " dead letter could not be written: "
                        + summarize(writeFailure)),
                null, null, topic, partition, offset, null, null, null,
                exchange.getProperty(FailureTracker.ATTEMPTS, 1, Integer.class),
                firstFailure == null ? Instant.now() : firstFailure, 0);
        // Everything a producer or a record brought goes; Camel's own headers (never sent to Kafka) stay.
        message.getHeaders().keySet().removeIf(name -> !name.startsWith("Camel"));
        message.getHeaders().putAll(minimal.topicHeaders());
        exchange.removeProperty(TOPIC_VALUE);
        exchange.setProperty(LETTER, minimal);
        return minimal;
    }

    /** The {@code dlq_events} row of the exchange's dead letter, bound by name by the dead-letter route's INSERT. */
    public Map<String, Object> row(@ExchangeProperty(LETTER) DeadLetter letter) {
        return letter.row();
    }

    private static long parseOr(Object text, long fallback) {
        try {
            return text == null ? fallback : Long.parseLong(text.toString().trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
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
