package dev.sluice.store;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
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
 * One INSERT writes every schema version of its event type ({@code COALESCE(:#body, :#text)}), so a name is bound by
 * what the row's own version declares: a field another version declares but this one does not binds NULL, whatever the
 * event sent under that name (a v1 event's stray {@code body} must not win over its {@code text}); a field its version
 * declares but the event left out binds NULL; any other name binds the row's value. A name no row has and no schema
 * declares is a mistake in the INSERT and fails the row, naming it.
 */
public class RowParameters extends DefaultSqlPrepareStatementStrategy {

    /** The payload fields the schemas declare for a row: by its type's version, and by any version of its type. */
    private record Declared(Set<String> byItsVersion, Set<String> byAnyVersion) {

        boolean byAnotherVersionOnly(String name) {
            return byAnyVersion.contains(name) && !byItsVersion.contains(name);
        }
    }

    /** A named parameter as camel-sql sees it once its placeholder {@code #} is resolved to {@code ?}. */
    private static final Pattern PARAMETER = Pattern.compile(":\\?(\\$\\{|\\$simple\\{|in:)?(\\w+)");

    private final Map<String, Optional<List<String>>> plainNames = new ConcurrentHashMap<>();
    private final BiFunction<String, Integer, Set<String>> fieldsOfVersion;
    private final Function<String, Set<String>> fieldsOfAnyVersion;
    /** By event type, then schema version: asked once each, as a row's binding is on the consumer's hot path. */
    private final Map<String, Map<Integer, Declared>> declared = new ConcurrentHashMap<>();

    /** With the payload fields declared by an event type's version, and by any version of the type. */
    public RowParameters(BiFunction<String, Integer, Set<String>> fieldsOfVersion,
                         Function<String, Set<String>> fieldsOfAnyVersion) {
        this.fieldsOfVersion = fieldsOfVersion;
        this.fieldsOfAnyVersion = fieldsOfAnyVersion;
    }

    @Override
    public Iterator<?> createPopulateIterator(String query, String preparedQuery, int expectedParams, Exchange exchange,
                                              Object value) throws SQLException {
        Optional<List<String>> names = plainNames.computeIfAbsent(query, RowParameters::plainNamesOf);
        if (names.isEmpty() || !(value instanceof Map<?, ?> row)) {
            return super.createPopulateIterator(query, preparedQuery, expectedParams, exchange, value);
        }
        String type = String.valueOf(row.get(EventRows.EVENT_TYPE));
        int version = row.get(EventRows.SCHEMA_VERSION) instanceof Number number ? number.intValue() : -1;
        Declared declared = this.declared.computeIfAbsent(type, t -> new ConcurrentHashMap<>()).computeIfAbsent(version,
                v -> new Declared(fieldsOfVersion.apply(type, v), fieldsOfAnyVersion.apply(type)));
        List<Object> values = new ArrayList<>(names.get().size());
        for (String name : names.get()) {
            if (declared.byAnotherVersionOnly(name) && !EventRows.isEnvelope(name)) {
                values.add(null);
            } else if (row.containsKey(name)) {
                values.add(row.get(name));
            } else if (declared.byItsVersion().contains(name)) {
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
