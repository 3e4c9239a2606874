package dev.sluice.store;

import dev.sluice.config.SluiceProperties;
import dev.sluice.failure.TransientFailures;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

/**
 * Builds the Resilience4j breaker that the routes' {@code circuitBreaker} EIP uses by name.
 * <p>
 * It is built here rather than from the EIP's own options because of two traps in camel-resilience4j: an exception
 * outside the EIP's {@code recordException} list is treated as a success and removed from the exchange (the event
 * would be silently committed), and an open breaker short-circuits the exchange without an exception unless
 * {@code throwExceptionWhenHalfOpenOrOpenState} is set (again, silently committed). Here only database-unavailable
 * failures count against the breaker, and the EIP keeps every exception on the exchange for the error handler.
 * <p>
 * Only an unavailable database opens it. A slow one (statement or transaction timeouts, lock waits) is met by smaller
 * chunks ({@code ingest.WriteChunkSize}); opening would pause and restart the consumers, a rebalance each time,
 * while the database can still take small writes.
 */
public final class DatabaseCircuitBreaker {

    public static final String NAME = "database";

    private DatabaseCircuitBreaker() {
    }

    public static CircuitBreaker create(SluiceProperties.CircuitBreaker settings) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.failureRateThreshold())
                .minimumNumberOfCalls(settings.minimumNumberOfCalls())
                .slidingWindowSize(settings.slidingWindowSize())
                .waitDurationInOpenState(settings.waitDurationInOpenState())
                .permittedNumberOfCallsInHalfOpenState(settings.permittedCallsInHalfOpenState())
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .recordException(TransientFailures::isDatabaseUnavailable)
                .build();
        return CircuitBreaker.of(NAME, config);
    }
}
