package dev.sluice.ingest;

import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.ProducerTemplate;

/**
 * The slow path: records sent on, each as its own exchange, through the per-record route ({@value #ENDPOINT}), where
 * the dead-letter channel owns them: a rejected record is dead-lettered with its reason and original bytes, and a
 * record of a batch whose write failed gets its own attempt, redeliveries and, if it is the one the database refuses,
 * its own dead letter. A failure that even the dead-letter channel did not absorb (the database is unavailable, or the
 * dead-letter write failed) fails the batch, so its offsets are not committed and it is read again.
 */
public class OneByOne implements CamelContextAware {

    public static final String ENDPOINT = "direct:ingest-one";

    private CamelContext camel;

    @Override
    public void setCamelContext(CamelContext camel) {
        this.camel = camel;
    }

    @Override
    public CamelContext getCamelContext() {
        return camel;
    }

    @Handler
    public void process(List<Exchange> records) throws Exception {
        if (records == null || records.isEmpty()) {
            return;
        }
        // A template per call, not one kept: a kept template outlives a restart of the Camel context and then sends
        // to a direct endpoint that no route consumes from any more (the batch fails, again and again, for good).
        try (ProducerTemplate producer = camel.createProducerTemplate()) {
            for (Exchange record : records) {
                // Consumed already, with the batch: this exchange's tally counts only what it writes.
                record.setProperty(BatchTally.PROPERTY, new BatchTally(0));
                Exchange done = producer.send(ENDPOINT, record);
                if (done.getException() != null) {
                    throw done.getException();
                }
            }
        }
    }
}
