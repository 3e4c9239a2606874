package dev.sluice.store;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.apache.camel.RuntimeExchangeException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RowParametersTest {

    private static final String INSERT = "INSERT INTO reviews (review_id, rating, reviewed_at)"
            + " VALUES (:?review_id, :?rating, CAST(:?ts AS timestamptz))";

    private final RowParameters strategy = new RowParameters();
    private final DefaultExchange exchange = new DefaultExchange(new DefaultCamelContext());

    @Test
    void bindsARowsValuesInTheStatementsOrder() throws Exception {
        Iterator<?> values = strategy.createPopulateIterator(INSERT, null, 3, exchange,
                Map.of("ts", "2026-01-31T12:00:00Z", "rating", 4, "review_id", "r-1", "unused", "x"));

        assertThat(list(values)).containsExactly("r-1", 4, "2026-01-31T12:00:00Z");
    }

    @Test
    void aRowWithoutANamedValueFailsNamingIt() {
        assertThatThrownBy(() -> strategy.createPopulateIterator(INSERT, null, 3, exchange,
                Map.of("review_id", "r-1", "ts", "2026-01-31T12:00:00Z")))
                .isInstanceOf(RuntimeExchangeException.class).hasMessageContaining("[rating]");
    }

    @Test
    void statementsWithExpressionsOrInListsAreLeftToCamelSql() {
        assertThat(RowParameters.plainNamesOf("INSERT INTO t VALUES (:?a, :?${header.b})")).isEmpty();
        assertThat(RowParameters.plainNamesOf("SELECT * FROM t WHERE id IN (:?in:ids)")).isEmpty();
        assertThat(RowParameters.plainNamesOf("INSERT INTO t VALUES (?)")).isEmpty();
        assertThat(RowParameters.plainNamesOf(INSERT)).contains(List.of("review_id", "rating", "ts"));
    }

    private static List<Object> list(Iterator<?> values) {
        List<Object> list = new ArrayList<>();
        values.forEachRemaining(list::add);
        return list;
    }
}
