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

/** The dead-letter route's row bound by name, its statement's names read once. */
class RowParametersTest {

    private static final String INSERT = "INSERT INTO dlq_events (reason, attempts, first_failed_at)"
            + " VALUES (:?reason, :?attempts, CAST(:?first_failed_at AS timestamptz))";

    private final RowParameters strategy = new RowParameters();
    private final DefaultExchange exchange = new DefaultExchange(new DefaultCamelContext());

    @Test
    void bindsARowsValuesInTheStatementsOrder() throws Exception {
        Iterator<?> values = strategy.createPopulateIterator(INSERT, null, 3, exchange,
                Map.of("first_failed_at", "2026-01-31T12:00:00Z", "attempts", 4, "reason", "invalid", "unused", "x"));

        assertThat(list(values)).containsExactly("invalid", 4, "2026-01-31T12:00:00Z");
    }

    @Test
    void aNameTheRowLacksFailsNamingIt() {
        assertThatThrownBy(() -> strategy.createPopulateIterator(INSERT, null, 3, exchange,
                Map.of("reason", "invalid", "first_failed_at", "2026-01-31T12:00:00Z")))
                .isInstanceOf(RuntimeExchangeException.class).hasMessageContaining("[attempts]");
    }

    @Test
    void statementsWithExpressionsOrInListsAreLeftToCamelSql() {
        assertThat(RowParameters.plainNamesOf("INSERT INTO t VALUES (:?a, :?${header.b})")).isEmpty();
        assertThat(RowParameters.plainNamesOf("SELECT * FROM t WHERE id IN (:?in:ids)")).isEmpty();
        assertThat(RowParameters.plainNamesOf("INSERT INTO t VALUES (?)")).isEmpty();
        assertThat(RowParameters.plainNamesOf(INSERT)).contains(List.of("reason", "attempts", "first_failed_at"));
    }

    private static List<Object> list(Iterator<?> values) {
        List<Object> list = new ArrayList<>();
        values.forEachRemaining(list::add);
        return list;
    }
}
