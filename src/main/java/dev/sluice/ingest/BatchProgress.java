package dev.sluice.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;

/**
 * How far the writes of one polled batch got before its deadline. A batch must finish well inside
 * {@code max.poll.interval.ms}, or the broker takes the consumer's partitions away and the batch starts over, again and
 * again while the database is slow. Past the deadline no new write starts: the records not yet written are deferred,
 * the offsets are committed up to the first of them on each partition, and they are read again.
 */
public final class BatchProgress {

    private final long deadlineNanos;
    private final List<Exchange> deferred = new ArrayList<>();
    private int startedWrites;

    public BatchProgress(Duration deadline) {
        this.deadlineNanos = System.nanoTime() + deadline.toNanos();
    }

    /**
     * Whether a new write may start. The first always may, whatever the time: a batch that only waited (for the
     * throttle, say) and wrote nothing would be read again and wait again, for ever.
     */
    public synchronized boolean mayStartWrite() {
        if (startedWrites++ == 0) {
            return true;
        }
        return System.nanoTime() - deadlineNanos < 0;
    }

    public synchronized void defer(List<Exchange> records) {
        deferred.addAll(records);
    }

    public synchronized List<Exchange> deferred() {
        return List.copyOf(deferred);
    }
}
