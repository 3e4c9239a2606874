package dev.sluice.bench;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;

/**
 * Issue 14's COPY experiment: the store template's write of one chunk, as Sluice does it (claim the chunk's event ids
 * with one {@code INSERT ... ON CONFLICT DO NOTHING RETURNING}, then a JDBC batch of the first-seen rows, which pgjdbc
 * rewrites into multi-row INSERTs), against {@code COPY ... FROM STDIN (FORMAT binary)} into a temporary staging table
 * followed by one statement that claims from the staging table and inserts the first-seen rows
 * ({@code WITH claimed AS (INSERT ... RETURNING) INSERT ... SELECT ... JOIN claimed}). Same schema (Sluice's Flyway
 * migrations), same rows (5 % duplicates of earlier events), one transaction per chunk, rounds alternating so that
 * both see the same machine. Client CPU is this thread's; PostgreSQL CPU is its backend process's, from /proc.
 * <pre>
 *   java -cp ... dev.sluice.bench.CopyExperiment --db-url=jdbc:postgresql://127.0.0.1:5432/sluice_copy [--rows=100000]
 *       [--chunk=500] [--rounds=5]
 * </pre>
 */
public final class CopyExperiment {

    private static final String PROCESSOR = "store-review_created";
    /** The baseline's statements, which are the store template's. */
    private static final String CLAIM = BaselineConsumer.MARK;
    private static final String INSERT = BaselineConsumer.INSERT_REVIEW;
    private static final String STAGING = "CREATE TEMPORARY TABLE review_staging (review_id text, user_key text,"
            + " rating smallint, review_text text, reviewed_at timestamptz, event_id uuid, source_topic text,"
            + " source_partition integer, source_offset bigint) ON COMMIT DELETE ROWS";
    private static final String COPY = "COPY review_staging FROM STDIN (FORMAT binary)";
    private static final String CLAIM_AND_INSERT = "WITH claimed AS (INSERT INTO idempotency_markers"
            + " (processor_name, message_id) SELECT '" + PROCESSOR + "', event_id::text FROM review_staging"
            + " ON CONFLICT DO NOTHING RETURNING message_id)"
            + " INSERT INTO reviews (review_id, user_key, rating, review_text, reviewed_at, event_id, source_topic,"
            + " source_partition, source_offset, version_at, version_partition, version_offset)"
            + " SELECT s.review_id, s.user_key, s.rating, s.review_text, s.reviewed_at, s.event_id, s.source_topic,"
            + " s.source_partition, s.source_offset, s.reviewed_at, s.source_partition, s.source_offset"
            + " FROM review_staging s JOIN claimed c ON c.message_id = s.event_id::text"
            + " ON CONFLICT (review_id) DO NOTHING";
    /** PostgreSQL's binary timestamps count microseconds from 2000-01-01. */
    private static final long PG_EPOCH_MICROS = Instant.parse("2000-01-01T00:00:00Z").getEpochSecond() * 1_000_000L;

    record Row(String reviewId, String userKey, short rating, String text, Instant reviewedAt, UUID eventId,
               int partition, long offset) {
    }

    interface ChunkWriter {
        void write(Connection db, List<Row> chunk) throws SQLException, IOException;
    }

    record Method(String name, ChunkWriter writer) {
    }

    record Result(String method, int round, long rows, double seconds, double clientCpu, double postgresCpu,
                  double medianChunkMs) {
        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Arrays.stream(args).map(arg -> arg.replaceFirst("^--", "").split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv.length > 1 ? kv[1] : ""));
        String url = options.getOrDefault("db-url", "jdbc:postgresql://127.0.0.1:5432/sluice_copy");
        int rows = Integer.parseInt(options.getOrDefault("rows", "100000"));
        int chunkSize = Integer.parseInt(options.getOrDefault("chunk", "500"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "5"));
        String user = options.getOrDefault("db-user", "postgres");

