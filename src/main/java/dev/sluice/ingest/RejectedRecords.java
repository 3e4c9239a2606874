package dev.sluice.ingest;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.sluice.deadletter.DeadLetterDescriber;
import dev.sluice.deadletter.DeadLetterLog;
import dev.sluice.deadletter.DeadLetterRoute;
import dev.sluice.deadletter.PreparedDeadLetter;
import org.apache.camel.Body;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead letters of a batch's rejected records (invalid, unroutable), all together: their rows in one statement and
 * their topic records in one transaction ({@value DeadLetterRoute#WRITE_BATCH}). It starts while the batch is written
 * and is awaited before the batch's offsets are committed, so a crash before the commit re-reads the records, and their
 * rows, unique on the source record, are not written twice.
 * <p>
 * If the batch's dead letters cannot be written together (a row PostgreSQL refuses, the database gone), each record
 * goes down the dead-letter channel on its own ({@link OneByOne#eachOnItsOwn}): that is where the redeliveries, the
 * refusal during an outage and the minimal dead letter are.
 */
public class RejectedRecords implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RejectedRecords.class);

    private final DeadLetterDescriber describer;
    private final DeadLetterLog deadLetterLog;
    private final OneByOne oneByOne;
    private final RouteCalls routes;
    private final ExecutorService writers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "sluice-dead-letters");
        thread.setDaemon(true);
        return thread;
    });

    public RejectedRecords(DeadLetterDescriber describer, DeadLetterLog deadLetterLog, OneByOne oneByOne,
                           RouteCalls routes) {
        this.describer = describer;
        this.deadLetterLog = deadLetterLog;
        this.oneByOne = oneByOne;
        this.routes = routes;
    }

    /** Starts the batch's dead letters and returns; {@link #awaitDeadLetters} waits for them. */
    public void deadLetter(@Body IngestBatch batch) {
        List<IngestBatch.Rejected> rejected = batch.rejected();
        if (rejected.isEmpty()) {
            return;
        }
        List<PreparedDeadLetter> letters = rejected.stream()
                .map(record -> describer.prepare(record.record().getMessage(), record.failure()))
                .toList();
        batch.deadLettersStarted(CompletableFuture.supplyAsync(() -> writeTogether(letters), writers)
                .thenCompose(failure -> {
                    if (failure == null) {
                        letters.forEach(prepared -> {
                            batch.outcomes().deadLettered(prepared.letter().reason());
                            deadLetterLog.deadLettered(prepared.letter());
                        });
                        return CompletableFuture.completedFuture(null);
                    }
                    log.warn("The {} dead letters of a batch could not be written together ({}); writing each on its"
                            + " own", letters.size(), rootCause(failure));
                    return oneByOne.eachOnItsOwn(rejected.stream().map(IngestBatch.Rejected::record).toList(),
                            batch.outcomes());
                }));
    }

    /** Waits for the dead letters {@link #deadLetter} started; one that could not be written fails the batch. */
    public void awaitDeadLetters(@Body IngestBatch batch) throws Exception {
        try {
            batch.deadLetters().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Why the letters could not be written together, or null once they are committed. */
    private Exception writeTogether(List<PreparedDeadLetter> letters) {
        try (ProducerTemplate producer = routes.template()) {
            return producer.send(DeadLetterRoute.WRITE_BATCH, exchange -> exchange.getMessage().setBody(letters))
                    .getException();
        } catch (Exception e) {
            return e;
        }
    }

    /** The database's own words, without the statement text Spring's exception quotes. */
    private static String rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    @Override
    public void close() {
        writers.shutdownNow();
    }
}
