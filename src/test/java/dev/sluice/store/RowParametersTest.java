package dev.sluice.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.RuntimeExchangeException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RowParametersTest {

    private static final String INSERT = "INSERT INTO reviews (review_id, rating, reviewed_at)"
            + " VALUES (:?review_id, :?rating, CAST(:?ts AS timestamptz))";

    /** As if review_created v1 declared review_id, rating and text, and v2 review_id, rating, body and title. */
    private final RowParameters strategy = new RowParameters(
            (type, version) -> !type.equals("review_created") ? Set.of()
                    : version == 1 ? Set.of("review_id", "rating", "text")
                    : version == 2 ? Set.of("review_id", "rating", "body", "title") : Set.of(),
            type -> type.equals("review_created") ? Set.of("review_id", "rating", "text", "body", "title") : Set.of());
    private final DefaultExchange exchange = new DefaultExchange(new DefaultCamelContext());

    @Test
    void bindsARowsValuesInTheStatementsOrder() throws Exception {
        Iterator<?> values = strategy.createPopulateIterator(INSERT, null, 3, exchange,
                Map.of("ts", "2026-01-31T12:00:00Z", "rating", 4, "review_id", "r-1", "unused", "x"));

        assertThat(list(values)).containsExactly("r-1", 4, "2026-01-31T12:00:00Z");
    }

    @Test
    void aNameNoSchemaOfTheRowsTypeDeclaresFailsNamingIt() {
        assertThatThrownBy(() -> strategy.createPopulateIterator(INSERT, null, 3, exchange,
                Map.of("event_type", "order_placed", "review_id", "r-1", "ts", "2026-01-31T12:00:00Z")))
                .isInstanceOf(RuntimeExchangeException.class).hasMessageContaining("[rating]");
        assertThatThrownBy(() -> strategy.createPopulateIterator(TITLED, null, 2, exchange,
                Map.of("event_type", "review_created", "schema_version", 1, "review_id", "r-1")))
                .isInstanceOf(RuntimeExchangeException.class).hasMessageContaining("[subtitle]");
    }

    @Test
    void aFieldTheEventLacksButASchemaOfItsTypeDeclaresBindsNull() throws Exception {
        Map<String, Object> v1 = new HashMap<>(Map.of("event_type", "review_created", "schema_version", 1,
                "review_id", "r-1", "text", "t"));
        Map<String, Object> v2 = new HashMap<>(Map.of("event_type", "review_created", "schema_version", 2,
                "review_id", "r-2", "body", "b"));

        assertThat(list(strategy.createPopulateIterator(VERSIONED, null, 4, exchange, v1)))
                .containsExactly("r-1", null, "t", null);
        assertThat(list(strategy.createPopulateIterator(VERSIONED, null, 4, exchange, v2)))
                .containsExactly("r-2", "b", null, null);
    }

    @Test
    void aFieldOnlyAnotherVersionDeclaresBindsNullWhateverTheEventSentUnderThatName() throws Exception {
        // A v1 event may carry extra payload fields (its schema allows them): a stray body must not win over its text.
        Map<String, Object> v1 = new HashMap<>(Map.of("event_type", "review_created", "schema_version", 1,
                "review_id", "r-1", "text", "t", "body", "stray", "title", 42));

        assertThat(list(strategy.createPopulateIterator(VERSIONED, null, 4, exchange, v1)))
                .containsExactly("r-1", null, "t", null);
    }

    @Test
    void statementsWithExpressionsOrInListsAreLeftToCamelSql() {
        assertThat(RowParameters.plainNamesOf("INSERT INTO t VALUES (:?a, :?${header.b})")).isEmpty();
        assertThat(RowParameters.plainNamesOf("SELECT * FROM t WHERE id IN (:?in:ids)")).isEmpty();
        assertThat(RowParameters.plainNamesOf("INSERT INTO t VALUES (?)")).isEmpty();
        assertThat(RowParameters.plainNamesOf(INSERT)).contains(List.of("review_id", "rating", "ts"));
    }

    private static final String VERSIONED = "INSERT INTO reviews (review_id, review_text, title) VALUES"
            + " (:?review_id, COALESCE(:?body, :?text), :?title)";
    private static final String TITLED = "INSERT INTO reviews (review_id, title) VALUES (:?review_id, :?subtitle)";

    private static List<Object> list(Iterator<?> values) {
        List<Object> list = new ArrayList<>();
        values.forEachRemaining(list::add);
        return list;
    }
}
