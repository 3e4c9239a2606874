package dev.sluice.store;

import dev.sluice.failure.PipelineErrorHandling;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The store route every event type is made from: {@code direct:store-<type>} writes events of that type through the
 * database circuit breaker, in one transaction per attempt that holds both the idempotency markers and the rows. It
 * takes either a {@link StoreChunk} (the batch path: one claim statement for the chunk's ids, one batched INSERT of the
 * rows seen for the first time) or one row (the one-record path: Camel's idempotent consumer, then one INSERT).
 * <p>
 * An event type only names itself and its table's INSERT, in a {@code templatedRoute} under
 * {@code routes-yaml/event-types/} (see {@code docs/pipeline.md}, "Adding an event type"); what must hold for every
 * type is written here once, where a live edit cannot reach it. No error handler of its own: failures surface to the
 * caller, which owns retries and dead letters.
 */
@Component
public class StoreRouteTemplate extends RouteBuilder {

    public static final String ID = "store-event-type";
    /** A template parameter that only the reload's build check sets: it builds the route without starting it. */
    public static final String AUTO_STARTUP = "autoStartup";

    /**
     * The type's INSERT, its values bound by name from the row. batchAutoCommitDisabled=false: camel-sql would
     * otherwise commit the connection itself after a batch, taking the markers out of the attempt's transaction.
     * rowParameters binds each row by name like camel-sql, parsing the statement once.
     */
    private static final String INSERT = "sql:{{insert}}?batchAutoCommitDisabled=false"
            + "&prepareStatementStrategy=#rowParameters&noop=true";

    @Override
    public void configure() {
        routeTemplate(ID)
                .templateParameter("eventType", null, "the event_type this route stores; its route is store-<type>")
                .templateParameter("insert", null, "the INSERT for one row, its values bound by name from the row "
                        + "(:#field), ending with ON CONFLICT on the table's natural key")
                .templateParameter(AUTO_STARTUP, "true", "false only while live reload checks that an edit builds")
                .from("direct:store-{{eventType}}")
                    .routeConfigurationId(PipelineErrorHandling.PROPAGATE_FAILURES)
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
                            .choice().id("chunk-or-one")
                                .when(body().isInstanceOf(StoreChunk.class))
                                    .bean("eventIdRepository", "claimFirstSeen").id("claim-chunk")
                                    .filter(StoreChunk.ANY_FIRST_SEEN).id("any-first-seen")
                                        .to(INSERT + "&batch=true").id("insert-chunk")
                                    .endChoice()
                                .otherwise()
                                    // The marker is added in this transaction: the rollback takes it back, so Camel
                                    // must not delete it on failure (a statement in an aborted transaction fails).
                                    .idempotentConsumer(EventRows.EVENT_ID_OF_ROW)
                                            .idempotentRepository("eventIdRepository")
                                            .removeOnFailure(false)
                                            .id("claim-one")
                                        .to(INSERT).id("insert-one")
                                    .end()
                            .end()
                        .end()
                    .endCircuitBreaker();
    }
}
