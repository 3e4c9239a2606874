package dev.sluice.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.sluice.validate.EventHeaders;
import dev.sluice.validate.EventValidator;
import dev.sluice.validate.RejectedEventException;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;

/**
 * The first step of a polled batch: validates every record and sorts the batch into one message per event type
 * (body: the type's rows, {@link EventRows}; header {@value EventHeaders#EVENT_TYPE}; header {@value #RECORDS}: the
 * records behind those rows, for the one-by-one path if the batched write fails). Records that fail validation are set
 * aside in {@value #REJECTED}, to be dead-lettered one by one with their own reason and bytes; they never hold up the
 * rest of the batch, and neither do valid records whose event type has no running store route ({@link StoreRoutes}).
 * The batch's records stay in {@value #BATCH} for the offset commit, and its deadline starts ({@link BatchProgress}).
 */
public class BatchAdmission {

    public static final String BATCH = "sluiceBatch";
    public static final String REJECTED = "sluiceRejected";
    public static final String RECORDS = "sluiceRecords";
    public static final String ADMITTED = "sluiceAdmitted";

    private final EventValidator validator;
    private final StoreRoutes storeRoutes;
    private final Duration deadline;

    public BatchAdmission(EventValidator validator, StoreRoutes storeRoutes, Duration deadline) {
        this.validator = validator;
        this.storeRoutes = storeRoutes;
        this.deadline = deadline;
    }

    @Handler
    public List<Message> admit(Exchange batch) {
        List<Exchange> records = KafkaBatch.records(batch);
        Map<String, List<Map<String, Object>>> rowsByType = new LinkedHashMap<>();
        Map<String, List<Exchange>> recordsByType = new LinkedHashMap<>();
        List<Exchange> rejected = new ArrayList<>();
        // Asked once per type and batch, not per event: a batch is one moment for the routes.
        Map<String, Boolean> routed = new HashMap<>();
        for (Exchange record : records) {
            Message message = record.getMessage();
            try {
                Map<String, Object> event = validator.validate(message.getBody(byte[].class), message);
                String type = message.getHeader(EventHeaders.EVENT_TYPE, String.class);
                if (!routed.computeIfAbsent(type, storeRoutes::isRunning)) {
                    // Dead-lettered at once as unroutable on the per-record route; never sent to a missing route.
                    rejected.add(record);
                    continue;
                }
                rowsByType.computeIfAbsent(type, t -> new ArrayList<>()).add(EventRows.row(event, message));
                recordsByType.computeIfAbsent(type, t -> new ArrayList<>()).add(record);
            } catch (RejectedEventException e) {
                rejected.add(record);
            }
        }
        // What follows (the batch's writes, its commit) is about many events, and must not be logged under the id of
        // the last one validated.
        validator.forgetEventId();
        batch.setProperty(BATCH, records);
        batch.setProperty(REJECTED, rejected);
        batch.setProperty(BatchTally.PROPERTY, new BatchTally());
        batch.setProperty(BatchProgress.PROPERTY, new BatchProgress(deadline));
        batch.getMessage().setHeader(ADMITTED, records.size() - rejected.size());

        List<Message> byType = new ArrayList<>(rowsByType.size());
        rowsByType.forEach((type, rows) -> {
            Message typeBatch = new DefaultMessage(batch);
            typeBatch.setHeader(EventHeaders.EVENT_TYPE, type);
            typeBatch.setHeader(RECORDS, recordsByType.get(type));
            typeBatch.setBody(rows);
            byType.add(typeBatch);
        });
        return byType;
    }

    /** For the one-by-one path: the validated event as a batch of one row. */
    public List<Map<String, Object>> singleRow(@Body Map<String, Object> event, Message record) {
        return List.of(EventRows.row(event, record));
    }
}
