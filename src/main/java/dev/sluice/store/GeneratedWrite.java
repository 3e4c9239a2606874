package dev.sluice.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.event.ValidEvent;
import dev.sluice.validate.EventSchemas;
import io.micrometer.core.instrument.Timer;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A chunk through its type's {@link StoreStatement}: the events as arrays, one statement, one round trip; the events it
 * returns are those not applied. Each column is bound from the field the event's own schema version gives it; a field
 * its version does not declare binds NULL, whatever the event sent under that name (a v1 review's stray {@code title}
 * cannot reach its row).
 */
final class GeneratedWrite implements StoreWrite {

    private final StoreStatement statement;
    private final JdbcTemplate jdbc;
    private final String processorName;
    private final Timer timer;
    private final ObjectMapper mapper;
    /** By schema version: the field each column takes, or null where that version does not declare it. */
    private final Map<Integer, String[]> fieldsByVersion = new HashMap<>();

    GeneratedWrite(StoreStatement statement, EventSchemas schemas, JdbcTemplate jdbc, String processorName, Timer timer,
                   ObjectMapper mapper) {
        this.statement = statement;
        this.jdbc = jdbc;
        this.processorName = processorName;
        this.timer = timer;
        this.mapper = mapper;
        String type = statement.type().name();
        for (int version : schemas.versions(type)) {
            List<ColumnMapping> columns = statement.columns();
            String[] fields = new String[columns.size()];
            for (int c = 0; c < fields.length; c++) {
                String field = columns.get(c).fieldFor(version);
                boolean declared = ValidEvent.isEnvelope(field) || schemas.fieldTypes(type, version, field).isPresent();
                fields[c] = declared ? field : null;
            }
            fieldsByVersion.put(version, fields);
        }
    }

    @Override
    public void write(StoreChunk chunk) {
        List<ValidEvent> events = chunk.events();
        int n = events.size();
        int columns = statement.columns().size();
        Integer[] sequence = new Integer[n];
        String[] ids = new String[n];
        String[] times = new String[n];
        String[] topics = new String[n];
        Integer[] partitions = new Integer[n];
        Long[] offsets = new Long[n];
        String[][] values = new String[columns][n];
        for (int i = 0; i < n; i++) {
            ValidEvent event = events.get(i);
            sequence[i] = i;
            ids[i] = event.eventId();
            times[i] = event.ts();
            topics[i] = event.source().lineage();
            partitions[i] = event.source().partition();
            offsets[i] = event.source().offset();
            String[] fields = fieldsByVersion.get(event.schemaVersion());
            for (int c = 0; c < columns; c++) {
                values[c][i] = fields == null || fields[c] == null ? null : text(event.field(fields[c]));
            }
        }
        List<Object> arguments = new ArrayList<>(List.of(sequence, ids, times, topics, partitions, offsets));
        arguments.addAll(List.of((Object[]) values));
        if (statement.claims()) {
            arguments.add(processorName);
        }
        StoreOutcome[] outcomes = new StoreOutcome[n];
        java.util.Arrays.fill(outcomes, StoreOutcome.APPLIED);
        AtomicBoolean concurrent = new AtomicBoolean();
        timer.record(() -> jdbc.query(statement.sql(), row -> {
            int seq = row.getInt(1);
            if (seq < 0) {
                concurrent.set(true);
            } else {
                outcomes[seq] = StoreOutcome.valueOf(row.getString(2).toUpperCase(Locale.ROOT));
            }
        }, arguments.toArray()));
        if (concurrent.get()) {
            // Rolled back with the attempt; the next one reads the row another transaction wrote meanwhile.
            throw new ConcurrencyFailureException("Another transaction wrote a key of this " + statement.type().name()
                    + " chunk between its read and its write");
        }
        chunk.written(outcomes);
    }

    private String text(Object value) {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            try {
                return mapper.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a parsed JSON value writes back as JSON", e);
            }
        }
        return value.toString();
    }
}
