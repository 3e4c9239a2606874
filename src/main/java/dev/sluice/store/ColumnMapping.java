package dev.sluice.store;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One column of an event type's table and the field it takes: {@code review_text <- text, v2: body} is the payload's
 * {@code text}, except in schema version 2, where it is {@code body}. A field is a payload field or one of the
 * envelope's {@code key} and {@code ts}.
 */
public record ColumnMapping(String column, String field, Map<Integer, String> fieldByVersion) {

    /** A column as generated SQL names it, unquoted: PostgreSQL's own folding cannot change it. */
    static final Pattern COLUMN = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,99}");
    private static final Pattern LINE = Pattern.compile("\\s*(\\S+)\\s*<-\\s*(\\S+?)\\s*((?:,\\s*v\\d+\\s*:\\s*\\S+?\\s*)*)");
    private static final Pattern VERSION = Pattern.compile(",\\s*v(\\d+)\\s*:\\s*(\\S+?)\\s*(?=,|$)");

    public ColumnMapping {
        fieldByVersion = Map.copyOf(fieldByVersion);
    }

    /** The field this column takes from an event of the given schema version. */
    public String fieldFor(int schemaVersion) {
        return fieldByVersion.getOrDefault(schemaVersion, field);
    }

    /** Every field it may take, whatever the version. */
    public java.util.Set<String> fields() {
        java.util.Set<String> fields = new java.util.TreeSet<>(fieldByVersion.values());
        fields.add(field);
        return fields;
    }

    /** One line of a type's {@code columns}: {@code column <- field[, vN: field]...}. */
    static ColumnMapping parse(String line) {
        Matcher matcher = LINE.matcher(line);
        if (!matcher.matches()) {
            throw new EventTypeRefused("columns: '" + line.strip() + "' is not 'column <- field' (a version's own field:"
                    + " 'column <- field, v2: other')");
        }
        String column = name(COLUMN, matcher.group(1), line, "a column (lower-case letters, digits and _)");
        String field = name(FIELD, matcher.group(2), line, "a field (letters, digits and _)");
        Map<Integer, String> byVersion = new TreeMap<>();
        Matcher version = VERSION.matcher(matcher.group(3));
        while (version.find()) {
            String versionField = name(FIELD, version.group(2), line, "a field (letters, digits and _)");
            if (byVersion.put(Integer.parseInt(version.group(1)), versionField) != null) {
                throw new EventTypeRefused("columns: '" + line.strip() + "' names version " + version.group(1) + " twice");
            }
        }
        return new ColumnMapping(column, field, byVersion);
    }

    private static String name(Pattern pattern, String name, String line, String what) {
        if (!pattern.matcher(name).matches()) {
            throw new EventTypeRefused("columns: '" + name + "' in '" + line.strip() + "' is not " + what);
        }
        return name;
    }
}
