package dev.sluice.store;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.RuntimeExchangeException;
import org.apache.camel.component.sql.DefaultSqlPrepareStatementStrategy;

/**
 * camel-sql's statement strategy for the store routes' batch INSERTs, binding each row of a batch by name as camel-sql
 * does, without parsing the statement again for every row. camel-sql matches its named-parameter pattern against the
 * whole statement once per row of a batch; for a 500-row batch that regex work was a fifth of the consumer thread.
 * Here a statement's names are read once. A statement with anything but plain names ({@code :#${...}},
 * {@code :#in:...}), or a row that is not a map, is left to camel-sql.
 * <p>
 * A name the row lacks binds NULL when a schema of the row's event type declares it: an optional field, or one that
 * only some schema versions have, so that one INSERT can write every version ({@code COALESCE(:#body, :#text)}). Any
 * other missing name is a mistake in the INSERT and fails the row, naming it.
 */
public class RowParameters extends DefaultSqlPrepareStatementStrategy {

    /** The payload fields some schema version of an event type declares. */
    @FunctionalInterface
    public interface DeclaredFields {
        Set<String> of(String eventType);
    }

    /** A named parameter as camel-sql sees it once its placeholder {@code #} is resolved to {@code ?}. */
    private static final Pattern PARAMETER = Pattern.compile(":\\?(\\$\\{|\\$simple\\{|in:)?(\\w+)");

    private final Map<String, Optional<List<String>>> plainNames = new ConcurrentHashMap<>();
    private final DeclaredFields declaredFields;

    public RowParameters(DeclaredFields declaredFields) {
        this.declaredFields = declaredFields;
    }

    @Override
    public Iterator<?> createPopulateIterator(String query, String preparedQuery, int expectedParams, Exchange exchange,
                                              Object value) throws SQLException {
        Optional<List<String>> names = plainNames.computeIfAbsent(query, RowParameters::plainNamesOf);
        if (names.isEmpty() || !(value instanceof Map<?, ?> row)) {
            return super.createPopulateIterator(query, preparedQuery, expectedParams, exchange, value);
        }
        List<Object> values = new ArrayList<>(names.get().size());
        for (String name : names.get()) {
            if (row.containsKey(name)) {
                values.add(row.get(name));
            } else if (declaredFields.of(String.valueOf(row.get(EventRows.EVENT_TYPE))).contains(name)) {
                values.add(null);
            } else {
                throw new RuntimeExchangeException("Cannot find key [" + name + "] in the row to use when setting"
                        + " named parameter in query [" + query + "], and no schema of its event type declares it",
                        exchange);
            }
        }
        return values.iterator();
    }

    static Optional<List<String>> plainNamesOf(String query) {
        List<String> names = new ArrayList<>();
        Matcher parameter = PARAMETER.matcher(query);
        while (parameter.find()) {
            if (parameter.group(1) != null) {
                return Optional.empty();
            }
            names.add(parameter.group(2));
        }
        return names.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(names));
    }
}
