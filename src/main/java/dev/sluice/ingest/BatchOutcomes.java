package dev.sluice.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.sluice.event.FailureReason;
import dev.sluice.store.StoreChunk;

/**
 * What became of the events of one {@link IngestBatch}: written (with each event's {@code ts}, for the end-to-end
 * latency), found duplicate, superseded (claimed but changing nothing: {@code store.SupersededEvents}) by event type
 * and reason, or dead-lettered and why. Each outcome is added only once the transaction behind it has
 * committed (a store chunk, one record's attempt, a dead letter's write), and read once the batch's offsets are
 * committed (the ingest route's {@code record-outcomes} step). A record that is read again is counted then.
 */
public final class BatchOutcomes {

    private final List<Instant> writtenEventTimes = new ArrayList<>();
    private int duplicates;
    private final Map<FailureReason, Integer> deadLetters = new EnumMap<>(FailureReason.class);
    private final Map<Superseded, Integer> superseded = new HashMap<>();

    /** Events of one type superseded for one reason ({@code conflict}, {@code stale}). */
    public record Superseded(String eventType, String reason) {
    }

    /** What each event of a chunk became, once the attempt that stored it committed. */
    public void stored(StoreChunk chunk) {
        chunk.forEachOutcome((event, outcome) -> {
            switch (outcome) {
                case APPLIED -> written(event.at());
                case DUPLICATE -> duplicates(1);
                case CONFLICT, STALE -> superseded(event.eventType(), outcome.supersededReason(), 1);
            }
        });
    }

    public synchronized void written(Instant eventTime) {
        writtenEventTimes.add(eventTime);
    }

    public synchronized void duplicates(int count) {
        duplicates += count;
    }

    public synchronized void superseded(String eventType, String reason, int count) {
        if (count > 0) {
            superseded.merge(new Superseded(eventType, reason), count, Integer::sum);
        }
    }

    public synchronized void deadLettered(FailureReason reason) {
        deadLetters.merge(reason, 1, Integer::sum);
    }

    public synchronized List<Instant> writtenEventTimes() {
        return List.copyOf(writtenEventTimes);
    }

    public synchronized int duplicates() {
        return duplicates;
    }

    public synchronized Map<FailureReason, Integer> deadLetters() {
        return Map.copyOf(deadLetters);
    }

    public synchronized Map<Superseded, Integer> superseded() {
        return Map.copyOf(superseded);
    }

    public synchronized int writtenCount() {
        return writtenEventTimes.size();
    }

    public synchronized int supersededCount() {
        return superseded.values().stream().mapToInt(Integer::intValue).sum();
    }

    public synchronized int deadLetteredCount() {
        return deadLetters.values().stream().mapToInt(Integer::intValue).sum();
    }

    public synchronized int count() {
        return writtenCount() + duplicates + deadLetteredCount() + supersededCount();
    }
}
