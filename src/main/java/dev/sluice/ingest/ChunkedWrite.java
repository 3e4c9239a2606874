package dev.sluice.ingest;

import java.util.List;
import java.util.Map;

import dev.sluice.failure.TransientFailures;
import dev.sluice.store.EventRows;
import dev.sluice.store.StoreChunk;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
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
public class ChunkedWrite implements CamelContextAware {

    private static final Logger log = LoggerFactory.getLogger(ChunkedWrite.class);

    private final WriteChunkSize chunkSize;
    private final OneByOne oneByOne;
    private CamelContext camel;

    public ChunkedWrite(WriteChunkSize chunkSize, OneByOne oneByOne) {
        this.chunkSize = chunkSize;
        this.oneByOne = oneByOne;
    }

    @Override
    public void setCamelContext(CamelContext camel) {
        this.camel = camel;
    }

    @Override
    public CamelContext getCamelContext() {
        return camel;
    }

    @Handler
    public void write(@Body TypeSlice slice, Exchange split) throws Exception {
        BatchProgress progress = slice.batch().progress();
        // A template per call: a kept one outlives a Camel context restart and sends to a direct endpoint nobody reads.
        try (ProducerTemplate producer = camel.createProducerTemplate()) {
            Chunks chunks = new Chunks(producer, slice.eventType(), split, slice.batch().outcomes());
            List<Map<String, Object>> rows = slice.rows();
            List<Exchange> records = slice.records();
            for (int from = 0; from < rows.size(); ) {
                int to = Math.min(rows.size(), from + chunkSize.current());
                if (!progress.mayStartWrite()) {
                    progress.defer(records.subList(from, rows.size()));
                    return;
                }
                chunks.write(rows.subList(from, to), records.subList(from, to), progress);
                from = to;
            }
        }
    }

    /** Where a type's chunks go, the exchange each attempt is copied from, and the outcomes of their batch. */
    private final class Chunks {
        private final ProducerTemplate producer;
        private final String eventType;
        private final String endpoint;
        private final Exchange split;
        private final BatchOutcomes outcomes;

        Chunks(ProducerTemplate producer, String eventType, Exchange split, BatchOutcomes outcomes) {
            this.producer = producer;
            this.eventType = eventType;
            this.endpoint = "direct:" + StoreRoutes.routeId(eventType);
            this.split = split;
            this.outcomes = outcomes;
        }

        void write(List<Map<String, Object>> rows, List<Exchange> records, BatchProgress progress) throws Exception {
            long started = System.nanoTime();
            StoreChunk chunk = new StoreChunk(rows);
            // A copy of the split's exchange: it carries the trace the batch belongs to.
            Exchange attempt = split.copy();
            attempt.getMessage().setBody(chunk);
            Exception failure = producer.send(endpoint, attempt).getException();
            long took = System.nanoTime() - started;
            if (failure == null) {
                // Returned without a failure: the attempt's transaction has committed.
                chunk.applied().forEach(row -> outcomes.written(EventRows.eventTime(row)));
                outcomes.superseded(eventType, chunk.supersededReason(), chunk.superseded());
                outcomes.duplicates(chunk.duplicates());
                chunkSize.wrote(rows.size(), took);
                return;
            }
            // Debug: a refused row costs a line per halving; the row's dead letter is what an operator reads.
            log.debug("A chunk of {} {} events failed after {} ms ({}); {}", rows.size(), endpoint,
                    took / 1_000_000, failure.toString(), rows.size() <= 2 ? "writing them one by one" : "halving it");
            if (TransientFailures.isDatabaseUnavailable(failure)) {
                // The first record alone waits out its redeliveries with backoff: if the database stays away it fails
                // the batch (read again later), and if it is back, the rest goes on as a chunk.
                oneByOne.inOrder(records.subList(0, 1), outcomes);
                if (rows.size() > 1) {
                    if (!progress.mayStartWrite()) {
                        progress.defer(records.subList(1, records.size()));
                        return;
                    }
                    write(rows.subList(1, rows.size()), records.subList(1, records.size()), progress);
                }
                return;
            }
            if (timedOut(failure)) {
                chunkSize.timedOut(rows.size());
            }
            // Two rows alone cost two transactions either way; halving them would spend a third on the refused row.
            if (rows.size() <= 2 || unroutable(failure)) {
                oneByOne.inOrder(records, outcomes);
                return;
            }
            int half = rows.size() / 2;
            for (int[] part : new int[][] {{0, half}, {half, rows.size()}}) {
                if (!progress.mayStartWrite()) {
                    progress.defer(records.subList(part[0], records.size()));
                    return;
                }
                write(rows.subList(part[0], part[1]), records.subList(part[0], part[1]), progress);
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
