package dev.sluice.ingest;

import java.time.Duration;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import org.apache.camel.Body;
import org.apache.camel.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The throttle: a ceiling in events per second, to protect the database. One step per batch, weighted by the batch's
 * admitted events (Resilience4j's rate limiter reserves them all at once and waits as long as the rate requires), so
 * the limit means events per second whatever the batch size, at the cost of one call per batch.
 * <p>
 * The rate can change while Sluice runs ({@code routes-yaml/tuning.yaml}); the new rate applies from the limiter's next
 * one-second cycle.
 */
public class EventRateLimit {

    private static final Logger log = LoggerFactory.getLogger(EventRateLimit.class);
    private static final Duration PERIOD = Duration.ofSeconds(1);

    private final RateLimiter limiter;

    public EventRateLimit(int maxEventsPerSecond) {
        this.limiter = RateLimiter.of("events", RateLimiterConfig.custom()
                .limitForPeriod(requirePositive(maxEventsPerSecond))
                .limitRefreshPeriod(PERIOD)
                // A batch waits as long as its events need at this rate: the wait is the throttle's whole job.
                .timeoutDuration(Duration.ofDays(1))
                .build());
    }

    @Handler
    public void acquire(@Body IngestBatch batch) {
        int events = batch.admittedCount();
        if (events > 0) {
            limiter.acquirePermission(events);
        }
    }

    public int maxEventsPerSecond() {
        return limiter.getRateLimiterConfig().getLimitForPeriod();
    }

    public void setMaxEventsPerSecond(int maxEventsPerSecond) {
        int before = maxEventsPerSecond();
        if (before != maxEventsPerSecond) {
            limiter.changeLimitForPeriod(requirePositive(maxEventsPerSecond));
            log.info("Throttle: {} events per second (was {})", maxEventsPerSecond, before);
        }
    }

    private static int requirePositive(int eventsPerSecond) {
        if (eventsPerSecond < 1) {
            throw new IllegalArgumentException("the throttle's events per second must be at least 1, not "
                    + eventsPerSecond);
        }
        return eventsPerSecond;
    }
}
