package dev.sluice.ingest;

import java.util.ArrayList;
import java.util.List;

import dev.sluice.event.ValidEvent;
import org.apache.camel.Exchange;

/**
 * Events of one type that one statement may write together: a share of an {@link IngestBatch} in which no key has an
 * event of another type between two of its own ({@link IngestBatch#slices}). Beside each event, the record it came from
 * (for the one-by-one path if a write fails, and for the deferral past the deadline); and where its writes report: the
 * batch's progress and outcomes.
 */
public final class TypeSlice {

    private final String eventType;
    private final List<ValidEvent> events = new ArrayList<>();
    private final List<Exchange> records = new ArrayList<>();
    private final BatchProgress progress;
    private final BatchOutcomes outcomes;

    TypeSlice(String eventType, BatchProgress progress, BatchOutcomes outcomes) {
        this.eventType = eventType;
        this.progress = progress;
        this.outcomes = outcomes;
    }

    void add(ValidEvent event, Exchange record) {
        events.add(event);
        records.add(record);
    }

    public String eventType() {
        return eventType;
    }

    public int size() {
        return events.size();
    }

    public List<ValidEvent> events() {
        return events;
    }

    public List<Exchange> records() {
        return records;
    }

    public BatchProgress progress() {
        return progress;
    }

    public BatchOutcomes outcomes() {
        return outcomes;
    }
}
