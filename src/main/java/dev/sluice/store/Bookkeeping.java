package dev.sluice.store;

import java.util.List;
import java.util.Map;

/**
 * The columns Sluice writes for every event, whatever its type declares: its lineage (which record made the row's
 * creation), its position (which change the row holds: docs/write-modes.md), whether it is deleted, and the event id of
 * its creation. Which of them a mode needs, and of which type each must be.
 */
final class Bookkeeping {

    static final String EVENT_ID = "event_id";
    static final String DELETED_AT = "deleted_at";
    static final List<String> LINEAGE = List.of("source_topic", "source_partition", "source_offset");
    static final List<String> POSITION = List.of("version_at", "version_partition", "version_offset");

    /** PostgreSQL's own name of each column's type, as JDBC's metadata gives it. */
    private static final Map<String, String> TYPES = Map.of(
            EVENT_ID, "uuid",
            "source_topic", "text",
            "source_partition", "int4",
            "source_offset", "int8",
            "version_at", "timestamptz",
            "version_partition", "int4",
            "version_offset", "int8",
            DELETED_AT, "timestamptz");

    private Bookkeeping() {
    }

    static boolean isBookkeeping(String column) {
        return TYPES.containsKey(column) || column.startsWith("sluice_");
    }

    static String type(String column) {
        return TYPES.get(column);
    }

    /**
     * The columns a mode cannot do without: a creation records which event made it and where it came from; a change
     * needs the row's position to be newer than, and a deletion to be final. In a fixed order, so a refusal reads the
     * same on every run.
     */
    static List<String> requiredBy(WriteMode mode) {
        return switch (mode) {
            case INSERT -> List.of(EVENT_ID, "source_topic", "source_partition", "source_offset");
            case UPSERT, DELETE -> List.of("version_at", "version_partition", "version_offset", DELETED_AT);
        };
    }
}
