package dev.sluice.drills;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sluice.bench.ConnectDeadLetters;
import dev.sluice.support.KafkaOffsets;
import dev.sluice.support.PipelineTables;

/**
 * The drills' eyes (see {@code drills/}). Two modes:
 * <ul>
 * <li>{@code watch}: one line a second, {@code <unix-ms> lag=<n> rows=<n> dlq=<n>}, until killed. The drill's
 * timeline; its peak lag is read back by {@code reconcile}.</li>
 * <li>{@code reconcile}: waits until the pipeline holds exactly what the load generator says it sent (rows = unique
 * valid events, dead letters = invalid events, lag 0), then checks there is no duplicate row and no healthy event
 * among the dead letters, and prints the reconciliation line. Exit 0 only if everything holds.</li>
 * </ul>
 * The expected counts are the sum of the {@code Done: sent=...} lines of the load generator logs given.
 *
 * <p>With {@code --dead-letter-topic=T} (the benchmark's Kafka Connect series, which has no dead-letter table) the dead
 * letters are the records of Connect's dead-letter topic T instead: counted the same, a healthy one is one Sluice's
 * validator accepts, and a source record dead-lettered twice ({@code dlq_repeats}) fails the reconciliation too.
 */
public final class DrillMonitor {

    private static final Pattern LOAD_SUMMARY = Pattern.compile(
            "Done: sent=(\\d+) uniqueValid=(\\d+) duplicates=(\\d+) invalid=(\\d+)[^\\n]*?(?: superseded=(\\d+))?$",
            Pattern.MULTILINE);
    /** Reasons only a defective event can earn. Anything else in the dead-letter table is a healthy event lost. */
    private static final List<String> POISON_REASONS = List.of("malformed", "invalid", "unsupported_schema", "too_large");

    private final Map<String, String> options;
    private final String database;

