package dev.sluice.event;

/** The MDC key that ties every log line about one event together (structured logs carry it as a field). */
public final class Correlation {

    public static final String EVENT_ID = "event_id";

    private Correlation() {
    }
}
