package dev.sluice.failure;

import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionTimedOutException;

/**
 * The failures worth redelivering, in two kinds. Spring translates PostgreSQL's SQLSTATEs into these types (08xxx and
 * 53xxx into resource failures, 40001 and 40P01 into concurrency failures, 57014 into a query timeout), so the lists
 * name Spring's hierarchy rather than codes. Everything else is permanent: dead-lettered at once, and not counted
 * against the database circuit breaker, so a burst of poison events cannot open it.
 * <ul>
 * <li><b>Database unavailable</b>: it cannot be reached, refuses connections, or its breaker is open. Nothing is
 * wrong with the event, so it is never dead-lettered: after its redeliveries it goes back to Kafka uncommitted and is
 * read again once the database answers.</li>
 * <li><b>Contention</b>: this event lost a race (deadlock, serialization failure, lock or statement timeout). Worth
 * a few more tries; if it keeps losing, it is dead-lettered as {@code retries_exhausted} so it cannot hold its
 * partition forever.</li>
 * </ul>
 */
public final class TransientFailures {

    private static final List<Class<? extends Throwable>> DATABASE_UNAVAILABLE = List.of(
            DataAccessResourceFailureException.class,
            TransientDataAccessResourceException.class,
            RecoverableDataAccessException.class,
            CannotCreateTransactionException.class,
            SQLRecoverableException.class,
            SQLTransientConnectionException.class,
            CallNotPermittedException.class);

    private static final List<Class<? extends Throwable>> CONTENTION = List.of(
            TransientDataAccessException.class,
            SQLTransientException.class,
            // A store attempt that outlived its transaction deadline (sluice.database.transaction-timeout).
            TransactionTimedOutException.class);

    private TransientFailures() {
    }

    public static boolean isTransient(Throwable failure) {
        return isDatabaseUnavailable(failure) || causedBy(failure, CONTENTION);
    }

    public static boolean isDatabaseUnavailable(Throwable failure) {
        return causedBy(failure, DATABASE_UNAVAILABLE) && !eventSpecific(failure);
    }

    /**
     * Spring files SQLSTATE classes 54 (program limit exceeded, e.g. an index row too large for this event) and 58
     * (system error) under resource failures, but waiting cannot fix them for this event: treated as unavailable,
     * such an event would hold its partition forever. They are redelivered a few times, then dead-lettered.
     */
    private static boolean eventSpecific(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("54") || sql.getSQLState().startsWith("58"))) {
                return true;
            }
        }
        return false;
    }

    /** Every redeliverable type, for {@code onException}. */
    @SuppressWarnings("unchecked")
    public static Class<? extends Throwable>[] asArray() {
        return java.util.stream.Stream.concat(DATABASE_UNAVAILABLE.stream(), CONTENTION.stream())
                .toArray(Class[]::new);
    }

    private static boolean causedBy(Throwable failure, List<Class<? extends Throwable>> types) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            for (Class<? extends Throwable> type : types) {
                if (type.isInstance(cause)) {
                    return true;
                }
            }
        }
        return false;
    }
}
