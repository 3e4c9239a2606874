package dev.sluice.event;

import java.time.Instant;
import java.util.Map;

/**
 * An event the validator accepted, as the store routes take it: its envelope, its payload's values (as Jackson's
 * untyped binding gives them), and where it came from. {@code ts} is the text that was sent (a column takes it
 * unchanged), {@code at} the instant it names, parsed once.
 */
public record ValidEvent(String eventId, String eventType, String key, String ts, Instant at, int schemaVersion,
                         Map<String, Object> payload, EventSource source) {

    /** The envelope's names an event type's columns may take besides its payload's fields. */
    public static final String KEY = "key";
    public static final String TS = "ts";

    /** A value by the name an event type's column gives: the envelope's {@code key} or {@code ts}, or a payload field. */
    public Object field(String name) {
        return switch (name) {
            case KEY -> key;
            case TS -> ts;
            default -> payload.get(name);
        };
    }

    /**
     * The idempotency marker's key: the event id as PostgreSQL prints a uuid, in lower case, so an id a producer sent
     * in upper case is the same event on every path.
     */
    public String claimId() {
        return eventId.toLowerCase(java.util.Locale.ROOT);
    }

    public static boolean isEnvelope(String name) {
        return KEY.equals(name) || TS.equals(name);
    }
}
