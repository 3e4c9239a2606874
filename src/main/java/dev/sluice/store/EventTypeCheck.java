package dev.sluice.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.sluice.event.ValidEvent;
import dev.sluice.validate.EventSchemas;

/**
 * Whether an event type can be stored as declared, asked of the live table and of the type's schemas before its route
 * is built: the table and every column exist, the key has a unique index of its own, the mode's bookkeeping columns
 * are there with their types, each column's type can take the field each schema version gives it, and no NOT NULL
 * column is left without a value. Every problem found is named in one line.
 */
final class EventTypeCheck {

    private static final Set<String> TEXTUAL = Set.of("text", "varchar", "citext");
    private static final Set<String> JSON = Set.of("json", "jsonb");
    /** Which column types take a JSON value of each type unchanged (char(n) pads, name truncates: neither is here). */
    private static final Map<String, Set<String>> TAKES = Map.of(
            "string", union(TEXTUAL, JSON, Set.of("uuid", "timestamptz", "timestamp", "date", "time", "timetz",
                    "interval", "inet", "cidr")),
            "integer", union(TEXTUAL, JSON, Set.of("int2", "int4", "int8", "numeric", "float8")),
            "number", union(TEXTUAL, JSON, Set.of("numeric", "float8")),
            "boolean", union(TEXTUAL, JSON, Set.of("bool")),
            "object", union(TEXTUAL, JSON, Set.of()),
            "array", union(TEXTUAL, JSON, Set.of()));

    private final EventType type;
    private final LiveTable table;
    private final EventSchemas schemas;
    private final List<String> problems = new ArrayList<>();

    private EventTypeCheck(EventType type, LiveTable table, EventSchemas schemas) {
        this.type = type;
        this.table = table;
        this.schemas = schemas;
    }

    /** Throws {@link EventTypeRefused} naming every problem, or returns. */
    static void check(EventType type, LiveTable table, EventSchemas schemas) {
        EventTypeCheck check = new EventTypeCheck(type, table, schemas);
        check.run();
        if (!check.problems.isEmpty()) {
            throw new EventTypeRefused(String.join("; ", check.problems));
        }
    }

    private void run() {
        if (!table.exists()) {
            problems.add("table " + type.table() + " does not exist");
            return;
        }
        if (schemas.versions(type.name()).isEmpty()) {
            problems.add("no schema declares event type " + type.name() + " (schemas/" + type.name()
                    + ".v1.schema.json)");
        }
        if (!table.uniqueColumns().contains(type.key())) {
            problems.add(table.has(type.key())
                    ? "key " + type.key() + " has no unique index of its own on " + type.table()
                    + " (ON CONFLICT needs one; unique on: " + table.uniqueColumns() + ")"
                    : "key column " + type.key() + " is not a column of " + type.table());
        }
        for (String column : Bookkeeping.requiredBy(type.mode())) {
            bookkeeping(column, "mode " + type.mode().label() + " needs it");
        }
        long positionColumns = Bookkeeping.POSITION.stream().filter(table::has).count();
        if (positionColumns != 0 && positionColumns != Bookkeeping.POSITION.size()) {
            problems.add("a row's position is all of " + Bookkeeping.POSITION + " or none of them; " + type.table()
                    + " has " + positionColumns);
        }
        Bookkeeping.POSITION.forEach(column -> bookkeeping(column, null));
        bookkeeping(Bookkeeping.DELETED_AT, null);
        for (ColumnMapping column : type.columns()) {
            if (!table.has(column.column())) {
                problems.add("column " + column.column() + " is not a column of " + type.table());
            } else {
                fields(column);
            }
        }
        type.write().ifPresent(statement -> {
            if (!table.has(Bookkeeping.EVENT_ID)) {
                problems.add("mode insert finds its conflicts by event_id, which " + type.table() + " lacks");
            }
        });
        if (type.write().isEmpty()) {
            notNullColumnsHaveValues();
        }
    }

    /** A bookkeeping column: required (with why), or checked for its type only where the table has it. */
    private void bookkeeping(String column, String requiredBecause) {
        LiveTable.Column live = table.column(column);
        if (live == null) {
            if (requiredBecause != null) {
                problems.add(type.table() + " has no column " + column + " (" + requiredBecause + ")");
            }
        } else if (!live.type().equals(Bookkeeping.type(column))) {
            problems.add(column + " must be of type " + Bookkeeping.type(column) + ", not " + live.type());
        }
    }

    /** Each version's field for the column: declared somewhere, and of a type the column takes. */
    private void fields(ColumnMapping column) {
        LiveTable.Column live = table.column(column.column());
        boolean declaredSomewhere = false;
        for (int version : schemas.versions(type.name())) {
            String field = column.fieldFor(version);
            Optional<Set<String>> jsonTypes = ValidEvent.isEnvelope(field) ? Optional.of(Set.of("string"))
                    : schemas.fieldTypes(type.name(), version, field);
            if (jsonTypes.isEmpty()) {
                continue;
            }
            declaredSomewhere = true;
            for (String jsonType : jsonTypes.get()) {
                if (!TAKES.getOrDefault(jsonType, Set.of()).contains(live.type())) {
                    problems.add("column " + column.column() + " (" + live.type() + ") cannot take " + field + " ("
                            + jsonType + " in " + type.name() + " v" + version + ")");
                }
            }
        }
        if (!declaredSomewhere && !schemas.versions(type.name()).isEmpty()) {
            problems.add("column " + column.column() + " takes " + column.fields() + ", which no schema of "
                    + type.name() + " declares");
        }
    }

    /**
     * Every mode may make the row (an update or a deletion can come before the creation): a NOT NULL column without a
     * default must then get a value, from a field every version has, or from the bookkeeping the mode writes.
     */
    private void notNullColumnsHaveValues() {
        for (LiveTable.Column column : table.columns().values()) {
            if (column.nullable() || column.hasDefault() || writtenByMode(column.name())) {
                continue;
            }
            Optional<ColumnMapping> declared = type.columns().stream()
                    .filter(mapping -> mapping.column().equals(column.name())).findFirst();
            if (declared.isEmpty()) {
                problems.add("column " + column.name() + " is NOT NULL without a default, and " + type.name()
                        + " gives it no field");
                continue;
            }
            for (int version : schemas.versions(type.name())) {
                String field = declared.get().fieldFor(version);
                if (!ValidEvent.isEnvelope(field) && !schemas.requiredByVersion(type.name(), version, field)) {
                    problems.add("column " + column.name() + " is NOT NULL, but " + field + " is optional in "
                            + type.name() + " v" + version);
                }
            }
        }
    }

    private boolean writtenByMode(String column) {
        boolean position = Bookkeeping.POSITION.contains(column) && table.has(Bookkeeping.POSITION.get(0));
        return switch (type.mode()) {
            case INSERT -> position || column.equals(Bookkeeping.EVENT_ID) || Bookkeeping.LINEAGE.contains(column);
            case UPSERT -> position;
            case DELETE -> position || column.equals(Bookkeeping.DELETED_AT);
        };
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new java.util.HashSet<>();
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return Set.copyOf(all);
    }
}
