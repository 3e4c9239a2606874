package dev.sluice.observe;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import dev.sluice.store.EventTypes;
import dev.sluice.store.WriteMode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Rows that a change made but no creation has reached: an update or a deletion for a key whose creation never came
 * (docs/write-modes.md, "Rows waiting for their creation"). Such a row is in the table with no event id, or is a
 * tombstone of something never created, and nothing else would say so. Per table of the running event types that
 * has both a creation type (mode insert) and a change type: {@code rows_awaiting_creation{table}} and the age of the
 * oldest, {@code rows_awaiting_creation_oldest_age_seconds{table}}, since it was first written
 * ({@code ingested_at}) where the table keeps that, else since its change's event time. The alert
 * {@code SluiceRowsAwaitingCreation} compares that age with {@code rows_awaiting_creation_max_age_seconds}
 * ({@code sluice.observability.awaiting-creation-max-age}, default 1 h).
 */
public class RowsAwaitingCreation {

    private static final Logger log = LoggerFactory.getLogger(RowsAwaitingCreation.class);

    private final JdbcTemplate jdbc;
    private final EventTypes eventTypes;
    private final MeterRegistry registry;
    private final Map<String, AtomicReference<double[]>> byTable = new ConcurrentHashMap<>();

    public RowsAwaitingCreation(JdbcTemplate jdbc, EventTypes eventTypes, MeterRegistry registry, Duration maxAge) {
        this.jdbc = jdbc;
        this.eventTypes = eventTypes;
        this.registry = registry;
        Gauge.builder("rows.awaiting.creation.max.age", maxAge, age -> age.toMillis() / 1000.0).baseUnit("seconds")
                .description("How long a row may wait for its creation before SluiceRowsAwaitingCreation fires")
                .register(registry);
    }

    @Scheduled(fixedDelayString = "${sluice.observability.lag-sample-interval:10s}", initialDelay = 0)
    public void sample() {
        eventTypes.modesByTable().forEach((table, modes) -> {
            if (modes.contains(WriteMode.INSERT) && (modes.contains(WriteMode.UPSERT) || modes.contains(WriteMode.DELETE))) {
                sample(table);
            }
        });
    }

    private void sample(String table) {
        try {
            String since = hasColumn(table, "ingested_at") ? "ingested_at" : "version_at";
            // The table's name comes from a declaration that was checked against the database (EventTypeCheck).
            Map<String, Object> waiting = jdbc.queryForMap("SELECT count(*) AS waiting, extract(epoch FROM now() - min("
                    + since + ")) AS oldest FROM " + table + " WHERE event_id IS NULL");
            double count = ((Number) waiting.get("waiting")).doubleValue();
            double oldest = waiting.get("oldest") == null ? 0 : Math.max(0, ((Number) waiting.get("oldest")).doubleValue());
            gauges(table).set(new double[] {count, oldest});
        } catch (RuntimeException e) {
            log.warn("Could not count the rows of {} waiting for their creation: {}", table, e.toString());
        }
    }

    private AtomicReference<double[]> gauges(String table) {
        return byTable.computeIfAbsent(table, t -> {
            AtomicReference<double[]> values = new AtomicReference<>(new double[] {0, 0});
            Gauge.builder("rows.awaiting.creation", values, v -> v.get()[0]).tag("table", t)
                    .description("Rows a change made whose creation has not arrived").register(registry);
            Gauge.builder("rows.awaiting.creation.oldest.age", values, v -> v.get()[1]).tag("table", t)
                    .baseUnit("seconds").description("How long the oldest row waiting for its creation has waited")
                    .register(registry);
            return values;
        });
    }

    private boolean hasColumn(String table, String column) {
        int dot = table.indexOf('.');
        Integer found = jdbc.queryForObject("SELECT count(*) FROM information_schema.columns WHERE table_schema = "
                + (dot < 0 ? "current_schema()" : "?") + " AND table_name = ? AND column_name = ?", Integer.class,
                dot < 0 ? new Object[] {table, column} : new Object[] {table.substring(0, dot), table.substring(dot + 1),
                        column});
        return found != null && found > 0;
    }

    /** For tests: the tables sampled so far. */
    Set<String> tables() {
        return byTable.keySet();
    }
}
