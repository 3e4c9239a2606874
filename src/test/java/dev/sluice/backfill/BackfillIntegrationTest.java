package dev.sluice.backfill;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.UUID;

import dev.sluice.support.Patience;
import dev.sluice.support.PipelineTables;
import dev.sluice.tools.EventFileWriter;
import dev.sluice.tools.ReviewEvents;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A file backfilled through the stream's own rules: every unique valid event becomes a row, every duplicate is
 * found, every bad line (the writer's defects, and hostile ones: invalid UTF-8, a NUL byte, a line of 2 MB) is
 * dead-lettered with its line number and bytes, blank lines are skipped and counted; and a run started again after a
 * stop writes nothing twice.
 */
@SpringBootTest
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 1, topics = {"events.main", "events.dlq"})
@DirtiesContext
class BackfillIntegrationTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    BackfillCommand command;
    @Autowired
    BackfillCheckpoints checkpoints;
    @Autowired
    @Qualifier("databaseCircuitBreaker")
    CircuitBreaker breaker;
    @TempDir
    Path directory;

    @BeforeEach
    void emptyTables() {
        jdbc.execute(PipelineTables.TRUNCATE_ALL + ", backfill_checkpoints");
    }

    @Test
    void aFileIsWrittenOnceWithItsBadLinesDeadLetteredAndARunAgainWritesNothingTwice() throws IOException {
        Path file = directory.resolve("events.ndjson");
        EventFileWriter.Summary written = EventFileWriter.write(file, Long.MAX_VALUE, 3_000, 3, 1, 42);
        int hostile = appendHostileLines(file);
        String topic = "backfill:events.ndjson";

        Map<String, Long> first = backfill(file);

        assertThat(PipelineTables.count(jdbc, "reviews")).isEqualTo(written.uniqueValid());
        assertThat(PipelineTables.count(jdbc, "dlq_events WHERE source_topic = '" + topic + "'"))
                .isEqualTo(written.invalid() + hostile);
        assertThat(first).containsEntry("written", written.uniqueValid())
                .containsEntry("duplicates", written.duplicates())
                .containsEntry("dead_lettered", written.invalid() + hostile)
                .containsEntry("blank", 2L);
        assertThat(PipelineTables.deadLettersByReason(jdbc)).containsEntry("too_large", 1L);
        // The dead letter names its line, and keeps its bytes.
        long nulLine = written.lines() + 3;
        assertThat(jdbc.queryForObject("SELECT original_value FROM dlq_events WHERE source_offset = ?", byte[].class,
                nulLine)).contains((byte) 0);
        long lines = Files.lines(file, StandardCharsets.ISO_8859_1).count();
        assertThat(checkpoints.linesDone(file, Files.size(file))).isEqualTo(lines);

        // Done: a second run skips every line.
        assertThat(backfill(file)).containsEntry("written", 0L).containsEntry("duplicates", 0L);

        // Stopped after writing up to line 2,000 but before its checkpoint moved past 1,000: the run again finds the
        // lines between already claimed, and writes no row twice.
        checkpoints.save(file, Files.size(file), 1_000);
        Map<String, Long> resumed = backfill(file);
        assertThat(resumed.get("written")).isZero();
        assertThat(resumed.get("duplicates")).isPositive();
        assertThat(PipelineTables.count(jdbc, "reviews")).isEqualTo(written.uniqueValid());
        assertThat(PipelineTables.count(jdbc, "dlq_events WHERE source_topic = '" + topic + "'"))
                .isEqualTo(written.invalid() + hostile);
    }

    @Test
    void aRunStoppedByTheDatabaseKeepsItsCheckpointBeforeTheBatchThatFailedAndTheNextRunFinishesIt()
            throws IOException {
        // The database refuses line 1,300's event as if it were away: its batch (lines 1,001 to 1,500) fails.
        jdbc.execute("""
                CREATE OR REPLACE FUNCTION refuse_stop() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'database away' USING ERRCODE = '08006'; END $$""");
        jdbc.execute("CREATE TRIGGER refuse_stop BEFORE INSERT ON reviews FOR EACH ROW"
                + " WHEN (NEW.review_id = 'r-stop') EXECUTE FUNCTION refuse_stop()");
        Path file = directory.resolve("stopped.ndjson");
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int line = 1; line <= 2_000; line++) {
                out.write(ReviewEvents.valid(UUID.randomUUID(), "user:" + line, line == 1_300 ? "r-stop" : "r-" + line,
                        1 + line % 5, "line " + line));
                out.write('\n');
            }
        }
        try {
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            int code = command.printingTo(new java.io.PrintStream(printed, true, StandardCharsets.UTF_8)).backfill(file);
            System.out.print(printed.toString(StandardCharsets.UTF_8));

            assertThat(code).isEqualTo(1);
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("stopped").contains("resumes");
            // Not the reader's position: it read a batch ahead.
            assertThat(checkpoints.linesDone(file, Files.size(file))).isEqualTo(1_000);
            assertThat(PipelineTables.count(jdbc, "reviews")).isBetween(1_000L, 1_299L);
        } finally {
            jdbc.execute("DROP TRIGGER refuse_stop ON reviews");
        }
        // The operator runs it again once the database is back: here, once the breaker that opened lets calls in.
        await().atMost(Patience.PIPELINE).until(() -> breaker.getState() != CircuitBreaker.State.OPEN);

        Map<String, Long> resumed = backfill(file);

        assertThat(resumed.get("written") + resumed.get("duplicates")).isEqualTo(1_000);
        assertThat(PipelineTables.count(jdbc, "reviews")).isEqualTo(2_000);
        assertThat(checkpoints.linesDone(file, Files.size(file))).isEqualTo(2_000);
    }

    @Test
    void aGzippedFileIsReadAsItsLines() throws IOException {
        Path file = directory.resolve("events.ndjson.gz");
        EventFileWriter.Summary written = EventFileWriter.write(file, Long.MAX_VALUE, 1_200, 0, 0, 7);

        assertThat(backfill(file)).containsEntry("written", written.uniqueValid());
        assertThat(PipelineTables.count(jdbc, "reviews")).isEqualTo(1_200);
    }

    private Map<String, Long> backfill(Path file) {
        int[] code = new int[1];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BackfillCommand quiet = command.printingTo(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
        code[0] = quiet.backfill(file);
        System.out.print(out.toString(StandardCharsets.UTF_8));
        assertThat(code[0]).as(out.toString(StandardCharsets.UTF_8)).isZero();
        return quiet.lastRun();
    }

    /** Bad lines the writer does not make; returns how many should be dead-lettered. */
    private static int appendHostileLines(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
            out.write("\n".getBytes(StandardCharsets.UTF_8));
            out.write("   \r\n".getBytes(StandardCharsets.UTF_8));
            String valid = new String(ReviewEvents.valid(UUID.randomUUID(), "user:1", "r-nul", 3, "NUL:X"),
                    StandardCharsets.UTF_8);
            out.write(valid.replace("NUL:X", "NUL:\u0000").getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            byte[] utf8 = ReviewEvents.valid(UUID.randomUUID(), "user:1", "r-utf8", 3, "bad:XY");
            String text = new String(utf8, StandardCharsets.ISO_8859_1);
            int at = text.indexOf("bad:XY") + 4;
            utf8[at] = (byte) 0xC3;
            utf8[at + 1] = (byte) 0x28;
            out.write(utf8);
            out.write('\n');
            out.write(("{\"event_id\":\"" + UUID.randomUUID() + "\",\"pad\":\"").getBytes(StandardCharsets.UTF_8));
            out.write("x".repeat(2 << 20).getBytes(StandardCharsets.UTF_8));
            out.write("\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        return 3;
    }
}
