package dev.sluice.failure;

/**
 * Raised by the dead-letter route instead of dead-lettering an event that failed only because the database was
 * unavailable. It reaches the Kafka consumer, which leaves the offset uncommitted and reads the event again.
 */
public class DatabaseUnavailableException extends RuntimeException {

    public DatabaseUnavailableException(Throwable cause) {
        super("Not dead-lettering a healthy event while the database is unavailable; it will be read again", cause);
    }
}
