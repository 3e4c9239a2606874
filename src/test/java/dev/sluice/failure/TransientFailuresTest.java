package dev.sluice.failure;

import java.sql.SQLException;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

class TransientFailuresTest {

    @Test
    void unreachableDatabaseAndOpenBreakerAreUnavailable() {
        assertThat(TransientFailures.isDatabaseUnavailable(
                new CannotGetJdbcConnectionException("refused", new SQLException("refused", "08001")))).isTrue();
        assertThat(TransientFailures.isDatabaseUnavailable(
                CallNotPermittedException.createCallNotPermittedException(CircuitBreaker.ofDefaults("db")))).isTrue();
    }

    @Test
    void contentionIsTransientButNotUnavailable() {
        CannotAcquireLockException deadlock = new CannotAcquireLockException("deadlock", new SQLException("d", "40P01"));

        assertThat(TransientFailures.isTransient(deadlock)).isTrue();
        assertThat(TransientFailures.isDatabaseUnavailable(deadlock)).isFalse();
    }

    @Test
    void programLimitOfOneEventIsNotAnOutage() {
        var tooLargeForIndex = new DataAccessResourceFailureException("index row size exceeds maximum",
                new SQLException("index row size 3000 exceeds btree version 4 maximum", "54000"));

        assertThat(TransientFailures.isDatabaseUnavailable(tooLargeForIndex)).isFalse();
        assertThat(TransientFailures.isTransient(tooLargeForIndex)).isFalse();
    }

    @Test
    void constraintViolationIsPermanent() {
        assertThat(TransientFailures.isTransient(new DataIntegrityViolationException("check constraint"))).isFalse();
    }
}
