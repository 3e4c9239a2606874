package dev.sluice.ingest;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many events one store transaction takes: all of a batch while the database keeps up, fewer while it is slow.
 * A chunk that timed out halves the size; a chunk written in under a quarter of the statement timeout doubles it
 * again, up to the batch size. Shared by the consumer threads, since they share the database.
 */
public final class WriteChunkSize {

    private static final Logger log = LoggerFactory.getLogger(WriteChunkSize.class);

    private final int max;
    private final long fastNanos;
    private final AtomicInteger current;

    public WriteChunkSize(int max, Duration statementTimeout) {
        this.max = max;
        this.fastNanos = statementTimeout.toNanos() / 4;
        this.current = new AtomicInteger(max);
    }

    public int current() {
        return current.get();
    }

    public void timedOut(int chunk) {
        int before = current.get();
        int now = current.accumulateAndGet(Math.max(1, chunk / 2), Math::min);
        if (now != before) {
            log.warn("A chunk of {} events timed out: the database is slow, chunks are now {} events", chunk, now);
        }
    }

    public void wrote(int chunk, long tookNanos) {
        int before = current.get();
        if (tookNanos < fastNanos && chunk >= before) {
            int now = current.accumulateAndGet(Math.min(max, chunk * 2), Math::max);
            if (now != before) {
                log.info("A chunk of {} events took {} ms: chunks are now {} events", chunk, tookNanos / 1_000_000, now);
            }
        }
    }
}
