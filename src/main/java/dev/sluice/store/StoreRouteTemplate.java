package dev.sluice.store;

import dev.sluice.failure.PipelineErrorHandling;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.springframework.stereotype.Component;

/**
 * The store route of every event type, written once: an event type's file under {@code routes-yaml/event-types/} is a
 * {@code templatedRoute} of this template that declares the type (its name, mode, table, key and columns:
 * {@link EventType}) and nothing else. Route {@code store-<event_type>} ({@link EventTypes#routeId}) writes that type's
 * events through the database circuit breaker, in one transaction per attempt:
 * <ul>
 * <li>a chunk of the batch path, with the one statement generated for the type ({@link StoreStatement}): it claims the
 * events' ids, applies them in order under the ordering guard, and records what changed nothing;</li>
 * <li>one record (the slow path), through Camel's idempotent consumer on the same markers, then the same statement
 * without its claim.</li>
 * </ul>
 * The chunk tells its caller what each event became ({@link StoreChunk}). The guarantees are in the generated
 * statement, which no live edit can reach; a declaration the live table cannot take is refused before a route is
 * built ({@link EventTypeStores}). No error handler of its own: failures surface to the caller, which owns retries and
 * dead letters.
 */
@Component
public class StoreRouteTemplate extends RouteBuilder {

    public static final String ID = "store-event-type";
    /** A template parameter that only the reload's build check sets: it builds the route without starting it. */
    public static final String AUTO_STARTUP = "autoStartup";
    /** The registry bean that builds each type's store (a bean of the app, and of the Camel CLI's beans file). */
    public static final String STORES = "eventTypeStores";

    /** The route's own beans, made for it from its declaration when the route is built. */
    private static final String STORE = "eventTypeStore";
    private static final String WRITE_CHUNK = "writeChunk";
    private static final String WRITE_ONE = "writeOne";

    @Override
    public void configure() {
        // The route's id comes from its event type, so no file has to repeat it.
        ((ModelCamelContext) getContext()).addRouteTemplateDefinitionConverter(ID, (template, parameters) -> {
            RouteDefinition route = template.asRouteDefinition();
            route.setId(EventTypes.routeId(EventType.declared(parameters).name()));
            return route;
        });
        routeTemplate(ID)
                .templateParameter(EventType.EVENT_TYPE, null, "the event_type this route stores")
                .templateParameter(EventType.MODE, null, "insert (a creation), upsert or delete (changes, applied only"
                        + " if newer than the row)")
                .templateParameter(EventType.TABLE, null, "the table its events change")
                .templateParameter(EventType.KEY, null, "the column that identifies a row (a unique index of its own)")
                .templateParameter(EventType.COLUMNS, "", "one 'column <- field' per line; 'column <- field, v2: other'"
                        + " where a schema version renamed the field")
                .templateParameter(EventType.WRITE, "", "mode insert only: a statement of one's own instead of the"
                        + " generated one")
                .templateParameter(AUTO_STARTUP, "true", "false only while live reload checks that an edit builds")
                .configure(route -> {
                    EventTypeStore store = route.getCamelContext().getRegistry()
                            .lookupByNameAndType(STORES, EventTypeStores.class).build(route.getParameters());
                    route.bind(STORE, EventTypeStore.class, store);
                    route.bind(WRITE_CHUNK, Processor.class, store.chunkWriter());
                    route.bind(WRITE_ONE, Processor.class, store.claimedWriter());
                })
                .from("direct:" + EventTypes.routeId("{{" + EventType.EVENT_TYPE + "}}"))
                    .routeConfigurationId(PipelineErrorHandling.PROPAGATE_FAILURES)
                    .autoStartup("{{" + AUTO_STARTUP + "}}")
                    // Tells EventTypes when the route starts and stops: admission routes only to running types.
                    .routePolicyRef("{{" + STORE + "}}")
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
                                .when(StoreChunk.ONE_RECORD)
                                    // The marker is added in this transaction: the rollback takes it back, so Camel
                                    // must not delete it on failure (a statement in an aborted transaction fails).
                                    .idempotentConsumer(StoreChunk.EVENT_ID)
                                            .idempotentRepository("eventIdRepository")
                                            .removeOnFailure(false)
                                            .id("claim-one")
                                        .process("{{" + WRITE_ONE + "}}").id("write-one")
                                    .end()
                                .endChoice()
                                .otherwise()
                                    // Claim, apply under the guard, record what changed nothing: one statement.
                                    .process("{{" + WRITE_CHUNK + "}}").id("write-chunk")
                            .end()
                        .end()
                    .endCircuitBreaker();
    }
}
