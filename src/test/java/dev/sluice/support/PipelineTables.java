package dev.sluice.support;

import java.util.Map;
import java.util.TreeMap;

import org.springframework.jdbc.core.JdbcTemplate;

/** Questions the tests ask of the pipeline's tables. */
public final class PipelineTables {

    private PipelineTables() {
    }

    /**
     * How many minutes of review_stats_minute differ from a recount of live reviews (created, not deleted), either way
     * (0: identical). The recount is what the statistics must equal however the rows got there: duplicates, replays,
     * crashes, late events, updates and deletions.
     */
    public static final String STATS_MINUTES_OFF_RECOUNT = """
            WITH recount AS (
                SELECT to_timestamp(floor(extract(epoch FROM reviewed_at) / 60) * 60) AS minute, count(*) AS reviews,
                       round(sum(rating)::numeric / count(*), 3) AS average_rating,
                       count(*) FILTER (WHERE rating = 1) AS rating_1, count(*) FILTER (WHERE rating = 2) AS rating_2,
                       count(*) FILTER (WHERE rating = 3) AS rating_3, count(*) FILTER (WHERE rating = 4) AS rating_4,
                       count(*) FILTER (WHERE rating = 5) AS rating_5
                FROM reviews WHERE reviewed_at IS NOT NULL AND deleted_at IS NULL GROUP BY 1),
            stats AS (
                SELECT minute, reviews, average_rating, rating_1, rating_2, rating_3, rating_4, rating_5
                FROM review_stats_minute)
            SELECT count(*) FROM ((SELECT * FROM stats EXCEPT SELECT * FROM recount)
                                  UNION ALL (SELECT * FROM recount EXCEPT SELECT * FROM stats)) AS differing""";

    /** Every table a run of the pipeline writes, for a clean start. */
    public static final String TRUNCATE_ALL =
            "TRUNCATE reviews, dlq_events, idempotency_markers, review_stats_minute_increments, superseded_events";

    public static long count(JdbcTemplate jdbc, String table) {
        return jdbc.queryForObject("SELECT count(*) FROM " + table, Long.class);
    }

    public static Map<String, Long> deadLettersByReason(JdbcTemplate jdbc) {
        return jdbc.query("SELECT reason, count(*) AS n FROM dlq_events GROUP BY reason", rows -> {
            Map<String, Long> byReason = new TreeMap<>();
            while (rows.next()) {
                byReason.put(rows.getString("reason"), rows.getLong("n"));
            }
            return byReason;
        });
    }
}
