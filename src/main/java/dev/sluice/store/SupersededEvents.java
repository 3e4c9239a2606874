package dev.sluice.store;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.sluice.event.FailureReason;
import dev.sluice.event.RejectedEventException;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The ledger of events that were claimed, and so count as seen, but changed nothing ({@code superseded_events}, Flyway
 * V7), and the store route's steps that fill it. Every claimed event is either applied or recorded here, in the same
 * transaction as its row would have been, so that {@code produced = applied + dead letters + superseded} holds exactly
 * and a conflict is never silent.
 * <ul>
 * <li>{@value #CONFLICT}: a creation (mode insert) whose key another event already created. The chunk's statement
 * is the plain INSERT, rewritten by the driver into multi-row statements that say how many rows they wrote but not
 * which; the creations it did not apply are those whose event_id the table does not hold afterwards.</li>
 * <li>{@value #STALE}: a change (modes upsert, delete) whose guard found the row newer, or deleted. The statement
 * records it itself ({@link #RECORD_STALE}); {@link #readStale} reads back which events of the attempt it recorded.</li>
 * </ul>
 * What was superseded is handed on as the attempt's result: on the chunk ({@link StoreChunk#superseded}), or for one
 * row, as a {@link Superseded} body in place of the row.
 */
public class SupersededEvents {

    public static final String CONFLICT = "conflict";
    public static final String STALE = "stale";

    /** The second half of a change's statement, after {@code WITH applied AS (<the type's statement> RETURNING 1)}. */
    public static final String RECORD_STALE = "INSERT INTO superseded_events (event_id, event_type, reason, entity_key,"
            + " event_time, source_topic, source_partition, source_offset)"
            + " SELECT CAST(:#event_id AS uuid), '{{eventType}}', '" + STALE + "', CAST(:#{{key}} AS text),"
            + " CAST(:#ts AS timestamptz), :#source_topic, :#source_partition, :#source_offset"
            + " WHERE NOT EXISTS (SELECT FROM applied) ON CONFLICT (event_id) DO NOTHING";

    private static final String RECORD_CONFLICTS = """
            INSERT INTO superseded_events (event_id, event_type, reason, entity_key, event_time, source_topic,
                                           source_partition, source_offset)
            SELECT e.event_id, ?, '%s', e.entity_key, e.event_time, e.source_topic, e.source_partition, e.source_offset
            FROM unnest(?::uuid[], ?::text[], ?::timestamptz[], ?::text[], ?::int[], ?::bigint[])
                AS e(event_id, entity_key, event_time, source_topic, source_partition, source_offset)
            WHERE NOT EXISTS (SELECT FROM %%s AS t WHERE t.event_id = e.event_id)
            ON CONFLICT (event_id) DO NOTHING
            RETURNING event_id::text""".formatted(CONFLICT);
    private static final String READ_STALE = "SELECT event_id::text FROM superseded_events"
            + " WHERE event_id = ANY(?::uuid[]) AND reason = '" + STALE + "'";
    /** A table's name as an event type's YAML gives it: it is written into a statement, so nothing else gets in. */
    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    private final JdbcTemplate jdbc;

    public SupersededEvents(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** An event that changed nothing, handed on in place of its row on the one-record path. */
    public record Superseded(String eventType, String reason, Map<String, Object> row) {
    }

    /** Mode insert, after the INSERT: records as conflicts the creations the table does not hold. */
    public void recordConflicts(Exchange attempt, String table, String key, String eventType) {
        if (!TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("Not a table name: '" + table + "' (event type " + eventType + ")");
        }
        List<Map<String, Object>> rows = applying(attempt);
        int n = rows.size();
        String[] ids = new String[n];
        String[] keys = new String[n];
        String[] times = new String[n];
        String[] topics = new String[n];
        Integer[] partitions = new Integer[n];
        Long[] offsets = new Long[n];
        for (int i = 0; i < n; i++) {
            Map<String, Object> row = rows.get(i);
            ids[i] = String.valueOf(row.get(EventRows.EVENT_ID));
            if (row.get(key) == null) {
                // A key the event type's file names but its rows lack: loud, never a ledger of "null" keys.
                throw new IllegalArgumentException("Event type " + eventType + ": its key '" + key
                        + "' is not a field of its events");
            }
            keys[i] = String.valueOf(row.get(key));
            times[i] = String.valueOf(row.get(EventRows.TS));
            topics[i] = String.valueOf(row.get(EventRows.SOURCE_TOPIC));
            partitions[i] = ((Number) row.get(EventRows.SOURCE_PARTITION)).intValue();
            offsets[i] = ((Number) row.get(EventRows.SOURCE_OFFSET)).longValue();
        }
        List<String> conflicts = jdbc.queryForList(RECORD_CONFLICTS.formatted(table), String.class, eventType, ids, keys,
                times, topics, partitions, offsets);
        handOn(attempt, eventType, CONFLICT, Set.copyOf(conflicts));
    }

    /** Modes upsert and delete, after the statement: which of the attempt's events it recorded as stale. */
    public void readStale(Exchange attempt, String eventType) {
        String[] ids = applying(attempt).stream().map(row -> String.valueOf(row.get(EventRows.EVENT_ID)))
                .toArray(String[]::new);
        handOn(attempt, eventType, STALE, Set.copyOf(jdbc.queryForList(READ_STALE, String.class, (Object) ids)));
    }

    /** A template whose mode is none of insert, upsert, delete: its events are dead-lettered as unroutable. */
    public void unknownMode(String mode) {
        throw new RejectedEventException(FailureReason.UNROUTABLE,
                "the event type's store route has mode '" + mode + "'; it must be insert, upsert or delete");
    }

    /** The rows the statement was given: a chunk's first seen, or the one row. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> applying(Exchange attempt) {
        Object body = attempt.getMessage().getBody();
        return body instanceof StoreChunk chunk ? chunk.firstSeen() : List.of((Map<String, Object>) body);
    }

    @SuppressWarnings("unchecked")
    private static void handOn(Exchange attempt, String eventType, String reason, Set<String> supersededIds) {
        Object body = attempt.getMessage().getBody();
        if (body instanceof StoreChunk chunk) {
            chunk.superseded(reason, supersededIds);
        } else if (!supersededIds.isEmpty()) {
            attempt.getMessage().setBody(new Superseded(eventType, reason, (Map<String, Object>) body));
        }
    }
}
