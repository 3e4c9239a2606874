package dev.sluice.store;

import dev.sluice.failure.PipelineErrorHandling;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The store route every event type is made from: {@code direct:store-<type>} writes events of that type through the
 * database circuit breaker, in one transaction per attempt that holds the idempotency markers, the rows and the record
 * of what was superseded. It takes either a {@link StoreChunk} (the batch path: one claim statement for the chunk's ids,
 * one batched statement for the rows seen for the first time) or one row (the one-record path: Camel's idempotent
 * consumer, then one statement).
 * <p>
 * An event type names itself, its write mode, its table and key, and its statement, in a {@code templatedRoute} under
 * {@code routes-yaml/event-types/} (see {@code docs/write-modes.md}); what must hold for every type is written here
 * once, where a live edit cannot reach it. Every claimed event is either applied or recorded in
 * {@code superseded_events} ({@link SupersededEvents}): a creation that finds its row already created is a
 * {@code conflict}, a change older than the row's state is {@code stale}. No error handler of its own: failures surface
 * to the caller, which owns retries and dead letters.
 */
@Component
public class StoreRouteTemplate extends RouteBuilder {

    public static final String ID = "store-event-type";
    /** A template parameter that only the reload's build check sets: it builds the route without starting it. */
    public static final String AUTO_STARTUP = "autoStartup";

    /**
     * The type's statement for one row, its values bound by name from the row. batchAutoCommitDisabled=false:
     * camel-sql would otherwise commit the connection itself after a batch, taking the markers out of the attempt's
     * transaction. rowParameters binds each row by name like camel-sql, parsing the statement once.
     */
    private static final String SQL_OPTIONS = "?batchAutoCommitDisabled=false&prepareStatementStrategy=#rowParameters"
            + "&noop=true";
    /**
     * Mode insert: the plain statement, which the driver rewrites into multi-row INSERTs (the fast path for the bulk of
     * the traffic); the creations it did not apply are found afterwards, by their event_id missing from the table.
     */
    private static final String INSERT = "sql:{{write}}" + SQL_OPTIONS;
    /**
     * Modes upsert and delete: the statement inside a CTE that records the event as superseded when the statement
     * changed no row (its guard found the row newer, or deleted). A statement per row: changes to one row within a
     * chunk are applied one after the other, which a multi-row statement could not do.
     */
    private static final String CHANGE = "sql:WITH applied AS ({{write}} RETURNING 1) " + SupersededEvents.RECORD_STALE
            + SQL_OPTIONS;

    private static final String INSERT_MODE = "'{{mode}}' == 'insert'";
    private static final String CHANGE_MODE = "'{{mode}}' in 'upsert,delete'";
    private static final String READ_STALE = "readStale(${exchange}, '{{eventType}}')";
    private static final String CONFLICTS = "recordConflicts(${exchange}, '{{table}}', '{{key}}', '{{eventType}}')";

    @Override
    public void configure() {
        routeTemplate(ID)
                .templateParameter("eventType", null, "the event_type this route stores; its route is store-<type>")
                .templateParameter("mode", "insert", "insert (a creation: a second one for the same key is a "
                        + "conflict), upsert or delete (a change, applied only if newer than the row)")
                .templateParameter("table", null, "the table the statement writes")
                .templateParameter("key", null, "the payload field that is the row's key (its ON CONFLICT column)")
                .templateParameter("write", null, "the INSERT for one row, its values bound by name from the row "
                        + "(:#field), ending with ON CONFLICT on the key; in modes upsert and delete, DO UPDATE ... "
                        + "WHERE the event is newer than the row")
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
                                        .choice().id("chunk-by-mode")
                                            .when(simple(INSERT_MODE))
                                                .to(INSERT + "&batch=true").id("insert-chunk")
                                                .bean("supersededEvents", CONFLICTS).id("record-conflicts-chunk")
                                            .when(simple(CHANGE_MODE))
                                                .to(CHANGE + "&batch=true").id("change-chunk")
                                                .bean("supersededEvents", READ_STALE).id("read-stale-chunk")
                                            .otherwise()
                                                .bean("supersededEvents", "unknownMode('{{mode}}')")
                                        .end()
                                    .end()
                                .endChoice()
                                .otherwise()
                                    // The marker is added in this transaction: the rollback takes it back, so Camel
                                    // must not delete it on failure (a statement in an aborted transaction fails).
                                    .idempotentConsumer(EventRows.EVENT_ID_OF_ROW)
                                            .idempotentRepository("eventIdRepository")
                                            .removeOnFailure(false)
                                            .id("claim-one")
                                        .choice().id("one-by-mode")
                                            .when(simple(INSERT_MODE))
                                                .to(INSERT).id("insert-one")
                                                .bean("supersededEvents", CONFLICTS).id("record-conflict-one")
                                            .when(simple(CHANGE_MODE))
                                                .to(CHANGE).id("change-one")
                                                .bean("supersededEvents", READ_STALE).id("read-stale-one")
                                            .otherwise()
                                                .bean("supersededEvents", "unknownMode('{{mode}}')")
                                        .end()
                                    .end()
                            .end()
                        .end()
                    .endCircuitBreaker();
    }
}
