package dev.sluice.store;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Keeps {@code idempotency_markers} from growing for ever: markers older than {@code sluice.idempotency.marker-retention}
 * are deleted, a thousand at a time (each its own short statement, so the purge never holds locks the pipeline waits
 * on, and stays far inside the statement timeout). It cannot reopen duplicates as long as the retention is longer than
 * the events topic's retention plus the replay window: no record older than that can be read again, from Kafka or from
 * the dead-letter channel. And if one were, the tables' own keys ({@code reviews.event_id}, {@code review_id}) still
 * refuse the second row.
 * <p>
 * Metrics: {@code idempotency_markers_purged_total} and {@code idempotency_marker_oldest_age_seconds}.
 */
public class MarkerRetention {

    private static final Logger log = LoggerFactory.getLogger(MarkerRetention.class);
    static final int BATCH = 1_000;
    private static final String PURGE_BATCH = "DELETE FROM idempotency_markers WHERE ctid = ANY (ARRAY("
            + "SELECT ctid FROM idempotency_markers WHERE created_at < now() - make_interval(secs => ?) "
            + "ORDER BY created_at LIMIT " + BATCH + "))";

    private final JdbcTemplate jdbc;
    private final Duration retention;
    private final Counter purged;
    private final AtomicLong oldestAgeSeconds = new AtomicLong();

    public MarkerRetention(JdbcTemplate jdbc, Duration retention, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.retention = retention;
        this.purged = Counter.builder("idempotency.markers.purged")
                .description("Idempotency markers deleted for being older than the retention").register(registry);
        Gauge.builder("idempotency.marker.oldest.age", oldestAgeSeconds, AtomicLong::doubleValue).baseUnit("seconds")
                .description("Age of the oldest idempotency marker, as of the last purge").register(registry);
    }

    /** Deletes every marker older than the retention, in batches; returns how many. */
    @Scheduled(fixedDelayString = "${sluice.idempotency.purge-interval}",
            initialDelayString = "${sluice.idempotency.purge-interval}")
    public long purge() {
        long total = BatchedStatements.repeatWhileFull(BATCH,
                () -> jdbc.update(PURGE_BATCH, (double) retention.toSeconds()));
        purged.increment(total);
        Long oldest = jdbc.queryForObject(
                "SELECT CAST(extract(epoch FROM now() - min(created_at)) AS bigint) FROM idempotency_markers", Long.class);
        oldestAgeSeconds.set(oldest == null ? 0 : oldest);
        if (total > 0) {
            log.info("Purged {} idempotency markers older than {}", total, retention);
        }
        return total;
    }
}
