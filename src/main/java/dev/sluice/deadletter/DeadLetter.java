package dev.sluice.deadletter;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.sluice.event.FailureReason;

/**
 * One dead letter: why an event failed, where its record came from, how often it was tried, and the record's own key
 * and value as they arrived. The {@code dlq_events} row ({@link #row}) and the headers of its record on the
 * dead-letter topic ({@link #topicHeaders}) are two views of it. Every text in it is already safe to write
 * ({@link DeadLetterText}); the key and value are bytes, exactly as they arrived.
 */
public record DeadLetter(FailureReason reason, String exceptionClass, String exceptionMessage, String eventId,
                         String eventType, String sourceTopic, int sourcePartition, long sourceOffset,
                         String recordKey, byte[] originalKey, byte[] originalValue, int attempts,
                         Instant firstFailedAt, int replayCount) {

    /** Its row in {@code dlq_events}, by column, bound by name by the dead-letter route's INSERT. */
    public Map<String, Object> row() {
        Map<String, Object> row = new HashMap<>(20);
        row.put("reason", reason.label());
        row.put("exception_class", exceptionClass);
        row.put("exception_message", exceptionMessage);
        row.put("event_id", eventId);
        row.put("event_type", eventType);
        row.put("source_topic", sourceTopic);
        row.put("source_partition", sourcePartition);
        row.put("source_offset", sourceOffset);
        row.put("record_key", recordKey);
        row.put("original_key", originalKey);
        row.put("original_value", originalValue);
        row.put("attempts", attempts);
        row.put("first_failed_at", firstFailedAt.toString());
        row.put("replay_count", replayCount);
        return row;
    }

    /**
     * The headers of its record on the dead-letter topic ({@link DeadLetterHeaders}), as text. A field it does not
     * know (the event id of a record that was not JSON) is left out, not sent empty.
     */
    public Map<String, String> topicHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(DeadLetterHeaders.REASON, reason.label());
        headers.put(DeadLetterHeaders.EXCEPTION_CLASS, exceptionClass);
        headers.put(DeadLetterHeaders.EXCEPTION_MESSAGE, exceptionMessage);
        headers.put(DeadLetterHeaders.ORIGINAL_TOPIC, sourceTopic);
        headers.put(DeadLetterHeaders.ORIGINAL_PARTITION, String.valueOf(sourcePartition));
        headers.put(DeadLetterHeaders.ORIGINAL_OFFSET, String.valueOf(sourceOffset));
        headers.put(DeadLetterHeaders.ORIGINAL_KEY, recordKey);
        headers.put(DeadLetterHeaders.EVENT_ID, eventId);
        headers.put(DeadLetterHeaders.EVENT_TYPE, eventType);
        headers.put(DeadLetterHeaders.ATTEMPTS, String.valueOf(attempts));
        headers.put(DeadLetterHeaders.FIRST_FAILURE_TIME, firstFailedAt.toString());
        headers.put(DeadLetterHeaders.REPLAY_COUNT, String.valueOf(replayCount));
        headers.values().removeIf(java.util.Objects::isNull);
        return headers;
    }
}
