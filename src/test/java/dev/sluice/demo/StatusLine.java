package dev.sluice.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The demo's heartbeat: every few seconds one line with what was produced, written, skipped as a duplicate and
 * dead-lettered, the consumer lag, and how many events per second the pipeline finished since the line before.
 */
public final class StatusLine implements AutoCloseable {

    private final MeterRegistry registry;
    private final LongSupplier produced;
    private final PrintStream out;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "demo-status");
        thread.setDaemon(true);
        return thread;
    });
    private PipelineCounts previous;

    private StatusLine(MeterRegistry registry, LongSupplier produced, PrintStream out) {
        this.registry = registry;
        this.produced = produced;
        this.out = out;
        this.previous = read();
    }

    public static StatusLine start(MeterRegistry registry, LongSupplier produced, PrintStream out, Duration every) {
        StatusLine status = new StatusLine(registry, produced, out);
        status.ticker.scheduleAtFixedRate(status::print, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return status;
    }

    /** {@code [demo] produced 1,200 | written 1,050 | duplicates 55 | dead letters 11 | lag 42 | 202 events/s} */
    static String format(PipelineCounts earlier, PipelineCounts now) {
        double seconds = Duration.between(earlier.at(), now.at()).toMillis() / 1000.0;
        long perSecond = seconds <= 0 ? 0 : Math.round((now.finished() - earlier.finished()) / seconds);
        return String.format(Locale.ROOT, "[demo] produced %,d | written %,d | duplicates %,d | dead letters %,d | lag %,d | %,d events/s",
                now.produced(), now.written(), now.duplicates(), now.deadLetters(), now.lag(), perSecond);
    }

    private void print() {
        try {
            PipelineCounts now = read();
            out.println(format(previous, now));
            previous = now;
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: say why once, then stop.
            out.println("[demo] no status line: " + e);
            ticker.shutdown();
        }
    }

    private PipelineCounts read() {
        return PipelineCounts.read(registry, produced.getAsLong(), Instant.now());
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
