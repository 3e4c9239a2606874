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

    private static final String STARTED = "sluiceOneByOneStarted";
    /** Records in flight at once from {@link #start}: each mostly waits on a table insert and a topic acknowledgement. */
    private static final int CONCURRENT_RECORDS = 4;

    private final ExecutorService senders = Executors.newFixedThreadPool(CONCURRENT_RECORDS, runnable -> {
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
     * Starts the records' trips through {@value #ENDPOINT} all at once, and returns: records already rejected, whose
     * only work left is their dead letter (a table insert and a topic acknowledgement each). They run while the batch
     * is written; {@link #awaitStarted} waits for them before the batch's offsets are committed.
     */
    public void start(List<Exchange> records, Exchange batch) {
        if (records == null || records.isEmpty()) {
            return;
        }
        ProducerTemplate producer = template();
        List<CompletableFuture<Exchange>> started = new ArrayList<>(records.size());
        for (Exchange record : records) {
            started.add(CompletableFuture.supplyAsync(() -> producer.send(ENDPOINT, prepare(record)), senders));
        }
        batch.setProperty(STARTED, CompletableFuture.allOf(started.toArray(CompletableFuture[]::new))
                .whenComplete((done, failure) -> closeQuietly(producer))
                .thenApply(done -> started.stream().map(CompletableFuture::join).toList()));
    }

    /** Waits for the records {@link #start} sent; the first one that failed unabsorbed fails the batch. */
    @SuppressWarnings("unchecked")
    public void awaitStarted(Exchange batch) throws Exception {
        CompletableFuture<List<Exchange>> started = batch.getProperty(STARTED, CompletableFuture.class);
        if (started == null) {
            return;
        }
        for (Exchange done : started.get()) {
            failIfUnabsorbed(done);
        }
    }

    /**
     * A template per call, not one kept: a kept template outlives a restart of the Camel context and then sends to a
     * direct endpoint that no route consumes from any more (the batch fails, again and again, for good).
     */
    private ProducerTemplate template() {
        return camel.createProducerTemplate();
    }

    /**
     * A copy of the record goes: the per-record route and the dead-letter channel rewrite its message, and the batch's
     * own record must keep its commit handle for the offset commit. With a tally of its own: what this record writes
     * is counted when it completes, not with its batch.
     */
    private static Exchange prepare(Exchange record) {
        Exchange copy = record.copy();
        copy.setProperty(BatchTally.PROPERTY, new BatchTally());
        return copy;
    }

    private static void closeQuietly(ProducerTemplate producer) {
        try {
            producer.close();
        } catch (Exception e) {
            // nothing was left to send
        }
    }

    private static void failIfUnabsorbed(Exchange done) throws Exception {
        if (done.getException() != null) {
            throw done.getException();
        }
    }

    @Override
    public void close() {
        senders.shutdownNow();
    }
}
