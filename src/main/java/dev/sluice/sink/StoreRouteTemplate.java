package dev.sluice.sink;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The store route every event type is made from: {@code direct:store-<type>} takes a batch of rows (a whole batch from
 * ingest, or one row from ingest-one) and writes it through the database circuit breaker, in one transaction per
 * attempt that holds both the idempotency markers and the rows. An event type only names itself and its table's
 * INSERT, in a {@code templatedRoute} under {@code routes-yaml/event-types/} (see {@code docs/pipeline.md}, "Adding an
 * event type"); what must hold for every type is written here once, where a live edit cannot reach it.
 * <p>
 * No error handler of its own ({@code propagate-failures}): failures surface to the caller, which owns retries and
 * dead letters.
 */
@Component
public class StoreRouteTemplate extends RouteBuilder {

    public static final String ID = "store-event-type";
    /** A template parameter that only the reload's build check sets: it builds the route without starting it. */
    public static final String AUTO_STARTUP = "autoStartup";

    @Override
    public void configure() {
        routeTemplate(ID)
                .templateParameter("eventType", null, "the event_type this route stores; its route is store-<type>")
                .templateParameter("insert", null, "the INSERT for one row, its values bound by name from the row "
                        + "(:#field), ending with ON CONFLICT on the table's natural key")
                .templateParameter(AUTO_STARTUP, "true", "false only while live reload checks that an edit builds")
                .from("direct:store-{{eventType}}")
                    .routeConfigurationId("propagate-failures")
                    .autoStartup("{{" + AUTO_STARTUP + "}}")
                    // Only an unavailable database counts (DatabaseCircuitBreaker). While it is open, attempts fail
                    // fast with CallNotPermittedException, which the error handler treats as transient. Without
                    // throwExceptionWhenHalfOpenOrOpenState an open breaker would complete the exchange with no
                    // exception, and the offsets would be committed for events that were never written.
                    .circuitBreaker().id("database-breaker")
                        .resilience4jConfiguration()
                            .circuitBreaker("databaseCircuitBreaker")
                            .throwExceptionWhenHalfOpenOrOpenState(true)
                        .end()
                        .policy("attemptTransaction").id("attempt-transaction")
                            // The idempotent consumer for a batch: one INSERT ... ON CONFLICT DO NOTHING RETURNING
                            // marks the batch's event ids and keeps the rows seen for the first time.
                            .bean("eventIdRepository", "claimFirstSeen").id("dedupe")
                            .filter(simple("${header.sluiceFirstSeen} > 0")).id("any-first-seen")
                                // batchAutoCommitDisabled=false: camel-sql would otherwise commit the connection
                                // itself after the batch, taking the markers out of the attempt's transaction.
                                // rowParameters binds each row by name like camel-sql, parsing the statement once.
                                .to("sql:{{insert}}?batch=true&batchAutoCommitDisabled=false"
                                        + "&prepareStatementStrategy=#rowParameters&noop=true").id("sink")
                            .end()
                        .end()
                    .endCircuitBreaker();
    }
}
