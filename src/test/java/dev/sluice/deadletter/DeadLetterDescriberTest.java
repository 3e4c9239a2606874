package dev.sluice.deadletter;

import java.sql.SQLException;

import dev.sluice.validate.RejectedEventException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterDescriberTest {

    @Test
    void rejectionKeepsTheValidatorsReason() {
        assertThat(DeadLetterDescriber.classify(new RejectedEventException(FailureReason.TOO_LARGE, "big")))
                .isEqualTo(FailureReason.TOO_LARGE);
    }

    @Test
    void transientDatabaseFailuresAreRetriesExhaustedOnceTheyReachTheDeadLetterChannel() {
        assertThat(DeadLetterDescriber.classify(new CannotGetJdbcConnectionException("refused", new SQLException("08001"))))
                .isEqualTo(FailureReason.RETRIES_EXHAUSTED);
        assertThat(DeadLetterDescriber.classify(new CannotAcquireLockException("deadlock")))
                .isEqualTo(FailureReason.RETRIES_EXHAUSTED);
        assertThat(DeadLetterDescriber.classify(new CannotCreateTransactionException("no connection")))
                .isEqualTo(FailureReason.RETRIES_EXHAUSTED);
    }

    @Test
    void permanentDatabaseFailuresAreRejectedByDatabase() {
        assertThat(DeadLetterDescriber.classify(new DataIntegrityViolationException("0x00 in text")))
                .isEqualTo(FailureReason.REJECTED_BY_DATABASE);
    }

    @Test
    void anythingElseIsUnexpected() {
        assertThat(DeadLetterDescriber.classify(new IllegalStateException("bug"))).isEqualTo(FailureReason.UNEXPECTED);
    }
}
