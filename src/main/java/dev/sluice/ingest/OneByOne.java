package dev.sluice.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.sluice.deadletter.DeadLetter;
import dev.sluice.event.Correlation;
import dev.sluice.store.StoreChunk;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.MDC;

/**
 * The slow path: records sent on, each as its own exchange, through the per-record route ({@value #ENDPOINT}), where
 * the dead-letter channel owns them: a rejected record is dead-lettered with its reason and original bytes, and a
 * record of a batch whose write failed gets its own attempt, redeliveries and, if it is the one the database refuses,
 * its own dead letter. A failure that even the dead-letter channel did not absorb (the database is unavailable, or the
 * dead-letter write failed) fails the batch, so its offsets are not committed and it is read again. What each record
 * became is added to its batch's {@link BatchOutcomes}.
 */
public class OneByOne implements AutoCloseable {

    public static final String ENDPOINT = "direct:ingest-one";

    /** Records in flight at once from {@link #eachOnItsOwn}: each mostly waits on a table insert and a topic ack. */
    private static final int CONCURRENT_RECORDS = 4;

    private final ExecutorService senders = Executors.newFixedThreadPool(CONCURRENT_RECORDS, runnable -> {
        Thread thread = new Thread(runnable, "sluice-one-by-one");
        thread.setDaemon(true);
        return thread;
    });
    private final RouteCalls routes;

    public OneByOne(RouteCalls routes) {
        this.routes = routes;
    }

    /** In order, each record done before the next: a chunk whose write failed, where the first outage stops it. */
    public void inOrder(List<Exchange> records, BatchOutcomes outcomes) throws Exception {
        try (ProducerTemplate producer = routes.template()) {
            for (Exchange record : records) {
                Exchange done = producer.send(ENDPOINT, record.copy());
                // The record's own id tagged the lines logged while it was handled, on this thread; the batch's
                // next lines are not about it.
                MDC.remove(Correlation.EVENT_ID);
                if (done.getException() != null) {
                    throw done.getException();
                }
                count(done, outcomes);
            }
        }
    }

    /**
     * Starts the records' trips through {@value #ENDPOINT} all at once, and returns what completes when every one is
     * done (written or dead-lettered) or the first failed. For rejected records whose dead letters could not be written
     * together ({@link RejectedRecords}): on their own, each gets the dead-letter channel's retries and, at worst, its
     * minimal dead letter.
     */
    CompletableFuture<Void> eachOnItsOwn(List<Exchange> records, BatchOutcomes outcomes) {
        ProducerTemplate producer = routes.template();
        List<CompletableFuture<Void>> started = new ArrayList<>(records.size());
        for (Exchange record : records) {
            // A copy: the dead-letter channel rewrites its message, and the batch's record keeps its commit handle.
            started.add(CompletableFuture.supplyAsync(() -> producer.send(ENDPOINT, record.copy()), senders)
                    .thenAccept(done -> {
                        if (done.getException() != null) {
                            throw new CompletionException(done.getException());
                        }
                        count(done, outcomes);
                    }));
        }
        return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new))
                .whenComplete((done, failure) -> closeQuietly(producer));
    }

    /**
     * What one record became, from what {@value #ENDPOINT} ends with: its store route's chunk of one (written, a
     * duplicate, superseded), or the dead letter the dead-letter channel wrote for it.
     */
    static void count(Exchange done, BatchOutcomes outcomes) {
        Object result = done.getMessage().getBody();
        if (result instanceof StoreChunk stored) {
            outcomes.stored(stored);
        } else if (result instanceof DeadLetter letter) {
            outcomes.deadLettered(letter.reason());
        } else {
            throw new IllegalStateException(ENDPOINT + " ended with neither a stored chunk nor a dead letter: " + result);
        }
    }

    private static void closeQuietly(ProducerTemplate producer) {
        try {
            producer.close();
        } catch (Exception e) {
            // nothing was left to send
        }
    }

    @Override
    public void close() {
        senders.shutdownNow();
    }
}
