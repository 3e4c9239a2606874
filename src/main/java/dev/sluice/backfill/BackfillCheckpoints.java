package dev.sluice.backfill;

import java.nio.file.Path;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * How far a file's backfill got ({@code backfill_checkpoints}, Flyway V8): the number of lines whose events are all
 * written or dead-lettered, saved after each batch like a consumer's committed offset. A run started again on the same
 * file (same path, same size) skips those lines; the idempotency claims make anything written after the last
 * checkpoint, before a kill, a duplicate rather than a second row.
 */
public class BackfillCheckpoints {

    private static final String READ = "SELECT lines_done FROM backfill_checkpoints WHERE source = ? AND file_size = ?";
    private static final String SAVE = """
            INSERT INTO backfill_checkpoints (source, file_size, lines_done, updated_at) VALUES (?, ?, ?, now())
            ON CONFLICT (source) DO UPDATE SET file_size = EXCLUDED.file_size, lines_done = EXCLUDED.lines_done,
                                               updated_at = now()""";

    private final JdbcTemplate jdbc;

    public BackfillCheckpoints(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Lines already done for this file, 0 if none or if the file changed size since. */
    public long linesDone(Path file, long size) {
        return jdbc.query(READ, rows -> rows.next() ? rows.getLong(1) : 0L, key(file), size);
    }

    public void save(Path file, long size, long linesDone) {
        jdbc.update(SAVE, key(file), size, linesDone);
    }

    private static String key(Path file) {
        return file.toAbsolutePath().normalize().toString();
    }
}
