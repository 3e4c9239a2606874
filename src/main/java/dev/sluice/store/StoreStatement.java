package dev.sluice.store;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one statement that stores a chunk of an event type's events, generated from its declaration and its live table:
 * it claims the events' ids (the idempotency markers), applies each event in the chunk's order under the ordering guard,
 * records what changed nothing in {@code superseded_events}, and returns the events that were not applied: one round
 * trip per chunk. docs/write-modes.md shows it for the shipped types.
 * <p>
 * Several events of one key in a chunk cannot each be an {@code INSERT ... ON CONFLICT DO UPDATE} of one statement
 * (PostgreSQL refuses to affect a row twice), so the statement first decides, for each event in turn, whether it
 * applies, from the row as it was and the chunk's events before it (window functions over the chunk in order), and
 * then writes each key once, with the last event that applied. The decision is the rule of the mode applied one event
 * at a time:
 * <ul>
 * <li>insert: the first creation of a key is applied; any other, or one for a row already created, is a conflict. A
 * creation that finds a row an update or deletion made first fills it in: its event id and lineage always; its columns
 * if it is newer than the row, or only where the row has nothing if it is older; none if the row is deleted.</li>
 * <li>upsert: applied if the row is not deleted and the event is newer than the row and than every event of the chunk
 * before it (an event that did not apply was older than those anyway); otherwise stale.</li>
 * <li>delete: applied if the row was not deleted, or if the event is older than the deletion that made the tombstone
 * (so the tombstone ends at the oldest deletion, in any order); otherwise stale.</li>
 * </ul>
 * The write keeps the guard in its {@code WHERE} too: a key another transaction created between the read and the
 * write is not overwritten, and the statement reports it ({@value #CONCURRENT}) so the attempt is made again.
 * <p>
 * Its parameters, in order: the chunk's arrays (sequence, event id, event time, topic, partition, offset, then one
 * text array per declared column), then the consumer group that claims, if it claims.
 */
public record StoreStatement(String sql, EventType type, List<ColumnMapping> columns, boolean claims) {

    /** An outcome the statement returns; applied events are not returned. */
    public static final String DUPLICATE = "duplicate";
    public static final String CONFLICT = "conflict";
    public static final String STALE = "stale";
    /** Returned once, with sequence -1, when another transaction changed a key between this one's read and write. */
    public static final String CONCURRENT = "concurrent";

    /** A position as one comparable value: event time in microseconds, partition, offset (window functions need one). */
    private static final String EVENT_POSITION = position("e.sluice_at", "e.sluice_partition", "e.sluice_offset");
    private static final String ROW_POSITION = position("t.version_at", "t.version_partition", "t.version_offset");
    /** The event's position against the row's, compared as PostgreSQL compares row values. */
    private static final String NEWER = versions("EXCLUDED") + " > " + versions("t");
    private static final String OLDER = versions("EXCLUDED") + " < " + versions("t");

    private static String position(String at, String partition, String offset) {
        return "ARRAY[(EXTRACT(EPOCH FROM " + at + ") * 1000000)::int8, " + partition + ", " + offset + "]";
    }

    private static String versions(String alias) {
        return "(" + alias + ".version_at, " + alias + ".version_partition, " + alias + ".version_offset)";
    }

    /** The statement for a checked type; {@code claims}: whether it claims the ids itself (the batch path does). */
    static StoreStatement generate(EventType type, LiveTable table, boolean claims) {
        return new StoreStatement(new Generator(type, table, claims).sql(), type, type.columns(), claims);
    }

    @Override
    public String toString() {
        return sql;
    }

    private static final class Generator {
        private final EventType type;
        private final LiveTable table;
        private final boolean claims;
        private final boolean positioned;
        private final boolean deletable;
        private final String key;

        Generator(EventType type, LiveTable table, boolean claims) {
            this.type = type;
            this.table = table;
            this.claims = claims;
            this.positioned = table.has(Bookkeeping.POSITION.get(0));
            this.deletable = table.has(Bookkeeping.DELETED_AT);
            this.key = type.key();
        }

        String sql() {
            List<String> ctes = new ArrayList<>(List.of(events(), fresh()));
            if (claims) {
                ctes.add(1, claimed());
            }
            ctes.addAll(switch (type.mode()) {
                case INSERT -> insert();
                case UPSERT -> change(NEWEST_BEFORE, UPSERT_APPLIES, upsertWrite());
                case DELETE -> change(TOMBSTONE_BEFORE, DELETE_APPLIES, deleteWrite());
            });
            ctes.add(ledger());
            String returned = "SELECT sluice_seq, sluice_outcome FROM sluice_outcomes WHERE sluice_outcome <> 'applied'";
            if (type.mode() != WriteMode.INSERT) {
                returned += "\nUNION ALL\nSELECT -1, '" + CONCURRENT + "' WHERE (SELECT count(*) FROM sluice_written)"
                        + " <> (SELECT count(*) FROM sluice_final)";
            }
            return "WITH " + String.join(",\n", ctes) + "\n" + returned;
        }

        private String events() {
            StringBuilder arrays = new StringBuilder("CAST(? AS int4[]), CAST(? AS uuid[]), CAST(? AS timestamptz[]),"
                    + " CAST(? AS text[]), CAST(? AS int4[]), CAST(? AS int8[])");
            StringBuilder names = new StringBuilder("sluice_seq, sluice_event_id, sluice_at, sluice_topic,"
                    + " sluice_partition, sluice_offset");
            for (int i = 0; i < type.columns().size(); i++) {
                arrays.append(", CAST(? AS text[])");
                names.append(", sluice_c").append(i);
            }
            return "sluice_events AS (\n    SELECT * FROM unnest(" + arrays + ")\n        AS e(" + names + "))";
        }

        private String claimed() {
            return """
                    sluice_claimed AS (
                        INSERT INTO idempotency_markers (processor_name, message_id)
                        SELECT CAST(? AS text), sluice_event_id::text FROM sluice_events
                        ON CONFLICT DO NOTHING RETURNING message_id)""";
        }

        /** The events claimed now, each once, their columns of their own types. */
        private String fresh() {
            List<String> typed = new ArrayList<>();
            for (int i = 0; i < type.columns().size(); i++) {
                String column = type.columns().get(i).column();
                typed.add("CAST(e.sluice_c" + i + " AS " + table.column(column).type() + ") AS " + column);
            }
            String join = claims ? " JOIN sluice_claimed c ON c.message_id = e.sluice_event_id::text" : "";
            return "sluice_fresh AS (\n    SELECT DISTINCT ON (e.sluice_event_id) e.sluice_seq, e.sluice_event_id,"
                    + " e.sluice_at, e.sluice_topic, e.sluice_partition, e.sluice_offset,\n        " + EVENT_POSITION
                    + " AS sluice_position,\n        " + String.join(", ", typed) + "\n    FROM sluice_events e" + join
                    + "\n    ORDER BY e.sluice_event_id, e.sluice_seq)";
        }

        private List<String> insert() {
            List<String> columns = declared();
            List<String> values = new ArrayList<>(columns);
            columns.addAll(List.of(Bookkeeping.EVENT_ID, "source_topic", "source_partition", "source_offset"));
            values.addAll(List.of("sluice_event_id", "sluice_topic", "sluice_partition", "sluice_offset"));
            if (positioned) {
                columns.addAll(Bookkeeping.POSITION);
                values.addAll(List.of("sluice_at", "sluice_partition", "sluice_offset"));
            }
            String conflict;
            if (!positioned) {
                conflict = "ON CONFLICT (" + key + ") DO NOTHING";
            } else {
                List<String> set = new ArrayList<>();
                for (String column : List.of(Bookkeeping.EVENT_ID, "source_topic", "source_partition", "source_offset")) {
                    set.add(column + " = EXCLUDED." + column);
                }
                String live = deletable ? "t.deleted_at IS NULL AND " : "";
                for (String column : declared()) {
                    if (!column.equals(key)) {
                        set.add(column + " = CASE " + (deletable ? "WHEN t.deleted_at IS NOT NULL THEN t." + column
                                + " " : "") + "WHEN " + NEWER + " THEN EXCLUDED." + column + " ELSE coalesce(t." + column
                                + ", EXCLUDED." + column + ") END");
                    }
                }
                for (String column : Bookkeeping.POSITION) {
                    set.add(column + " = CASE WHEN " + live + NEWER + " THEN EXCLUDED." + column + " ELSE t." + column
                            + " END");
                }
                conflict = "ON CONFLICT (" + key + ") DO UPDATE SET\n        " + String.join(",\n        ", set)
                        + "\n    WHERE t.event_id IS NULL";
            }
            String first = "sluice_first AS (\n    SELECT DISTINCT ON (" + key + ") * FROM sluice_fresh ORDER BY " + key
                    + ", sluice_seq)";
            String written = "sluice_written AS (\n    INSERT INTO " + type.table() + " AS t (" + String.join(", ", columns)
                    + ")\n    SELECT " + String.join(", ", values) + " FROM sluice_first\n    " + conflict
                    + "\n    RETURNING t.event_id)";
            String outcomes = "sluice_outcomes AS (\n    SELECT e.sluice_seq, f.sluice_event_id, CAST(f." + key
                    + " AS text) AS sluice_key, f.sluice_at, f.sluice_topic, f.sluice_partition, f.sluice_offset,\n"
                    + "        CASE WHEN f.sluice_seq IS NULL THEN '" + DUPLICATE + "' WHEN w.event_id IS NULL THEN '"
                    + CONFLICT + "' ELSE 'applied' END AS sluice_outcome\n"
                    + "    FROM sluice_events e LEFT JOIN sluice_fresh f ON f.sluice_seq = e.sluice_seq\n"
                    + "    LEFT JOIN sluice_written w ON w.event_id = f.sluice_event_id)";
            return List.of(first, written, outcomes);
        }

        /**
         * Modes upsert and delete: the rows as they are (locked), what each event finds before it (the row and the
         * chunk's events before it, by window functions), its decision, the write, the outcomes.
         */
        private List<String> change(String before, String decision, String write) {
            String rows = "sluice_rows AS (\n    SELECT t." + key + " AS sluice_key, t.deleted_at IS NOT NULL AS"
                    + " sluice_deleted, " + ROW_POSITION + " AS sluice_row_position\n    FROM " + type.table()
                    + " t WHERE t." + key + " IN (SELECT " + key + " FROM sluice_fresh) FOR UPDATE)";
            String decided = "sluice_decided AS (\n    SELECT *, " + decision + " AS sluice_applies FROM (\n"
                    + "        SELECT f.*, r.sluice_deleted, " + before + " AS sluice_before_it\n"
                    + "        FROM sluice_fresh f LEFT JOIN sluice_rows r ON r.sluice_key = f." + key + "\n"
                    + "        WINDOW sluice_earlier AS (PARTITION BY f." + key + " ORDER BY f.sluice_seq ROWS BETWEEN"
                    + " UNBOUNDED PRECEDING AND 1 PRECEDING)) d)";
            String last = "sluice_final AS (\n    SELECT DISTINCT ON (" + key + ") * FROM sluice_decided WHERE"
                    + " sluice_applies ORDER BY " + key + ", sluice_seq DESC)";
            String outcomes = "sluice_outcomes AS (\n    SELECT e.sluice_seq, d.sluice_event_id, CAST(d." + key
                    + " AS text) AS sluice_key, d.sluice_at, d.sluice_topic, d.sluice_partition, d.sluice_offset,\n"
                    + "        CASE WHEN d.sluice_seq IS NULL THEN '" + DUPLICATE + "' WHEN d.sluice_applies THEN"
                    + " 'applied' ELSE '" + STALE + "' END AS sluice_outcome\n"
                    + "    FROM sluice_events e LEFT JOIN sluice_decided d ON d.sluice_seq = e.sluice_seq)";
            return List.of(rows, decided, last, write, outcomes);
        }

        /** Upsert: the newest position before it, the row's or an earlier event's of the chunk. */
        private static final String NEWEST_BEFORE = "greatest(r.sluice_row_position, max(f.sluice_position) OVER"
                + " sluice_earlier)";
        /** Applied if the row is not deleted and the event is newer than all before it. */
        private static final String UPSERT_APPLIES = "NOT coalesce(sluice_deleted, false) AND sluice_position >"
                + " coalesce(sluice_before_it, ARRAY[]::int8[])";
        /** Delete: the tombstone's position before it, the row's or the oldest earlier deletion's of the chunk. */
        private static final String TOMBSTONE_BEFORE = "CASE WHEN r.sluice_deleted THEN least(r.sluice_row_position,"
                + " min(f.sluice_position) OVER sluice_earlier) ELSE min(f.sluice_position) OVER sluice_earlier END";
        /** Applied if there is no tombstone yet, or it is older than the deletion that made it. */
        private static final String DELETE_APPLIES = "sluice_before_it IS NULL OR sluice_position < sluice_before_it";

        private String upsertWrite() {
            List<String> columns = declared();
            columns.addAll(Bookkeeping.POSITION);
            List<String> values = declared();
            values.addAll(List.of("sluice_at", "sluice_partition", "sluice_offset"));
            List<String> set = new ArrayList<>();
            for (String column : columns) {
                if (!column.equals(key)) {
                    set.add(column + " = EXCLUDED." + column);
                }
            }
            return written(columns, values, set, "t.deleted_at IS NULL AND " + NEWER);
        }

        /** A tombstone: made from the deletion's own columns; on a row, every other column that may be empty is erased. */
        private String deleteWrite() {
            List<String> columns = declared();
            columns.addAll(List.of(Bookkeeping.DELETED_AT, "version_at", "version_partition", "version_offset"));
            List<String> values = declared();
            values.addAll(List.of("sluice_at", "sluice_at", "sluice_partition", "sluice_offset"));
            List<String> set = new ArrayList<>();
            for (LiveTable.Column column : table.columns().values()) {
                if (column.nullable() && !column.name().equals(key) && !Bookkeeping.isBookkeeping(column.name())
                        && !declared().contains(column.name())) {
                    set.add(column.name() + " = NULL");
                }
            }
            for (String column : List.of(Bookkeeping.DELETED_AT, "version_at", "version_partition", "version_offset")) {
                set.add(column + " = EXCLUDED." + column);
            }
            return written(columns, values, set, "t.deleted_at IS NULL OR " + OLDER);
        }

        private String written(List<String> columns, List<String> values, List<String> set, String guard) {
            return "sluice_written AS (\n    INSERT INTO " + type.table() + " AS t (" + String.join(", ", columns)
                    + ")\n    SELECT " + String.join(", ", values) + " FROM sluice_final\n    ON CONFLICT (" + key
                    + ") DO UPDATE SET\n        " + String.join(",\n        ", set) + "\n    WHERE " + guard
                    + "\n    RETURNING t." + key + ")";
        }

        private String ledger() {
            return "sluice_ledger AS (\n    INSERT INTO superseded_events (event_id, event_type, reason, entity_key,"
                    + " event_time, source_topic, source_partition, source_offset)\n    SELECT sluice_event_id, '"
                    + type.name() + "', sluice_outcome, sluice_key, sluice_at, sluice_topic, sluice_partition,"
                    + " sluice_offset\n    FROM sluice_outcomes WHERE sluice_outcome IN ('" + CONFLICT + "', '" + STALE
                    + "')\n    ON CONFLICT (event_id) DO NOTHING)";
        }

        private List<String> declared() {
            return type.columns().stream().map(ColumnMapping::column).collect(Collectors.toCollection(ArrayList::new));
        }
    }
}
