package dev.sluice.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * The slow path: records sent on, each as its own exchange, through the per-record route ({@value #ENDPOINT}), where
 * the dead-letter channel owns them: a rejected record is dead-lettered with its reason and original bytes, and a
 * record of a batch whose write failed gets its own attempt, redeliveries and, if it is the one the database refuses,
 * its own dead letter. A failure that even the dead-letter channel did not absorb (the database is unavailable, or the
 * dead-letter write failed) fails the batch, so its offsets are not committed and it is read again.
 */
public class OneByOne implements CamelContextAware, AutoCloseable {

    public static final String ENDPOINT = "direct:ingest-one";

    /** Dead letters in flight at once for one batch: each waits on a table insert and a topic acknowledgement. */
    private static final int CONCURRENT_DEAD_LETTERS = 4;

    private final ExecutorService deadLetterSenders = Executors.newFixedThreadPool(CONCURRENT_DEAD_LETTERS, runnable -> {
        Thread thread = new Thread(runnable, "sluice-one-by-one");
        thread.setDaemon(true);
        return thread;
    });
    private CamelContext camel;

    @Override
    public void setCamelContext(CamelContext camel) {
        this.camel = camel;
    }

    @Override
    public CamelContext getCamelContext() {
        return camel;
    }

    /** In order, each record done before the next: a batch whose write failed, where the first outage stops it. */
    public void inOrder(List<Exchange> records) throws Exception {
        if (records == null || records.isEmpty()) {
            return;
        }
        try (ProducerTemplate producer = template()) {
            for (Exchange record : records) {
                failIfUnabsorbed(producer.send(ENDPOINT, prepare(record)));
            }
        }
    }

    /**
     * All at once: records already rejected, whose only work left is their dead letter. One at a time, each would hold
     * the batch for a database round trip and a topic acknowledgement.
     */
    public void concurrently(List<Exchange> records) throws Exception {
        if (records == null || records.isEmpty()) {
            return;
        }
        try (ProducerTemplate producer = template()) {
            List<CompletableFuture<Exchange>> sent = new ArrayList<>(records.size());
            for (Exchange record : records) {
                sent.add(CompletableFuture.supplyAsync(() -> producer.send(ENDPOINT, prepare(record)), deadLetterSenders));
            }
            for (CompletableFuture<Exchange> done : sent) {
                failIfUnabsorbed(done.get());
            }
        }
    }

    /**
     * A template per call, not one kept: a kept template outlives a restart of the Camel context and then sends to a
     * direct endpoint that no route consumes from any more (the batch fails, again and again, for good).
     */
    private ProducerTemplate template() {
        return camel.createProducerTemplate();
    }

    private static Exchange prepare(Exchange record) {
        // Consumed already, with the batch: this exchange's tally counts only what it writes.
        record.setProperty(BatchTally.PROPERTY, new BatchTally(0));
        return record;
    }

    private static void failIfUnabsorbed(Exchange done) throws Exception {
        if (done.getException() != null) {
            throw done.getException();
        }
    }

    @Override
    public void close() {
        deadLetterSenders.shutdownNow();
    }
}