    private DrillMonitor(Map<String, String> options) {
        this.options = options;
        this.database = option("db-url");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] pair = args[i].replaceFirst("^--", "").split("=", 2);
            options.put(pair[0], pair.length == 2 ? pair[1] : "true");
        }
        DrillMonitor monitor = new DrillMonitor(options);
        int status = switch (args.length == 0 ? "" : args[0]) {
            case "watch" -> monitor.watch();
            case "reconcile" -> monitor.reconcile();
            default -> {
                System.err.println("usage: DrillMonitor watch|reconcile --bootstrap=... --db-url=... [--load-logs=a,b] "
                        + "[--timeline=file] [--drill=name] [--fault-ended-at=unix-ms] [--timeout=300s] "
                        + "[--dead-letter-topic=t --schemas=routes-yaml/schemas]");
                yield 2;
            }
        };
        System.exit(status);
    }

    private int watch() throws InterruptedException {
        try (KafkaOffsets offsets = new KafkaOffsets(option("bootstrap"))) {
            while (true) {
                System.out.printf("%d lag=%s rows=%s dlq=%s%n", System.currentTimeMillis(), orUnknown(() -> lag(offsets)),
                        orUnknown(() -> count("SELECT count(*) FROM reviews")),
                        orUnknown(() -> count("SELECT count(*) FROM dlq_events")));
                System.out.flush();
                Thread.sleep(1000);
            }
        }
    }

    private int reconcile() throws Exception {
        Expected expected = expected();
        String deadLetterTopic = options.get("dead-letter-topic");
        long deadline = System.currentTimeMillis() + Duration.parse("PT" + options.getOrDefault("timeout", "300s").toUpperCase()).toMillis();
        long rows = -1;
        long deadLetters = -1;
        long lag = -1;
        try (KafkaOffsets offsets = new KafkaOffsets(option("bootstrap"))) {
            while (System.currentTimeMillis() < deadline) {
                try {
                    rows = count("SELECT count(*) FROM reviews");
                    deadLetters = deadLetterTopic == null ? count("SELECT count(*) FROM dlq_events")
                            : offsets.recordCount(deadLetterTopic);
                    lag = lag(offsets);
                } catch (Exception unavailable) {
                    // The database or broker may still be coming back; keep asking until the deadline.
                }
                if (rows == expected.uniqueValid && deadLetters == expected.invalid && lag == 0) {
                    break;
                }
                Thread.sleep(500);
            }
        }
        long reconciledAt = System.currentTimeMillis();
        // A row a change made for a review never created has no event_id yet: only created rows can be duplicates.
        long created = count("SELECT count(event_id) FROM reviews");
        long distinctEvents = count("SELECT count(DISTINCT event_id) FROM reviews");
        // A drill that sends records PostgreSQL refuses (drill 3's hostile records) names that reason as poison too.
        List<String> poisonReasons = new java.util.ArrayList<>(POISON_REASONS);
        if (options.containsKey("poison-also")) {
            poisonReasons.addAll(List.of(options.get("poison-also").split(",")));
        }
        long healthyDeadLettered;
        long repeats = 0;
        if (deadLetterTopic == null) {
            healthyDeadLettered = count("SELECT count(*) FROM dlq_events WHERE reason NOT IN ('"
                    + String.join("','", poisonReasons) + "')");
        } else {
            ConnectDeadLetters.Read read = new ConnectDeadLetters(option("bootstrap"), deadLetterTopic,
                    Path.of(options.getOrDefault("schemas", "routes-yaml/schemas"))).read();
            deadLetters = read.records();
            healthyDeadLettered = read.healthy();
            repeats = read.repeats();
        }
        long duplicates = created - distinctEvents;
        // The per-minute statistics commit with their rows, so whatever the drill did they equal a recount.
        long statsOff = count(PipelineTables.STATS_MINUTES_OFF_RECOUNT);
        // The load generator's reviews are all new: nothing it sends can be a conflict or stale. Only the hostile
        // records' changes are superseded, as many as their summary line says; any other is one the drill changed
        // the outcome of.
        long superseded = count("SELECT count(*) FROM superseded_events");
        String faultEnded = options.get("fault-ended-at");
        String recovery = faultEnded == null ? "n/a"
                : String.format("%.1fs", (reconciledAt - Long.parseLong(faultEnded)) / 1000.0);
        boolean exact = rows == expected.uniqueValid && deadLetters == expected.invalid && lag == 0
                && duplicates == 0 && healthyDeadLettered == 0 && statsOff == 0 && superseded == expected.superseded
                && repeats == 0;
        System.out.printf("%s drill=%s produced=%d (uniqueValid=%d duplicates=%d invalid=%d) rows=%d dlq=%d%s "
                        + "superseded=%d duplicate_rows=%d healthy_dead_lettered=%d stats_off_recount=%d lag=%d "
                        + "peak_lag=%s recovery=%s%n",
                exact ? "RECONCILED" : "NOT RECONCILED", options.getOrDefault("drill", "?"), expected.sent,
                expected.uniqueValid, expected.duplicates, expected.invalid, rows, deadLetters,
                deadLetterTopic == null ? "" : " (topic " + deadLetterTopic + ") dlq_repeats=" + repeats, superseded,
                duplicates, healthyDeadLettered, statsOff, lag, peakLag(), recovery);
        if (!exact && deadLetterTopic == null) {
            System.out.println("Dead letters by reason: " + deadLettersByReason());
        }
        return exact ? 0 : 1;
    }

    private Expected expected() throws IOException {
        Expected sum = new Expected();
        for (String log : option("load-logs").split(",")) {
            Matcher done = LOAD_SUMMARY.matcher(Files.readString(Path.of(log)));
            if (!done.find()) {
                throw new IllegalStateException("No 'Done: sent=...' line in " + log + ": did the load generator finish?");
            }
            sum.sent += Long.parseLong(done.group(1));
            sum.uniqueValid += Long.parseLong(done.group(2));
            sum.duplicates += Long.parseLong(done.group(3));
            sum.invalid += Long.parseLong(done.group(4));
            sum.superseded += done.group(5) == null ? 0 : Long.parseLong(done.group(5));
        }
        return sum;
    }

    private String peakLag() throws IOException {
        String timeline = options.get("timeline");
        if (timeline == null || !Files.exists(Path.of(timeline))) {
            return "n/a";
        }
        Matcher lag = Pattern.compile(" lag=(\\d+) ").matcher(Files.readString(Path.of(timeline)));
        long peak = 0;
        while (lag.find()) {
            peak = Math.max(peak, Long.parseLong(lag.group(1)));
        }
        return String.valueOf(peak);
    }

    private String deadLettersByReason() throws SQLException {
        StringBuilder byReason = new StringBuilder();
        try (Connection db = connect(); Statement sql = db.createStatement();
             ResultSet rows = sql.executeQuery("SELECT reason, count(*) FROM dlq_events GROUP BY reason ORDER BY reason")) {
            while (rows.next()) {
                byReason.append(rows.getString(1)).append('=').append(rows.getLong(2)).append(' ');
            }
        }
        return byReason.toString().trim();
    }

    private long lag(KafkaOffsets offsets) throws Exception {
        return offsets.lag(options.getOrDefault("group", "sluice"), options.getOrDefault("topic", "events.main"))
                .values().stream().mapToLong(Long::longValue).sum();
    }

    private long count(String query) throws SQLException {
        try (Connection db = connect(); Statement sql = db.createStatement(); ResultSet rows = sql.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private Connection connect() throws SQLException {
        DriverManager.setLoginTimeout(2);
        return DriverManager.getConnection(database, options.getOrDefault("db-user", "postgres"), "");
    }

    private String option(String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static String orUnknown(Probe probe) {
        try {
            return String.valueOf(probe.read());
        } catch (Exception unavailable) {
            return "?";
        }
    }

    private interface Probe {
        long read() throws Exception;
    }

    private static final class Expected {
        long sent;
        long uniqueValid;
        long duplicates;
        long invalid;
        long superseded;
    }
}
