package dev.sluice.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import dev.sluice.event.ValidEvent;
import dev.sluice.store.StoreChunk;
import dev.sluice.support.Events;
import dev.sluice.support.PlainCamel;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chunking and bisection on their own: a store route stand-in that refuses chunks holding a marked row (or takes
 * too long with more than a few), and a per-record path that records what it was handed.
 */
class ChunkedWriteTest {

    private final List<Integer> attempts = new CopyOnWriteArrayList<>();
    private final List<Integer> written = new CopyOnWriteArrayList<>();
    private final List<Integer> oneByOne = new CopyOnWriteArrayList<>();
    private final WriteChunkSize chunkSize = new WriteChunkSize(500, Duration.ofSeconds(10));
    private CamelContext camel;
    private ChunkedWrite write;
    private int slowAbove = Integer.MAX_VALUE;

    @BeforeEach
    void storeRoute() throws Exception {
        camel = PlainCamel.context();
        // Dev consoles are no part of this, and their registry trips over a context started beside others (CME).
        camel.setDevConsole(false);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:store-review_created").process(exchange -> {
                    List<ValidEvent> events = exchange.getMessage().getBody(StoreChunk.class).events();
                    attempts.add(events.size());
                    if (events.size() > slowAbove) {
                        throw new QueryTimeoutException("canceling statement due to statement timeout");
                    }
                    if (events.stream().anyMatch(event -> Boolean.TRUE.equals(event.payload().get("refused")))) {
                        throw new DataIntegrityViolationException("new row violates check constraint");
                    }
                    events.forEach(event -> written.add((Integer) event.payload().get("n")));
                });
            }
        });
        camel.start();
        RouteCalls routes = new RouteCalls();
        routes.setCamelContext(camel);
        OneByOne recording = new OneByOne(routes) {
            @Override
            public void inOrder(List<Exchange> records, BatchOutcomes outcomes) {
                records.forEach(record -> oneByOne.add(record.getMessage().getBody(Integer.class)));
            }
        };
        write = new ChunkedWrite(chunkSize, recording, routes);
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void oneRefusedRowInFiveHundredCostsAboutTwoLogNAttemptsAndTheRestIsWrittenOnce() throws Exception {
        write(typeSlice(500, 317, Duration.ofMinutes(1)));

        assertThat(attempts.size()).as("attempts %s", attempts).isLessThanOrEqualTo(18);
        assertThat(oneByOne).contains(317).hasSizeLessThanOrEqualTo(2);
        List<Integer> everyRow = new ArrayList<>(written);
        everyRow.addAll(oneByOne);
        assertThat(everyRow).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 500).boxed().toList());
    }

    @Test
    void timeoutsShrinkTheChunksUntilTheyFitAndEveryRowIsWrittenOnce() throws Exception {
        slowAbove = 40;

        write(typeSlice(500, -1, Duration.ofMinutes(1)));

        assertThat(written).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 500).boxed().toList());
        assertThat(oneByOne).isEmpty();
        // It probes one doubling above what fits, and halves again when that times out.
        assertThat(chunkSize.current()).isLessThanOrEqualTo(2 * 40);
    }

    @Test
    void pastTheDeadlineOnlyTheFirstChunkStartsAndTheRestIsDeferred() throws Exception {
        chunkSize.timedOut(200);
        TypeSlice slice = typeSlice(500, -1, Duration.ZERO);

        write(slice);

        assertThat(attempts).containsExactly(100);
        assertThat(slice.progress().deferred()).hasSize(400);
        assertThat(written).containsExactlyElementsOf(IntStream.range(0, 100).boxed().toList());
    }

    private void write(TypeSlice slice) throws Exception {
        write.write(slice, new DefaultExchange(camel));
    }

    private TypeSlice typeSlice(int rows, int refused, Duration deadline) {
        List<Exchange> records = new ArrayList<>();
        for (int n = 0; n < rows; n++) {
            Exchange record = new DefaultExchange(camel);
            record.getMessage().setBody(n);
            records.add(record);
        }
        IngestBatch batch = new IngestBatch(records, deadline);
        for (int n = 0; n < rows; n++) {
            batch.admit(Events.REVIEW_CREATED, Events.event("review_created", Events.id(),
                    Map.of("review_id", "r-" + n, "n", n, "refused", n == refused)), records.get(n));
        }
        return batch.slices().get(0);
    }
}
