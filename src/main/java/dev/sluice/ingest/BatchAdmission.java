package dev.sluice.ingest;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.sluice.event.EventHeaders;
import dev.sluice.event.RejectedEventException;
import dev.sluice.store.EventRows;
import dev.sluice.validate.EventValidator;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;

/**
 * The ingest route's first step: validates every record of a poll and sorts it into an {@link IngestBatch}, its rows
 * by event type. Records that fail validation are set aside as rejected, to be dead-lettered one by one with their
 * own reason and bytes; they never hold up the rest of the batch, and neither do valid records whose event type has no
 * running store route ({@link StoreRoutes}).
 */
public class BatchAdmission {

    private final EventValidator validator;
    private final StoreRoutes storeRoutes;
    private final Duration deadline;

    public BatchAdmission(EventValidator validator, StoreRoutes storeRoutes, Duration deadline) {
        this.validator = validator;
        this.storeRoutes = storeRoutes;
        this.deadline = deadline;
    }

    /** The body camel-kafka's batching consumer delivers: one exchange per record, in poll order. */
    @Handler
    public IngestBatch admit(@Body List<Exchange> records) {
        IngestBatch batch = new IngestBatch(records, deadline);
        // Asked once per type and batch, not per event: a batch is one moment for the routes.
        Map<String, Boolean> routed = new HashMap<>();
        for (Exchange record : records) {
            Message message = record.getMessage();
            try {
                Map<String, Object> event = validator.validate(message.getBody(byte[].class), message);
                String type = message.getHeader(EventHeaders.EVENT_TYPE, String.class);
                if (routed.computeIfAbsent(type, storeRoutes::isRunning)) {
                    batch.admit(type, EventRows.row(event, message), record);
                } else {
                    // Dead-lettered at once as unroutable on the per-record route; never sent to a missing route.
                    batch.reject(record);
                }
            } catch (RejectedEventException e) {
                batch.reject(record);
            }
        }
        // What follows (the batch's writes, its commit) is about many events, and must not be logged under the id of
        // the last one validated.
        validator.forgetEventId();
        return batch;
    }

    /** For the one-by-one path: the validated event as the row its store route writes. */
    public Map<String, Object> singleRow(@Body Map<String, Object> event, Message record) {
        return EventRows.row(event, record);
    }
}
