package dev.sluice.store;

import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

import dev.sluice.event.ValidEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;
import org.apache.camel.support.ExpressionAdapter;

/**
 * The events of one store attempt, in the order they are to be applied, and, once the attempt's transaction has
 * committed, what each became ({@link StoreOutcome}): the store route's one result, the same on the batch path and on
 * the one-record path. An attempt that failed leaves nothing to read; one that the idempotent consumer found already
 * claimed (the one-record path) wrote nothing, and its event is a duplicate.
 */
public final class StoreChunk {

    /** The one-record path: a chunk of one, claimed by Camel's idempotent consumer before it is written. */
    public static final Predicate ONE_RECORD = exchange -> exchange.getMessage().getBody(StoreChunk.class).oneRecord;
    /** The one record's event id: the idempotent consumer's key. Plain Java: no camel-bean cache keeps chunks alive. */
    public static final Expression EVENT_ID = new ExpressionAdapter() {
        @Override
        public Object evaluate(Exchange exchange) {
            return exchange.getMessage().getBody(StoreChunk.class).events.get(0).claimId();
        }

        @Override
        public String toString() {
            return "chunk's event_id";
        }
    };

    private final List<ValidEvent> events;
    private final boolean oneRecord;
    private volatile StoreOutcome[] outcomes;

    private StoreChunk(List<ValidEvent> events, boolean oneRecord) {
        this.events = List.copyOf(events);
        this.oneRecord = oneRecord;
    }

    /** A chunk of the batch path: its statement claims the ids itself. */
    public static StoreChunk of(List<ValidEvent> events) {
        return new StoreChunk(events, false);
    }

    /** One record, on its own path. */
    public static StoreChunk ofOne(ValidEvent event) {
        return new StoreChunk(List.of(event), true);
    }

    public List<ValidEvent> events() {
        return events;
    }

    /** Set by the write, inside the attempt: every event applied but those the statement says otherwise. */
    void written(StoreOutcome[] outcomes) {
        this.outcomes = outcomes.clone();
    }

    /** Each event and what it became; call once the attempt returned without a failure. */
    public void forEachOutcome(BiConsumer<ValidEvent, StoreOutcome> outcome) {
        StoreOutcome[] written = outcomes;
        for (int i = 0; i < events.size(); i++) {
            outcome.accept(events.get(i), written == null ? StoreOutcome.DUPLICATE : written[i]);
        }
    }

    @Override
    public String toString() {
        return "StoreChunk" + (outcomes == null ? events.size() + " events" : Arrays.toString(outcomes));
    }
}
