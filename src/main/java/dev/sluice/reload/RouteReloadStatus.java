package dev.sluice.reload;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * What became of the last routes-file edit, for operators: one log line per edit, the counter
 * {@code routes_reload_total{result}} (applied, rejected, removed) and the {@code routesReload} detail of
 * {@code /actuator/health}. A rejected edit changes nothing that runs, so the status stays UP; the detail names the
 * file and the reason until the next edit.
 */
public class RouteReloadStatus implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(RouteReloadStatus.class);
    private static final int MAX_REASON = 240;

    private final Counter applied;
    private final Counter rejected;
    private final Counter removed;
    private volatile Map<String, Object> last = Map.of("result", "none");

    public RouteReloadStatus(MeterRegistry registry) {
        this.applied = counter(registry, "applied");
        this.rejected = counter(registry, "rejected");
        this.removed = counter(registry, "removed");
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder("routes.reload").tag("result", result)
                .description("Edits of routes files picked up while running, by outcome").register(registry);
    }

    void applied(Path file, Collection<String> routeIds) {
        log.info("Route reload applied: {} -> routes {} swapped", file, routeIds);
        record("applied", file, Map.of("routes", String.join(",", routeIds)));
        applied.increment();
    }

    void rejected(Path file, Exception reason) {
        String why = oneLine(reason);
        log.error("Route reload rejected: {} -> {}; the running routes are unchanged", file, why);
        record("rejected", file, Map.of("error", why));
        rejected.increment();
    }

    void removed(Path file, Collection<String> routeIds) {
        log.info("Route reload: {} deleted -> routes {} removed", file, routeIds);
        record("removed", file, Map.of("routes", String.join(",", routeIds)));
        removed.increment();
    }

    /** Outcome of the last edit: result (none, applied, rejected, removed), file, at, and routes or error. */
    public Map<String, Object> last() {
        return last;
    }

    private void record(String result, Path file, Map<String, Object> detail) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("result", result);
        entry.put("file", file.toString());
        entry.put("at", Instant.now().toString());
        entry.putAll(detail);
        last = Map.copyOf(entry);
    }

    /** The innermost cause says what is wrong (the missing bean, the YAML line); the outer ones only wrap it. */
    private static String oneLine(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : root.getMessage().replaceAll("\\s+", " ").trim();
        // An endpoint's whole URI (a SQL statement) can be in the message; the start says enough.
        if (message.length() > MAX_REASON) {
            message = message.substring(0, MAX_REASON) + "...";
        }
        return root.getClass().getSimpleName() + ": " + message;
    }

    @Override
    public Health health() {
        return Health.up().withDetails(last).build();
    }
}
