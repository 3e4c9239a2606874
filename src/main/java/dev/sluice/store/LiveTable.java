package dev.sluice.store;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import javax.sql.DataSource;

/**
 * A table as the database itself describes it (JDBC's {@link DatabaseMetaData}): its columns with their types, and the
 * columns that have a unique index of their own, which {@code ON CONFLICT} needs. Read when an event type is built,
 * at startup and at each reload, so a declaration is checked against what is there, not against what it says.
 */
record LiveTable(String name, Map<String, Column> columns, Set<String> uniqueColumns) {

    /** A column: PostgreSQL's name of its type ({@code text}, {@code int2}, {@code timestamptz}...). */
    record Column(String name, String type, boolean nullable, boolean hasDefault) {
    }

    boolean exists() {
        return !columns.isEmpty();
    }

    boolean has(String column) {
        return columns.containsKey(column);
    }

    Column column(String name) {
        return columns.get(name);
    }

    static LiveTable read(DataSource dataSource, String table) {
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData metadata = connection.getMetaData();
            int dot = table.indexOf('.');
            String schema = dot < 0 ? connection.getSchema() : table.substring(0, dot);
            String name = dot < 0 ? table : table.substring(dot + 1);
            Map<String, Column> columns = new LinkedHashMap<>();
            try (ResultSet rows = metadata.getColumns(null, schema, name, null)) {
                while (rows.next()) {
                    String column = rows.getString("COLUMN_NAME");
                    columns.put(column, new Column(column, rows.getString("TYPE_NAME"),
                            rows.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls,
                            rows.getString("COLUMN_DEF") != null
                                    || "YES".equals(rows.getString("IS_GENERATEDCOLUMN"))));
                }
            }
            return new LiveTable(table, columns, uniqueColumns(metadata, schema, name));
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the database's description of table " + table + ": "
                    + e.getMessage(), e);
        }
    }

    /** The columns with a unique index of their own, on the whole table (a partial index cannot serve ON CONFLICT). */
    private static Set<String> uniqueColumns(DatabaseMetaData metadata, String schema, String table) throws SQLException {
        Map<String, TreeMap<Short, String>> indexes = new HashMap<>();
        Set<String> partial = new TreeSet<>();
        try (ResultSet rows = metadata.getIndexInfo(null, schema, table, true, false)) {
            while (rows.next()) {
                String index = rows.getString("INDEX_NAME");
                String column = rows.getString("COLUMN_NAME");
                if (index == null || column == null) {
                    continue;
                }
                indexes.computeIfAbsent(index, i -> new TreeMap<>()).put(rows.getShort("ORDINAL_POSITION"), column);
                if (rows.getString("FILTER_CONDITION") != null) {
                    partial.add(index);
                }
            }
        }
        Set<String> unique = new TreeSet<>();
        indexes.forEach((index, columns) -> {
            if (columns.size() == 1 && !partial.contains(index)) {
                unique.add(columns.firstEntry().getValue());
            }
        });
        return unique;
    }
}
