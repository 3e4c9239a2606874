package dev.sluice.observe;

import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * How current the per-minute review statistics are, by event time: {@code review_stats_freshness_seconds} is now
 * minus the end of the newest minute {@code review_stats_minute} counts. Under steady traffic it stays within a minute
 * or two; it grows when ingestion stops or falls behind, which is when a dashboard of the statistics starts to lie by
 * omission. Minutes in the future (an event whose clock runs ahead) are left out, or one such event would hide every
 * stall after it. NaN until the statistics count a first review.
 */
public class ReviewStatsFreshness {

    private static final Logger log = LoggerFactory.getLogger(ReviewStatsFreshness.class);
    private static final String AGE_OF_NEWEST_MINUTE = "SELECT extract(epoch FROM now() - (max(minute) + interval"
            + " '1 minute')) FROM review_stats_minute_increments WHERE minute <= now()";

    private final JdbcTemplate jdbc;
    private final AtomicReference<Double> seconds = new AtomicReference<>(Double.NaN);

    public ReviewStatsFreshness(JdbcTemplate jdbc, MeterRegistry registry) {
        this.jdbc = jdbc;
        Gauge.builder("review.stats.freshness", seconds, AtomicReference::get).baseUnit("seconds")
                .description("Now minus the end of the newest event-time minute review_stats_minute counts")
                .register(registry);
    }

    @Scheduled(fixedDelayString = "${sluice.observability.lag-sample-interval:10s}", initialDelay = 0)
    public void sample() {
        try {
            Double age = jdbc.queryForObject(AGE_OF_NEWEST_MINUTE, Double.class);
            seconds.set(age == null ? Double.NaN : Math.max(0, age));
        } catch (RuntimeException e) {
            // Keep the last value: the database being away is what the breaker's and the lag's series show.
            log.warn("Could not sample the review statistics' freshness: {}", e.toString());
        }
    }
}
