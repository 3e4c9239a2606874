package dev.sluice.store;

import java.util.List;
import java.util.Set;

import dev.sluice.event.ValidEvent;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The creations an operator's own statement ({@link RawInsert}) did not apply, recorded as conflicts in
 * {@code superseded_events}, in the same transaction. pgjdbc rewrites the statement into multi-row INSERTs, which say
 * how many rows they wrote but not which; the creations not applied are those whose event id the table does not hold
 * afterwards. The generated statements record their conflicts and stale changes themselves ({@link StoreStatement}).
 */
class SupersededEvents {

    private static final String RECORD_CONFLICTS = """
            INSERT INTO superseded_events (event_id, event_type, reason, entity_key, event_time, source_topic,
                                           source_partition, source_offset)
            SELECT e.event_id, ?, 'conflict', e.entity_key, e.event_time, e.source_topic, e.source_partition,
                   e.source_offset
            FROM unnest(?::uuid[], ?::text[], ?::timestamptz[], ?::text[], ?::int[], ?::bigint[])
                AS e(event_id, entity_key, event_time, source_topic, source_partition, source_offset)
            WHERE NOT EXISTS (SELECT FROM %s AS t WHERE t.event_id = e.event_id)
            ON CONFLICT (event_id) DO NOTHING
            RETURNING event_id::text""";

    private final JdbcTemplate jdbc;

    SupersededEvents(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The ids (as PostgreSQL prints a uuid) of the creations among {@code fresh} the table does not hold. */
    Set<String> recordConflicts(List<ValidEvent> fresh, String table, String eventType, String keyColumn) {
        int n = fresh.size();
        String[] ids = new String[n];
        String[] keys = new String[n];
        String[] times = new String[n];
        String[] topics = new String[n];
        Integer[] partitions = new Integer[n];
        Long[] offsets = new Long[n];
        for (int i = 0; i < n; i++) {
            ValidEvent event = fresh.get(i);
            ids[i] = event.eventId();
            // The payload field named like the key column, as the shipped types name theirs; else the envelope's key.
            Object key = event.payload().get(keyColumn);
            keys[i] = key != null ? key.toString() : event.key();
            times[i] = event.ts();
            topics[i] = event.source().lineage();
            partitions[i] = event.source().partition();
            offsets[i] = event.source().offset();
        }
        // The table's name was checked against the database before the route was built (EventType, LiveTable).
        return Set.copyOf(jdbc.queryForList(RECORD_CONFLICTS.formatted(table), String.class, eventType, ids, keys,
                times, topics, partitions, offsets));
    }
}
