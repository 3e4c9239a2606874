package dev.sluice.failure;

import java.time.Instant;

import dev.sluice.event.EventHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Called by the error handler on every failed attempt. Keeps, in exchange properties (which survive
 * {@code useOriginalMessage()}, unlike headers), what the dead-letter record needs: how many attempts were made,
 * when the first one failed, and the event id and type if the validator got that far.
 */
public class FailureTracker implements Processor {

    public static final String ATTEMPTS = "sluiceAttempts";
    public static final String FIRST_FAILED_AT = "sluiceFirstFailedAt";
    public static final String EVENT_ID = "sluiceFailedEventId";
    public static final String EVENT_TYPE = "sluiceFailedEventType";

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(ATTEMPTS, exchange.getProperty(ATTEMPTS, 0, Integer.class) + 1);
        if (exchange.getProperty(FIRST_FAILED_AT) == null) {
            exchange.setProperty(FIRST_FAILED_AT, Instant.now());
        }
        String eventId = exchange.getMessage().getHeader(EventHeaders.EVENT_ID, String.class);
        if (eventId != null) {
            exchange.setProperty(EVENT_ID, eventId);
        }
        String eventType = exchange.getMessage().getHeader(EventHeaders.EVENT_TYPE, String.class);
        if (eventType != null) {
            exchange.setProperty(EVENT_TYPE, eventType);
        }
    }
}
