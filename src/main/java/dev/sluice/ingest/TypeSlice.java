package dev.sluice.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;

/**
 * One event type's share of an {@link IngestBatch}: the rows its store route writes, and beside each row the record it
 * came from (for the one-by-one path if a write fails, and for the deferral past the deadline). The split of the
 * ingest route hands each slice to {@link ChunkedWrite}.
 */
public final class TypeSlice {

    private final String eventType;
    private final IngestBatch batch;
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private final List<Exchange> records = new ArrayList<>();

    TypeSlice(String eventType, IngestBatch batch) {
        this.eventType = eventType;
        this.batch = batch;
    }

    void add(Map<String, Object> row, Exchange record) {
        rows.add(row);
        records.add(record);
    }

    public String eventType() {
        return eventType;
    }

    public IngestBatch batch() {
        return batch;
    }

    public int size() {
        return rows.size();
    }

    public List<Map<String, Object>> rows() {
        return rows;
    }

    public List<Exchange> records() {
        return records;
    }
}
