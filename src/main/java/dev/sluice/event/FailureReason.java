package dev.sluice.event;

import java.util.Locale;

/**
 * Why an event ended in the dead-letter channel. A small fixed set, so it can label metrics and be grouped in SQL;
 * the free-text detail travels separately as the exception message.
 */
public enum FailureReason {
    /** The record value is not a JSON object. */
    MALFORMED,
    /** The record value is larger than {@code sluice.validation.max-event-bytes}. */
    TOO_LARGE,
    /** The envelope or the payload breaks a rule; the message names the field. */
    INVALID,
    /** No schema is declared for the event's type and schema_version. */
    UNSUPPORTED_SCHEMA,
    /** The event is valid but no store route exists for its type. */
    UNROUTABLE,
    /** PostgreSQL refused the row for good (constraint, bad encoding, ...): retrying cannot help. */
    REJECTED_BY_DATABASE,
    /**
     * Contention (deadlock, serialization failure, lock or statement timeout) outlived every redelivery. A database
     * outage never ends here: those events go back to Kafka uncommitted (see {@code failure.TransientFailures}).
     */
    RETRIES_EXHAUSTED,
    /** Anything not classified above; a bug or a case to classify. */
    UNEXPECTED,
    /**
     * The event's own dead letter could not be written, even after retries, for a reason other than a database outage;
     * a minimal one (source coordinates, no payload) stands in for it, so the stream goes on. The record's bytes are
     * still on the events topic at that offset while its retention lasts.
     */
    DEAD_LETTER_FAILED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
