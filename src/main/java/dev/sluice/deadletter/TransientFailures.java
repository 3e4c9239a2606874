package dev.sluice.deadletter;

import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * The failures worth redelivering: the database unreachable or timing out, a serialization failure, a deadlock.
 * Spring translates PostgreSQL's SQLSTATEs into these types (08xxx and 53xxx into resource failures, 40001 and 40P01
 * into concurrency failures, 57014 into a query timeout), so the list names Spring's hierarchy rather than codes.
 * Everything else is permanent and goes straight to the dead-letter channel; it also does not count against the
 * database circuit breaker, so a burst of poison events cannot open it.
 */
public final class TransientFailures {

    public static final List<Class<? extends Throwable>> TYPES = List.of(
            TransientDataAccessException.class,
            RecoverableDataAccessException.class,
            DataAccessResourceFailureException.class,
            CannotCreateTransactionException.class,
            SQLTransientException.class,
            SQLRecoverableException.class,
            // The database breaker is open: the database was failing a moment ago, the event itself is fine.
            CallNotPermittedException.class);

    private TransientFailures() {
    }

    public static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            for (Class<? extends Throwable> type : TYPES) {
                if (type.isInstance(cause)) {
                    return true;
                }
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    public static Class<? extends Throwable>[] asArray() {
        return TYPES.toArray(new Class[0]);
    }
}
