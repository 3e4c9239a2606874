package dev.sluice.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Keeps {@code review_stats_minute_increments} small: every INSERT into reviews appends a row per minute it touched
 * (Flyway V6), so under load a minute collects hundreds. This folds each minute's rows into one, a thousand minutes
 * per statement. The fold is one statement (delete the rows, insert their sums), so {@code review_stats_minute}, their
 * sum, reads the same before, during and after it; writers only append, so it takes no lock they wait on, and rows
 * committed while it runs are simply left for the next fold.
 */
public class ReviewStatsCompaction {

    private static final Logger log = LoggerFactory.getLogger(ReviewStatsCompaction.class);
    static final int MINUTES_PER_FOLD = 1_000;
    private static final String FOLD = """
            WITH folded AS (
                DELETE FROM review_stats_minute_increments
                WHERE minute IN (SELECT minute FROM review_stats_minute_increments GROUP BY minute HAVING count(*) > 1
                                 LIMIT %d)
                RETURNING *)
            INSERT INTO review_stats_minute_increments (minute, reviews, rating_sum, rating_1, rating_2, rating_3,
                                                        rating_4, rating_5, added_at)
            SELECT minute, sum(reviews), sum(rating_sum), sum(rating_1), sum(rating_2), sum(rating_3), sum(rating_4),
                   sum(rating_5), max(added_at)
            FROM folded GROUP BY minute""".formatted(MINUTES_PER_FOLD);

    private final JdbcTemplate jdbc;
    private final Counter folded;

    public ReviewStatsCompaction(JdbcTemplate jdbc, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.folded = Counter.builder("review.stats.minutes.folded")
                .description("Minutes of review statistics whose increments were folded into one row").register(registry);
    }

    /** Folds every minute with more than one increment; returns how many minutes. */
    @Scheduled(fixedDelayString = "${sluice.statistics.compact-interval}",
            initialDelayString = "${sluice.statistics.compact-interval}")
    public long compact() {
        long total = BatchedStatements.repeatWhileFull(MINUTES_PER_FOLD, () -> jdbc.update(FOLD));
        folded.increment(total);
        if (total > 0) {
            log.debug("Folded the review statistics of {} minutes", total);
        }
        return total;
    }
}
