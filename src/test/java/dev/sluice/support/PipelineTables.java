package dev.sluice.support;

import java.util.Map;
import java.util.TreeMap;

import org.springframework.jdbc.core.JdbcTemplate;

/** Questions the tests ask of the pipeline's tables. */
public final class PipelineTables {

    private PipelineTables() {
    }

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
