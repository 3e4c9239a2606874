package dev.sluice.store;

import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;

/**
 * One event type's store, made for its route from its declaration ({@link EventTypeStores}): the write of a chunk (the
 * batch path, which claims its ids in the same statement) and of one record (claimed before by Camel's idempotent
 * consumer). As the route's policy, it tells {@link EventTypes} when its route starts and stops.
 */
public final class EventTypeStore extends RoutePolicySupport {

    private final EventType type;
    private final StoreWrite chunk;
    private final StoreWrite claimed;
    private final EventTypes registry;

    EventTypeStore(EventType type, StoreWrite chunk, StoreWrite claimed, EventTypes registry) {
        this.type = type;
        this.chunk = chunk;
        this.claimed = claimed;
        this.registry = registry;
    }

    public EventType type() {
        return type;
    }

    /** The batch path's write: claims, applies and records in one statement. */
    public Processor chunkWriter() {
        return exchange -> chunk.write(exchange.getMessage().getBody(StoreChunk.class));
    }

    /** The one-record path's write, after the idempotent consumer claimed its id. */
    public Processor claimedWriter() {
        return exchange -> claimed.write(exchange.getMessage().getBody(StoreChunk.class));
    }

    @Override
    public void onStart(Route route) {
        registry.started(type);
    }

    @Override
    public void onStop(Route route) {
        registry.stopped(type);
    }

    @Override
    public void onRemove(Route route) {
        registry.stopped(type);
    }
}
