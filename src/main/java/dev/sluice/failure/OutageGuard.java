package dev.sluice.failure;

import org.apache.camel.Exchange;

/**
 * The dead-letter channel's first step: an event whose redeliveries ran out because the database was unavailable is
 * not poison and must not be dead-lettered (the most common failure of peers: a JDBC sink that dead-letters every
 * record during a connectivity outage). Throwing here fails the exchange back to the Kafka consumer instead.
 */
public class OutageGuard {

    public void refuseIfDatabaseUnavailable(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (TransientFailures.isDatabaseUnavailable(failure)) {
            throw new DatabaseUnavailableException(failure);
        }
    }
}
