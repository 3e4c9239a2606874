package dev.sluice.backfill;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import dev.sluice.ingest.BatchOutcomes;
import dev.sluice.ingest.IngestBatch;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import dev.sluice.event.EventSource;
import org.apache.camel.support.ExpressionAdapter;

/**
 * One backfill of one file: its batches of records ({@link EventFile}), what became of them, the checkpoint after
 * each, and a progress line every few seconds (share of the file, events per second, ETA). It rides on the backfill
 * route's exchange as a property, so each batch's steps reach it.
 */
public final class BackfillRun implements AutoCloseable {

    public static final String PROPERTY = "sluiceBackfillRun";

    /** The split's source: the file's batches. */
    public static final Expression BATCHES = new ExpressionAdapter() {
        @Override
        public Object evaluate(Exchange exchange) {
            return of(exchange).batches();
        }

        @Override
        public String toString() {
            return "BackfillRun.batches()";
        }
    };

    private final Path file;
    private final long size;
    private final long resumedAt;
    private final EventFile events;
    private final BackfillCheckpoints checkpoints;
    private final PrintStream out;
    private final long progressEveryNanos;
    private final long started = System.nanoTime();
    private long lastProgress = started;
    private long bytesAtLastProgress;
    private long eventsAtLastProgress;
    private long written;
    private long duplicates;
    private long superseded;
    private long deadLettered;

    BackfillRun(Path file, EventFile events, long resumedAt, BackfillCheckpoints checkpoints, PrintStream out,
                Duration progressEvery) throws IOException {
        this.file = file;
        this.size = Files.size(file);
        this.events = events;
        this.resumedAt = resumedAt;
        this.checkpoints = checkpoints;
        this.out = out;
        this.progressEveryNanos = progressEvery.toNanos();
    }

    public static BackfillRun of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, BackfillRun.class);
    }

    Iterator<List<Exchange>> batches() {
        return events;
    }

    /**
     * After a batch's writes and dead letters: its outcomes are added, and its last line is the new checkpoint. A
     * batch with records deferred past its deadline fails the run instead, so the checkpoint never passes a line that
     * was not written; the next run resumes before it.
     */
    public void batchDone(IngestBatch batch) {
        if (!batch.progress().deferred().isEmpty()) {
            throw new IllegalStateException("A batch's writes outlived sluice.consumer.batch-deadline ("
                    + batch.progress().deferred().size() + " events not written): the database is slow. The checkpoint"
                    + " stays at the end of the batch before, where the same command resumes");
        }
        BatchOutcomes outcomes = batch.outcomes();
        written += outcomes.writtenCount();
        duplicates += outcomes.duplicates();
        superseded += outcomes.supersededCount();
        deadLettered += outcomes.deadLetteredCount();
        // The batch's own last line, not the reader's: the split reads a batch ahead (to know which one is last).
        List<Exchange> records = batch.records();
        checkpoints.save(file, size, EventSource.of(records.get(records.size() - 1).getMessage()).offset());
        long now = System.nanoTime();
        if (now - lastProgress >= progressEveryNanos) {
            out.println(progressLine(now));
            lastProgress = now;
            bytesAtLastProgress = events.bytesRead();
            eventsAtLastProgress = finished();
        }
    }

    private long finished() {
        return written + duplicates + superseded + deadLettered;
    }

    String progressLine(long now) {
        double seconds = (now - lastProgress) / 1e9;
        long bytes = events.bytesRead();
        double bytesPerSecond = (bytes - bytesAtLastProgress) / seconds;
        long eta = bytesPerSecond > 0 ? Math.round((size - bytes) / bytesPerSecond) : -1;
        return "backfill %s: %.1f%% (%,d of %,d bytes), line %,d, %,.0f events/s, ETA %s; %s".formatted(
                file.getFileName(), size == 0 ? 100.0 : 100.0 * bytes / size, bytes, size, events.linesRead(),
                (finished() - eventsAtLastProgress) / seconds, eta < 0 ? "unknown" : Duration.ofSeconds(eta)
                        .toString().substring(2).toLowerCase(), counts());
    }

    /** The last line: what was read and what became of it. */
    public String summary() {
        double seconds = (System.nanoTime() - started) / 1e9;
        return "backfill %s done in %.1f s: read %,d lines (%,d skipped as done by an earlier run, %,d blank), %s, %,.0f events/s"
                .formatted(file.getFileName(), seconds, events.linesRead(), resumedAt, events.blankLines(), counts(),
                        finished() / seconds);
    }

    private String counts() {
        return "written=%d duplicates=%d superseded=%d dead_lettered=%d".formatted(written, duplicates, superseded,
                deadLettered);
    }

    public Map<String, Long> totals() {
        return Map.of("written", written, "duplicates", duplicates, "superseded", superseded, "dead_lettered",
                deadLettered, "lines", events.linesRead(), "blank", events.blankLines());
    }

    public long linesRead() {
        return events.linesRead();
    }

    @Override
    public void close() throws IOException {
        events.close();
    }
}
