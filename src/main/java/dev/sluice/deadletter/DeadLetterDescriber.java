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
 * exception, where the record came from, and how many attempts were made. The body stays the original record bytes.
 */
public class DeadLetterDescriber {

    private static final int MAX_MESSAGE_LENGTH = 2000;

    public void describe(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Message message = exchange.getMessage();
        message.setHeader(DeadLetterHeaders.REASON, classify(failure).label());
        message.setHeader(DeadLetterHeaders.EXCEPTION_CLASS, failure == null ? "none" : failure.getClass().getName());
        message.setHeader(DeadLetterHeaders.EXCEPTION_MESSAGE, summarize(failure));
        message.setHeader(DeadLetterHeaders.ORIGINAL_TOPIC,
                Objects.toString(message.getHeader(KafkaConstants.TOPIC), "unknown"));
        message.setHeader(DeadLetterHeaders.ORIGINAL_PARTITION,
                Objects.toString(message.getHeader(KafkaConstants.PARTITION), "-1"));
        message.setHeader(DeadLetterHeaders.ORIGINAL_OFFSET,
                Objects.toString(message.getHeader(KafkaConstants.OFFSET), "-1"));
        message.setHeader(DeadLetterHeaders.ORIGINAL_KEY, message.getHeader(KafkaConstants.KEY, String.class));
        message.setHeader(DeadLetterHeaders.EVENT_ID, exchange.getProperty(FailureTracker.EVENT_ID, String.class));
        message.setHeader(DeadLetterHeaders.ATTEMPTS,
                String.valueOf(exchange.getProperty(FailureTracker.ATTEMPTS, 1, Integer.class)));
        message.setHeader(DeadLetterHeaders.REPLAY_COUNT, String.valueOf(replayCount(message)));
        Instant firstFailure = exchange.getProperty(FailureTracker.FIRST_FAILED_AT, Instant.class);
        message.setHeader(DeadLetterHeaders.FIRST_FAILURE_TIME,
                (firstFailure == null ? Instant.now() : firstFailure).toString());
    }

    /** The {@code dlq_events} row of a described dead letter: its headers by column, and the record's bytes. */
    public Map<String, Object> row(Exchange exchange) {
        Message message = exchange.getMessage();
        Map<String, Object> row = new HashMap<>(16);
        row.put("reason", message.getHeader(DeadLetterHeaders.REASON));
        row.put("exception_class", message.getHeader(DeadLetterHeaders.EXCEPTION_CLASS));
        row.put("exception_message", message.getHeader(DeadLetterHeaders.EXCEPTION_MESSAGE));
        row.put("event_id", message.getHeader(DeadLetterHeaders.EVENT_ID));
        row.put("source_topic", message.getHeader(DeadLetterHeaders.ORIGINAL_TOPIC));
        row.put("source_partition", message.getHeader(DeadLetterHeaders.ORIGINAL_PARTITION));
        row.put("source_offset", message.getHeader(DeadLetterHeaders.ORIGINAL_OFFSET));
        row.put("record_key", message.getHeader(DeadLetterHeaders.ORIGINAL_KEY));
        row.put("original_value", message.getBody(byte[].class));
        row.put("attempts", message.getHeader(DeadLetterHeaders.ATTEMPTS));
        row.put("first_failed_at", message.getHeader(DeadLetterHeaders.FIRST_FAILURE_TIME));
        row.put("replay_count", message.getHeader(DeadLetterHeaders.REPLAY_COUNT));
        return row;
    }

    /** A record that never went through a replay has no header: count 0. Kafka delivers the header as bytes. */
    static int replayCount(Message message) {
        String count = message.getHeader(DeadLetterHeaders.REPLAY_COUNT, String.class);
        try {
            return count == null ? 0 : Integer.parseInt(count.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
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

    private static String summarize(Throwable failure) {
        if (failure == null) {
            return "no exception recorded";
        }
        // The deepest cause carries the database's own words (e.g. PostgreSQL's SQLSTATE message).
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root == failure ? String.valueOf(failure.getMessage())
                : failure.getMessage() + " | caused by " + root.getClass().getSimpleName() + ": " + root.getMessage();
        return text.length() <= MAX_MESSAGE_LENGTH ? text : text.substring(0, MAX_MESSAGE_LENGTH) + "...";
    }
}
