package dev.sluice.deadletter;

/**
 * Headers of a dead-letter record, on the {@code events.dlq} topic and as columns of {@code dlq_events}. None starts
 * with {@code Camel} or {@code kafka.}: camel-kafka would not pass those on to the record.
 */
public final class DeadLetterHeaders {

    public static final String REASON = "sluice_dlq_reason";
    public static final String EXCEPTION_CLASS = "sluice_dlq_exception_class";
    public static final String EXCEPTION_MESSAGE = "sluice_dlq_exception_message";
    public static final String ORIGINAL_TOPIC = "sluice_dlq_original_topic";
    public static final String ORIGINAL_PARTITION = "sluice_dlq_original_partition";
    public static final String ORIGINAL_OFFSET = "sluice_dlq_original_offset";
    public static final String ORIGINAL_KEY = "sluice_dlq_original_key";
    public static final String EVENT_ID = "sluice_dlq_event_id";
    public static final String EVENT_TYPE = "sluice_dlq_event_type";
    public static final String ATTEMPTS = "sluice_dlq_attempts";
    public static final String FIRST_FAILURE_TIME = "sluice_dlq_first_failure_time";
    /**
     * Set when the original value (and perhaps the producer's headers) did not fit under the topic's maximum record
     * size: the topic record carries none of it, and {@code dlq_events} has the full bytes. Says what was left out.
     */
    public static final String OMITTED = "sluice_dlq_omitted";
    /**
     * How many times this event was replayed from the dead-letter channel. Set by {@code tools.DeadLetterReplay} on the
     * record it sends back to the events topic, and carried into the event's next dead letter if it fails again.
     */
    public static final String REPLAY_COUNT = "sluice_replay_count";
    /** The highest replay count believed from a record's header: a producer can write any value there. */
    public static final int MAX_REPLAY_COUNT = 1000;

    private DeadLetterHeaders() {
    }
}
