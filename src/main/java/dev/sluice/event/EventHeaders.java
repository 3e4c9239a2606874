package dev.sluice.event;

/** Headers the validator sets for the steps after it; YAML routes use the same names. */
public final class EventHeaders {

    /** The envelope's event_id: the idempotency key. */
    public static final String EVENT_ID = "sluiceEventId";
    /** The envelope's event_type: picks the store route. */
    public static final String EVENT_TYPE = "sluiceEventType";

    private EventHeaders() {
    }
}