        Flyway.configure().dataSource(url, user, "").locations("classpath:db/migration").load().migrate();
        List<Row> data = rowsWithDuplicates(rows, new Random(14));
        long unique = data.stream().map(Row::eventId).distinct().count();
        List<Method> methods = List.of(
                new Method("multi-row INSERT (today)", CopyExperiment::claimThenInsert),
                new Method("binary COPY + INSERT ... SELECT", CopyExperiment::copyThenClaimAndInsert));
        List<Result> results = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (Method method : methods) {
                try (Connection db = DriverManager.getConnection(url + "?reWriteBatchedInserts=true", user, "")) {
                    truncate(db);
                    Result result = run(db, method, round, data, chunkSize);
                    long written = count(db);
                    if (written != unique) {
                        throw new IllegalStateException(method.name() + " wrote " + written + " rows, expected "
                                + unique);
                    }
                    results.add(result);
                    System.out.printf("round %d %-32s %,8.0f rows/s  client CPU %.3f s  PostgreSQL CPU %.3f s"
                                    + "  median chunk %.2f ms%n", round, method.name(), result.rowsPerSecond(),
                            result.clientCpu(), result.postgresCpu(), result.medianChunkMs());
                }
            }
        }
        System.out.println();
        System.out.printf("%d rows (%d unique events), chunks of %d, %d rounds; medians over rounds:%n%n", rows, unique,
                chunkSize, rounds);
        System.out.println("| method | rows/s | chunk (ms) | client CPU s / 1,000 rows | PostgreSQL CPU s / 1,000 rows |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (Method method : methods) {
            List<Result> mine = results.stream().filter(r -> r.method().equals(method.name())).toList();
            System.out.printf("| %s | %,.0f | %.2f | %.4f | %.4f |%n", method.name(),
                    median(mine, Result::rowsPerSecond), median(mine, Result::medianChunkMs),
                    median(mine, r -> r.clientCpu() * 1000 / r.rows()),
                    median(mine, r -> r.postgresCpu() * 1000 / r.rows()));
        }
    }

    private static Result run(Connection db, Method method, int round, List<Row> data, int chunkSize)
            throws SQLException, IOException {
        db.setAutoCommit(false);
        long backend = backendPid(db);
        double postgresBefore = processCpuSeconds(backend);
        long clientBefore = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        List<Double> chunkMs = new ArrayList<>();
        long start = System.nanoTime();
        for (int from = 0; from < data.size(); from += chunkSize) {
            long chunkStart = System.nanoTime();
            method.writer().write(db, data.subList(from, Math.min(data.size(), from + chunkSize)));
            db.commit();
            chunkMs.add((System.nanoTime() - chunkStart) / 1e6);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double clientCpu = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - clientBefore) / 1e9;
        double postgresCpu = processCpuSeconds(backend) - postgresBefore;
        chunkMs.sort(null);
        return new Result(method.name(), round, data.size(), seconds, clientCpu, postgresCpu,
                chunkMs.get(chunkMs.size() / 2));
    }

    /** What the store template does today: claim-chunk, then insert-chunk as one JDBC batch. */
    private static void claimThenInsert(Connection db, List<Row> chunk) throws SQLException {
        Set<String> firstSeen = new HashSet<>();
        try (PreparedStatement claim = db.prepareStatement(CLAIM)) {
            Array ids = db.createArrayOf("text", chunk.stream().map(r -> r.eventId().toString()).toArray());
            claim.setString(1, PROCESSOR);
            claim.setArray(2, ids);
            try (ResultSet claimed = claim.executeQuery()) {
                while (claimed.next()) {
                    firstSeen.add(claimed.getString(1));
                }
            }
        }
        try (PreparedStatement insert = db.prepareStatement(INSERT)) {
            for (Row row : chunk) {
                if (!firstSeen.contains(row.eventId().toString())) {
                    continue;
                }
                insert.setString(1, row.reviewId());
                insert.setString(2, row.userKey());
                insert.setShort(3, row.rating());
                insert.setString(4, row.text());
                insert.setTimestamp(5, Timestamp.from(row.reviewedAt()));
                insert.setObject(6, row.eventId());
                insert.setString(7, "bench.copy");
                insert.setInt(8, row.partition());
                insert.setLong(9, row.offset());
                insert.setTimestamp(10, Timestamp.from(row.reviewedAt()));
                insert.setInt(11, row.partition());
                insert.setLong(12, row.offset());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** The alternative: the chunk in one binary COPY, then one statement that claims and inserts from it. */
    private static void copyThenClaimAndInsert(Connection db, List<Row> chunk) throws SQLException, IOException {
        try (Statement statement = db.createStatement()) {
            statement.execute("SELECT to_regclass('pg_temp.review_staging') IS NOT NULL");
            try (ResultSet exists = statement.getResultSet()) {
                exists.next();
                if (!exists.getBoolean(1)) {
                    statement.execute(STAGING);
                }
            }
        }
        db.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY, new java.io.ByteArrayInputStream(binary(chunk)));
        try (Statement statement = db.createStatement()) {
            statement.executeUpdate(CLAIM_AND_INSERT);
        }
    }

    /** PostgreSQL's binary COPY format: a header, then per row the field count and each field's length and bytes. */
    static byte[] binary(List<Row> chunk) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(chunk.size() * 200);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeBytes("PGCOPY\n");
        out.write(new byte[] {(byte) 0xff, '\r', '\n', 0});
        out.writeInt(0); // flags
        out.writeInt(0); // header extension length
        for (Row row : chunk) {
            out.writeShort(9);
            text(out, row.reviewId());
            text(out, row.userKey());
            out.writeInt(2);
            out.writeShort(row.rating());
            text(out, row.text());
            out.writeInt(8);
            Instant at = row.reviewedAt();
            out.writeLong(at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000 - PG_EPOCH_MICROS);
            out.writeInt(16);
            out.writeLong(row.eventId().getMostSignificantBits());
            out.writeLong(row.eventId().getLeastSignificantBits());
            text(out, "bench.copy");
            out.writeInt(4);
            out.writeInt(row.partition());
            out.writeInt(8);
            out.writeLong(row.offset());
        }
        out.writeShort(-1);
        out.flush();
        return bytes.toByteArray();
    }

    private static void text(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    /** Rows like the load generator's: 5 % repeat an earlier event (same id, same review), as a re-read would. */
    private static List<Row> rowsWithDuplicates(int count, Random random) {
        List<Row> rows = new ArrayList<>(count);
        Instant base = Instant.parse("2026-12-01T00:00:00Z");
        for (int i = 0; i < count; i++) {
            if (i > 0 && random.nextInt(100) < 5) {
                Row earlier = rows.get(random.nextInt(i));
                rows.add(new Row(earlier.reviewId(), earlier.userKey(), earlier.rating(), earlier.text(),
                        earlier.reviewedAt(), earlier.eventId(), earlier.partition(), i));
                continue;
            }
            rows.add(new Row("review-" + i, "user-" + random.nextInt(10_000), (short) (1 + random.nextInt(5)),
                    "A review of about the length the load generator writes, number " + i + ", with some words.",
                    base.plusMillis(i), new UUID(random.nextLong(), random.nextLong()), i % 6, i));
        }
        return rows;
    }

    private static void truncate(Connection db) throws SQLException {
        try (Statement statement = db.createStatement()) {
            statement.execute("TRUNCATE reviews, idempotency_markers");
        }
    }

    private static long count(Connection db) throws SQLException {
        try (Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM reviews")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static long backendPid(Connection db) throws SQLException {
        try (Statement statement = db.createStatement();
             ResultSet pid = statement.executeQuery("SELECT pg_backend_pid()")) {
            pid.next();
            return pid.getLong(1);
        }
    }

    /** utime + stime of a process on this machine, from /proc (PostgreSQL runs here). */
    private static double processCpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // USER_HZ
    }

    private static double median(List<Result> results, Function<Result, Double> value) {
        double[] sorted = results.stream().map(value).mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private CopyExperiment() {
    }
}
