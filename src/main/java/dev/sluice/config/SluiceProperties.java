package dev.sluice.config;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Every knob of the pipeline, bound from the {@code sluice.*} properties (and so from {@code SLUICE_*} environment
 * variables). YAML routes read the same keys through Camel placeholders, so this record is the one place that names
 * and validates them.
 */
@Validated
@ConfigurationProperties("sluice")
public record SluiceProperties(
        @NotNull Path routesDirectory,
        @Valid @NotNull Topics topics,
        @Valid @NotNull Consumer consumer,
        @Valid @NotNull Throttle throttle,
        @Valid @NotNull Validation validation,
        @Valid @NotNull Redelivery redelivery,
        @Valid @NotNull CircuitBreaker circuitBreaker,
        @Valid @NotNull Database database,
        @Valid @NotNull DeadLetter deadLetter,
        @Valid @NotNull Idempotency idempotency,
        @Valid @NotNull Backfill backfill,
        @Valid @NotNull Observability observability) {

    /**
     * What the samplers watch: a row an update or deletion made waits for its creation at most
     * {@code awaitingCreationMaxAge} before {@code SluiceRowsAwaitingCreation} fires.
     */
    public record Observability(@NotNull Duration awaitingCreationMaxAge) {
    }

    /**
     * A file to backfill instead of reading the topic (empty: none; see dev.sluice.backfill), read in batches of
     * {@code batchSize} lines, with a progress line every {@code progressInterval}.
     */
    public record Backfill(String file, @Positive int batchSize, @NotNull Duration progressInterval) {
    }

    public record Topics(@NotBlank String events, @NotBlank String deadLetter) {
    }

    /**
     * The Kafka consumer: a batch leaves at the poll after the one that read it, once {@code batchingIntervalMs} (0: at
     * once) have passed since the previous batch, or when it holds {@code maxPollRecords} records; a poll returns when
     * records arrive or after {@code pollTimeoutMs}. {@code threads} consumers share the topic's partitions. A non-blank
     * {@code instanceId} makes them static members of the group ({@code StaticMembership}); {@code sessionTimeoutMs} is
     * how long the group waits for a member that stopped answering before it hands its partitions to the others.
     */
    public record Consumer(@NotBlank String groupId, @Positive int maxPollRecords, @PositiveOrZero int batchingIntervalMs,
                           @Positive int pollTimeoutMs, @Positive int threads, @Positive int maxPollIntervalMs,
                           @NotNull Duration batchDeadline, @NotNull String instanceId, @Positive int sessionTimeoutMs) {
    }

    /**
     * How long the database may take, so that no consumer thread waits on it past {@code max.poll.interval.ms}:
     * {@code statementTimeout} and {@code lockTimeout} are PostgreSQL's, on every pipeline connection;
     * {@code transactionTimeout} bounds one store attempt; {@code socketTimeout} closes a connection whose server
     * stopped answering (longer than the others, so PostgreSQL's own cancel comes first).
     */
    public record Database(@NotNull Duration statementTimeout, @NotNull Duration lockTimeout,
                           @NotNull Duration transactionTimeout, @NotNull Duration socketTimeout) {
    }

    /**
     * Idempotency markers older than {@code markerRetention} are purged every {@code purgeInterval}. Keep the
     * retention longer than the events topic's retention plus the replay window ({@code store.MarkerRetention}).
     */
    public record Idempotency(@NotNull Duration markerRetention, @NotNull Duration purgeInterval) {
    }

    /** The dead-letter topic's records stay under {@code maxTopicRecordBytes} (see DeadLetterTopicRecord). */
    public record DeadLetter(@Positive int maxTopicRecordBytes) {
    }

    public record Throttle(@Positive long maxEventsPerSecond) {
    }

    public record Validation(@Positive int maxEventBytes, @NotNull Path schemasDirectory) {
    }

    /**
     * Redelivery for transient failures only: {@code initialDelay}, doubling by {@code multiplier} up to
     * {@code maximumDelay}, each delay moved at random by up to {@code jitter} (a fraction) so that consumers
     * retrying the same outage do not hit the database in lock step.
     */
    public record Redelivery(
            @Min(0) int maximumRedeliveries,
            @NotNull Duration initialDelay,
            @DecimalMin("1.0") double multiplier,
            @NotNull Duration maximumDelay,
            @DecimalMin("0.0") @DecimalMax("1.0") double jitter) {
    }

    /**
     * The breaker around the database: opens when {@code failureRateThreshold} percent of the last
     * {@code slidingWindowSize} store attempts (at least {@code minimumNumberOfCalls}) failed transiently, stays open
     * for {@code waitDurationInOpenState}, then lets {@code permittedCallsInHalfOpenState} attempts probe.
     */
    public record CircuitBreaker(
            @DecimalMin("1.0") @DecimalMax("100.0") float failureRateThreshold,
            @Positive int minimumNumberOfCalls,
            @Positive int slidingWindowSize,
            @NotNull Duration waitDurationInOpenState,
            @Positive int permittedCallsInHalfOpenState) {
    }
}
