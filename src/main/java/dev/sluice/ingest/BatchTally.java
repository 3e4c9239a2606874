package dev.sluice.ingest;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;

/**
 * What became of the events of one exchange, for the metrics read when it completes
 * ({@link dev.sluice.observe.PipelineMetrics}): how many were found duplicate and written (with each written event's
 * {@code ts}, for the end-to-end latency). Consumed records are counted when the batch's exchange is created. It travels as an exchange property, which the split into
 * event types shares by reference, so the store route's steps add to the tally of the batch they belong to.
 * <p>
 * The dedupe step stages what one store attempt will write; the attempt's transaction commits the staged counts or
 * drops them with its rollback, so an attempt that fails and is written again one by one is counted once.
 * Dead letters are not counted here: each is its own exchange, finished by the dead-letter channel.
 */
public final class BatchTally {

    public static final String PROPERTY = "sluiceTally";

    private int duplicates;
    private final List<Instant> writtenEventTimes = new ArrayList<>();
    private int stagedDuplicates;
    private final List<Map<String, Object>> stagedRows = new ArrayList<>();

    /** The exchange's tally, created on first use (a store attempt outside a batch or a record sent one by one). */
    public static BatchTally of(Exchange exchange) {
        BatchTally tally = exchange.getProperty(PROPERTY, BatchTally.class);
        if (tally == null) {
            tally = new BatchTally();
            exchange.setProperty(PROPERTY, tally);
        }
        return tally;
    }

    /** One store attempt will write {@code firstSeen} and skip {@code duplicateCount} events, if it commits. */
    public synchronized void stage(List<Map<String, Object>> firstSeen, int duplicateCount) {
        stagedRows.addAll(firstSeen);
        stagedDuplicates += duplicateCount;
    }

    public synchronized void commitStaged() {
        for (Map<String, Object> row : stagedRows) {
            if (row.get(EventRows.TS) instanceof String ts) {
                writtenEventTimes.add(OffsetDateTime.parse(ts).toInstant());
            }
        }
        duplicates += stagedDuplicates;
        dropStaged();
    }

    public synchronized void dropStaged() {
        stagedRows.clear();
        stagedDuplicates = 0;
    }

    public synchronized int duplicates() {
        return duplicates;
    }

    public synchronized List<Instant> writtenEventTimes() {
        return List.copyOf(writtenEventTimes);
    }
}
