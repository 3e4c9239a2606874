package dev.sluice.ingest;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.sluice.event.RejectedEventException;
import dev.sluice.event.ValidEvent;
import dev.sluice.store.EventType;
import dev.sluice.store.EventTypes;
import dev.sluice.store.StoreChunk;
import dev.sluice.validate.EventValidator;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;

/**
 * The ingest route's first step: validates every record of a poll and sorts it into an {@link IngestBatch}. Records
 * that fail validation are set aside as rejected, with their reason, to be dead-lettered with their own bytes
 * ({@link RejectedRecords}); they never hold up the rest of the batch, and neither do valid records whose event type has no running store route
 * ({@link EventTypes}).
 */
public class BatchAdmission {

    private final EventValidator validator;
    private final EventTypes eventTypes;
    private final Duration deadline;

    public BatchAdmission(EventValidator validator, EventTypes eventTypes, Duration deadline) {
        this.validator = validator;
        this.eventTypes = eventTypes;
        this.deadline = deadline;
    }

    /** The body camel-kafka's batching consumer delivers: one exchange per record, in poll order. */
    @Handler
    public IngestBatch admit(@Body List<Exchange> records) {
        IngestBatch batch = new IngestBatch(records, deadline);
        // Asked once per type and batch, not per event: a batch is one moment for the routes.
        Map<String, Optional<EventType>> routed = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            Exchange record = records.get(i);
            Message message = record.getMessage();
            try {
                ValidEvent event = validator.validate(message.getBody(byte[].class), message, batch.sources().get(i));
                Optional<EventType> type = routed.computeIfAbsent(event.eventType(), eventTypes::running);
                if (type.isPresent()) {
                    batch.admit(type.get(), event, record);
                } else {
                    // Dead-lettered at once as unroutable; never sent to a missing route.
                    batch.reject(record, EventTypes.unroutable(event.eventType()));
                }
            } catch (RejectedEventException e) {
                batch.reject(record, e);
            }
        }
        // What follows (the batch's writes, its commit) is about many events, and must not be logged under the id of
        // the last one validated.
        validator.forgetEventId();
        return batch;
    }

    /** For the one-by-one path: the validated event as a chunk of one, which its store route claims on its own. */
    public StoreChunk oneRecord(@Body ValidEvent event) {
        return StoreChunk.ofOne(event);
    }
}
