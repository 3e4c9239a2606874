package dev.sluice.ingest;

import java.util.List;

import dev.sluice.event.ValidEvent;
import dev.sluice.failure.TransientFailures;
import dev.sluice.store.EventTypes;
import dev.sluice.store.StoreChunk;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.direct.DirectConsumerNotAvailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.transaction.TransactionTimedOutException;

/**
 * Writes one event type's share of a batch through its store route, in chunks of {@link WriteChunkSize}, each chunk
 * one transaction. A chunk that fails is split in halves, recursively, so a row PostgreSQL refuses costs about
 * 2·log2(n) transactions and not n: the halves without it are written once, and the row itself, in a chunk of two at
 * last, goes through the per-record route ({@link OneByOne}), where it gets its redeliveries and its own dead letter.
 * <ul>
 * <li>A chunk that timed out shrinks the chunk size for the chunks after it (the database is slow, not the rows).</li>
 * <li>An unavailable database: the chunk's first record waits out its redeliveries alone; if the database is still
 * away the batch fails, nothing is committed, and it is read again once the database answers.</li>
 * <li>Past the batch's deadline ({@link BatchProgress}) no new chunk starts; the rest is deferred to a re-read.</li>
 * </ul>
 */
public class ChunkedWrite {

    private static final Logger log = LoggerFactory.getLogger(ChunkedWrite.class);

    private final WriteChunkSize chunkSize;
    private final OneByOne oneByOne;
    private final RouteCalls routes;

    public ChunkedWrite(WriteChunkSize chunkSize, OneByOne oneByOne, RouteCalls routes) {
        this.chunkSize = chunkSize;
        this.oneByOne = oneByOne;
        this.routes = routes;
    }

    @Handler
    public void write(@Body TypeSlice slice, Exchange split) throws Exception {
        BatchProgress progress = slice.progress();
        try (ProducerTemplate producer = routes.template()) {
            Chunks chunks = new Chunks(producer, slice, split);
            List<ValidEvent> events = slice.events();
            List<Exchange> records = slice.records();
            for (int from = 0; from < events.size(); ) {
                int to = Math.min(events.size(), from + chunkSize.current());
                if (!progress.mayStartWrite()) {
                    progress.defer(records.subList(from, events.size()));
                    return;
                }
                chunks.write(events.subList(from, to), records.subList(from, to), progress);
                from = to;
            }
        }
    }

    /** Where a slice's chunks go, the exchange each attempt is copied from, and the outcomes of their batch. */
    private final class Chunks {
        private final ProducerTemplate producer;
        private final String endpoint;
        private final Exchange split;
        private final BatchOutcomes outcomes;

        Chunks(ProducerTemplate producer, TypeSlice slice, Exchange split) {
            this.producer = producer;
            this.endpoint = "direct:" + EventTypes.routeId(slice.eventType());
            this.split = split;
            this.outcomes = slice.outcomes();
        }

        void write(List<ValidEvent> events, List<Exchange> records, BatchProgress progress) throws Exception {
            long started = System.nanoTime();
            StoreChunk chunk = StoreChunk.of(events);
            // A copy of the split's exchange: it carries the trace the batch belongs to.
            Exchange attempt = split.copy();
            attempt.getMessage().setBody(chunk);
            Exception failure = producer.send(endpoint, attempt).getException();
            long took = System.nanoTime() - started;
            if (failure == null) {
                // Returned without a failure: the attempt's transaction has committed.
                outcomes.stored(chunk);
                chunkSize.wrote(events.size(), took);
                return;
            }
            // Debug: a refused row costs a line per halving; the row's dead letter is what an operator reads.
            log.debug("A chunk of {} {} events failed after {} ms ({}); {}", events.size(), endpoint,
                    took / 1_000_000, failure.toString(), events.size() <= 2 ? "writing them one by one" : "halving it");
            if (TransientFailures.isDatabaseUnavailable(failure)) {
                // The first record alone waits out its redeliveries with backoff: if the database stays away it fails
                // the batch (read again later), and if it is back, the rest goes on as a chunk.
                oneByOne.inOrder(records.subList(0, 1), outcomes);
                if (events.size() > 1) {
                    if (!progress.mayStartWrite()) {
                        progress.defer(records.subList(1, records.size()));
                        return;
                    }
                    write(events.subList(1, events.size()), records.subList(1, records.size()), progress);
                }
                return;
            }
            if (timedOut(failure)) {
                chunkSize.timedOut(events.size());
            }
            // Two events alone cost two transactions either way; halving them would spend a third on the refused one.
            if (events.size() <= 2 || unroutable(failure)) {
                oneByOne.inOrder(records, outcomes);
                return;
            }
            int half = events.size() / 2;
            for (int[] part : new int[][] {{0, half}, {half, events.size()}}) {
                if (!progress.mayStartWrite()) {
                    progress.defer(records.subList(part[0], records.size()));
                    return;
                }
                write(events.subList(part[0], part[1]), records.subList(part[0], part[1]), progress);
            }
        }
    }

    static boolean timedOut(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof QueryTimeoutException || cause instanceof TransactionTimedOutException
                    || (cause instanceof java.sql.SQLException sql && "57014".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean unroutable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof DirectConsumerNotAvailableException) {
                return true;
            }
        }
        return false;
    }
}
