package dev.sluice.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@code db_query_duration_seconds{query}}: the time of each kind of database statement Sluice runs, labelled by a
 * small fixed name ({@code insert_reviews}, {@code store_transaction}), never by the statement's text. One place, so
 * the timers the pipeline's beans record into and the ones the SQL endpoints are timed by are the same meters.
 */
public final class QueryTimers {

    private QueryTimers() {
    }

    public static Timer of(MeterRegistry registry, String query) {
        return Timer.builder("db.query.duration").tag("query", query)
                .description("Database statements, by statement").register(registry);
    }
}
