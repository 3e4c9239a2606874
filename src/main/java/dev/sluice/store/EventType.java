package dev.sluice.store;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An event type as its file under {@code routes-yaml/event-types/} declares it: its name, its write mode, its table,
 * the key column, and the column each payload field goes to. Nothing else: the statements that carry the guarantees
 * are generated from this ({@link StoreStatement}). {@code write} is the escape hatch of mode insert only, a statement
 * of the operator's own.
 */
public record EventType(String name, WriteMode mode, String table, String key, List<ColumnMapping> columns,
                        Optional<String> write) {

    /** The parameters of the store route template; any other name in a file is a mistake, and refused. */
    static final String EVENT_TYPE = "eventType";
    static final String MODE = "mode";
    static final String TABLE = "table";
    static final String KEY = "key";
    static final String COLUMNS = "columns";
    static final String WRITE = "write";
    private static final Set<String> PARAMETERS = Set.of(EVENT_TYPE, MODE, TABLE, KEY, COLUMNS, WRITE,
            StoreRouteTemplate.AUTO_STARTUP);

    private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,100}");
    private static final Pattern TABLE_NAME = Pattern.compile("([a-z_][a-z0-9_]{0,62}\\.)?[a-z_][a-z0-9_]{0,62}");

    public EventType {
        columns = List.copyOf(columns);
    }

    /** The route template's parameters, checked for what they say on their own (the live table is checked after). */
    static EventType declared(Map<String, Object> parameters) {
        for (String name : parameters.keySet()) {
            // Camel adds each parameter's kebab-case and camelCase spellings; only a name of its own is a mistake.
            if (!PARAMETERS.contains(name) && !PARAMETERS.contains(camelCase(name))) {
                throw new EventTypeRefused("unknown parameter '" + name + "': an event type names " + PARAMETERS);
            }
        }
        String name = required(parameters, EVENT_TYPE, NAME, "lower-case letters, digits and _");
        WriteMode mode = WriteMode.of(String.valueOf(parameters.get(MODE)));
        String table = required(parameters, TABLE, TABLE_NAME, "a table, lower-case, optionally schema.table");
        String key = required(parameters, KEY, ColumnMapping.COLUMN, "a column, lower-case");
        List<ColumnMapping> columns = columns(text(parameters, COLUMNS));
        Optional<String> write = Optional.ofNullable(text(parameters, WRITE)).filter(text -> !text.isBlank());
        if (write.isPresent() && mode != WriteMode.INSERT) {
            throw new EventTypeRefused("write: a statement of one's own is for mode insert only; mode " + mode.label()
                    + " is generated from its columns, with the ordering guard");
        }
        if (write.isEmpty() && columns.stream().noneMatch(column -> column.column().equals(key))) {
            throw new EventTypeRefused("columns: the key column '" + key + "' takes no field (add '" + key + " <- "
                    + key + "')");
        }
        for (ColumnMapping column : columns) {
            if (Bookkeeping.isBookkeeping(column.column())) {
                throw new EventTypeRefused("columns: '" + column.column() + "' is Sluice's own bookkeeping, written"
                        + " for every event; leave it out");
            }
        }
        return new EventType(name, mode, table, key, columns, write);
    }

    /** The column that holds the key, and the field it takes. */
    public ColumnMapping keyColumn() {
        return columns.stream().filter(column -> column.column().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalStateException(name + " has no key column"));
    }

    private static List<ColumnMapping> columns(String text) {
        List<ColumnMapping> columns = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        if (text == null) {
            return columns;
        }
        for (String line : text.split("\\R")) {
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            ColumnMapping column = ColumnMapping.parse(line);
            if (!seen.add(column.column())) {
                throw new EventTypeRefused("columns: '" + column.column() + "' is given twice");
            }
            columns.add(column);
        }
        return columns;
    }

    private static String required(Map<String, Object> parameters, String name, Pattern pattern, String shape) {
        String value = text(parameters, name);
        if (value == null || value.isBlank()) {
            throw new EventTypeRefused(name + " is missing");
        }
        if (!pattern.matcher(value).matches()) {
            throw new EventTypeRefused(name + ": '" + value + "' is not " + shape);
        }
        return value;
    }

    private static String text(Map<String, Object> parameters, String name) {
        Object value = parameters.get(name);
        return value == null ? null : value.toString();
    }

    private static String camelCase(String name) {
        StringBuilder camel = new StringBuilder();
        boolean upper = false;
        for (char c : name.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                camel.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return camel.toString();
    }
}
