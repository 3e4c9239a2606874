package dev.sluice.store;

import java.nio.file.Path;
import java.time.Duration;

import dev.sluice.config.SluiceProperties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseLimitsTest {

    @Test
    void theShippedLimitsFitTheShippedPool() {
        assertThatCode(() -> DatabaseLimits.check(properties(2, Duration.ofSeconds(60), Duration.ofSeconds(15)), 8))
                .doesNotThrowAnyException();
    }

    @Test
    void aPoolSmallerThanItsUsersIsRefusedAtStartup() {
        assertThatThrownBy(() -> DatabaseLimits.check(properties(4, Duration.ofSeconds(60), Duration.ofSeconds(15)), 8))
                .hasMessageStartingWith("Sluice cannot start").hasMessageContaining("maximum-pool-size is 8");
    }

    @Test
    void aBatchThatCouldOutliveMaxPollIntervalIsRefusedAtStartup() {
        assertThatThrownBy(() -> DatabaseLimits.check(properties(2, Duration.ofSeconds(250), Duration.ofSeconds(15)), 8))
                .hasMessageContaining("max-poll-interval-ms");
    }

    @Test
    void aSocketTimeoutShorterThanTheTransactionIsRefused() {
        assertThatThrownBy(() -> DatabaseLimits.check(properties(2, Duration.ofSeconds(60), Duration.ofSeconds(25)), 8))
                .hasMessageContaining("socket-timeout");
    }

    private static SluiceProperties properties(int threads, Duration batchDeadline, Duration transactionTimeout) {
        return new SluiceProperties(Path.of("routes-yaml"),
                new SluiceProperties.Topics("events.main", "events.dlq"),
                new SluiceProperties.Consumer("sluice", 500, 10, 10, threads, 300_000, batchDeadline, "", 45_000),
                new SluiceProperties.Throttle(50_000),
                new SluiceProperties.Validation(65_536, Path.of("routes-yaml/schemas")),
                new SluiceProperties.Redelivery(5, Duration.ofMillis(200), 2.0, Duration.ofSeconds(10), 0.25),
                new SluiceProperties.CircuitBreaker(50, 5, 10, Duration.ofSeconds(10), 3),
                new SluiceProperties.Database(Duration.ofSeconds(10), Duration.ofSeconds(5), transactionTimeout,
                        Duration.ofSeconds(20)),
                new SluiceProperties.DeadLetter(1_000_000),
                new SluiceProperties.Idempotency(Duration.ofDays(14), Duration.ofMinutes(10)),
                new SluiceProperties.Backfill("", 500, Duration.ofSeconds(5)),
                new SluiceProperties.Observability(Duration.ofHours(1)));
    }
}
