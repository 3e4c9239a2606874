package dev.sluice.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.support.ExpressionAdapter;

/**
 * One poll's records on their way through the ingest route, from {@code admit} to {@code record-outcomes}: the body
 * every step of that route takes. It holds
 * <ul>
 * <li>every record of the poll, in poll order, for the offset commit ({@link KafkaBatch});</li>
 * <li>the admitted ones as one {@link TypeSlice} per event type, for the store routes;</li>
 * <li>the rejected ones (invalid, unroutable), each to be dead-lettered on its own ({@link OneByOne});</li>
 * <li>how far its writes got before the deadline ({@link BatchProgress});</li>
 * <li>what became of each event ({@link BatchOutcomes}).</li>
 * </ul>
 */
public final class IngestBatch {

    /**
     * The split's expression: the batch's slices. Plain Java, not {@code ${body.slices}}: Simple's method calls go
     * through camel-bean, whose BeanInfo cache (1,000 entries) keys on the object called, so it kept the last thousand
     * batches and their records alive (the benchmark's 384 MB heap ran out after 280 batches).
     */
    public static final Expression SLICES = new ExpressionAdapter() {
        @Override
        public Object evaluate(Exchange exchange) {
            return exchange.getMessage().getBody(IngestBatch.class).slices();
        }

        @Override
        public String toString() {
            return "IngestBatch.slices()";
        }
    };

    private final List<Exchange> records;
    private final Map<String, TypeSlice> slices = new LinkedHashMap<>();
    private final List<Exchange> rejected = new ArrayList<>();
    private final BatchProgress progress;
    private final BatchOutcomes outcomes = new BatchOutcomes();
    private CompletableFuture<Void> deadLetters = CompletableFuture.completedFuture(null);

    public IngestBatch(List<Exchange> records, Duration deadline) {
        this.records = List.copyOf(records);
        this.progress = new BatchProgress(deadline);
    }

    void admit(String eventType, Map<String, Object> row, Exchange record) {
        slices.computeIfAbsent(eventType, type -> new TypeSlice(type, this)).add(row, record);
    }

    void reject(Exchange record) {
        rejected.add(record);
    }

    public List<Exchange> records() {
        return records;
    }

    /** The split of the ingest route iterates these: one store route per event type. */
    public List<TypeSlice> slices() {
        return List.copyOf(slices.values());
    }

    public List<Exchange> rejected() {
        return List.copyOf(rejected);
    }

    /** The events the throttle charges for: the ones that go on to a store route. */
    public int admittedCount() {
        return records.size() - rejected.size();
    }

    public BatchProgress progress() {
        return progress;
    }

    public BatchOutcomes outcomes() {
        return outcomes;
    }

    /** The dead letters of the rejected records, started at once and awaited before the commit. */
    void deadLettersStarted(CompletableFuture<Void> started) {
        this.deadLetters = started;
    }

    CompletableFuture<Void> deadLetters() {
        return deadLetters;
    }
}
