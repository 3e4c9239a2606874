package dev.sluice.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import dev.sluice.event.EventSource;
import dev.sluice.event.RejectedEventException;
import dev.sluice.event.ValidEvent;
import dev.sluice.store.EventType;

import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.support.ExpressionAdapter;

/**
 * One poll's records on their way through the ingest route, from {@code admit} to {@code record-outcomes}: the body
 * every step of that route takes. It holds
 * <ul>
 * <li>every record of the poll, in poll order, for the offset commit ({@link KafkaBatch});</li>
 * <li>the admitted ones as {@link TypeSlice}s, one event type each, for the store routes, in an order that keeps
 * every key's events in the poll's order ({@link #slices});</li>
 * <li>the rejected ones (invalid, unroutable), with why, to be dead-lettered ({@link RejectedRecords});</li>
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
    private final List<EventSource> sources;
    private final List<Admitted> admitted = new ArrayList<>();
    private final List<Rejected> rejected = new ArrayList<>();
    private final BatchProgress progress;
    private final BatchOutcomes outcomes = new BatchOutcomes();
    private CompletableFuture<Void> deadLetters = CompletableFuture.completedFuture(null);

    public IngestBatch(List<Exchange> records, Duration deadline) {
        this.records = List.copyOf(records);
        // Read once per record, for its validation and the offset commit: a header lookup is a case-insensitive
        // TreeMap search, and it was a few per cent of a consumer thread's CPU.
        this.sources = this.records.stream().map(record -> EventSource.of(record.getMessage())).toList();
        this.progress = new BatchProgress(deadline);
    }

    /** A valid event of a running type, and the key of the row it changes ({@code table:key value}). */
    private record Admitted(String eventType, String entity, ValidEvent event, Exchange record) {
    }

    void admit(EventType type, ValidEvent event, Exchange record) {
        Object key = type.columns().isEmpty() ? event.payload().get(type.key())
                : event.field(type.keyColumn().fieldFor(event.schemaVersion()));
        admitted.add(new Admitted(type.name(), type.table() + ":" + key, event, record));
    }

    /** A record of the poll that is refused as it is, and why. */
    public record Rejected(Exchange record, RejectedEventException failure) {
    }

    void reject(Exchange record, RejectedEventException failure) {
        rejected.add(new Rejected(record, failure));
    }

    public List<Exchange> records() {
        return records;
    }

    /** Where each record came from, in the order of {@link #records}. */
    public List<EventSource> sources() {
        return sources;
    }

    /**
     * The split of the ingest route writes these one after the other, each through its type's store route. A type's
     * events go in one slice as long as no key has an event of another type between two of its own; a key whose
     * creation, update and deletion are in one poll has them in three slices, written in that order. So every key's
     * events are applied in the poll's order, which is its partition's order, whatever the poll's boundaries
     * (docs/write-modes.md); where keys do not interleave types, a type's events are one slice.
     */
    public List<TypeSlice> slices() {
        Map<String, Integer> waveOfEntity = new HashMap<>();
        Map<String, String> typeOfEntity = new HashMap<>();
        Map<Integer, Map<String, TypeSlice>> waves = new TreeMap<>();
        for (Admitted event : admitted) {
            Integer previous = waveOfEntity.get(event.entity());
            int wave = previous == null ? 0
                    : event.eventType().equals(typeOfEntity.get(event.entity())) ? previous : previous + 1;
            waveOfEntity.put(event.entity(), wave);
            typeOfEntity.put(event.entity(), event.eventType());
            waves.computeIfAbsent(wave, w -> new LinkedHashMap<>())
                    .computeIfAbsent(event.eventType(), type -> new TypeSlice(type, progress, outcomes))
                    .add(event.event(), event.record());
        }
        List<TypeSlice> slices = new ArrayList<>();
        waves.values().forEach(wave -> slices.addAll(wave.values()));
        return slices;
    }

    public List<Rejected> rejected() {
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
