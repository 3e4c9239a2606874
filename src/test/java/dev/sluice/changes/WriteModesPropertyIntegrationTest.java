package dev.sluice.changes;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import dev.sluice.changes.ReviewHistory.Change;
import dev.sluice.changes.ReviewHistory.Kind;
import dev.sluice.changes.ReviewHistory.Outcome;
import dev.sluice.changes.ReviewHistory.Position;
import dev.sluice.changes.ReviewHistory.Row;
import dev.sluice.changes.ReviewHistory.State;
import dev.sluice.ingest.BatchOutcomes;
import dev.sluice.ingest.IngestBatch;
import dev.sluice.ingest.IngestRoutes;
import dev.sluice.ingest.OneByOne;
import dev.sluice.store.StoreChunk;
import dev.sluice.support.PipelineTables;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ordering guard, as a property: for random histories of reviews (creations, updates, deletions, sometimes a
 * second creation), delivered in a random order with replays, cut into batches at random, each batch written through
 * the stream's own batch route ({@code direct:write-batch}: admission, the slices, the chunks, the store routes' one
 * statement each) or one record at a time ({@code direct:ingest-one}), and now and then written and rolled back first
 * (a crash before the database's commit) and delivered again:
 * <ul>
 * <li>every event's outcome (applied, conflict, stale, duplicate) is what applying the events one by one in the order
 * they were read gives, whatever the batch boundaries: counted per batch, and for superseded events read back from
 * the ledger;</li>
 * <li>the table ends in the state of each review's events applied in position order;</li>
 * <li>every event is claimed once, and the per-minute statistics equal a recount.</li>
 * </ul>
 * A batch path that wrote a key's events out of their order (slicing a batch by event type did) changes some events'
 * outcome, and fails here. The seed is printed; {@code -Dsluice.property.seed=<seed>} replays a run,
 * {@code -Dsluice.property.runs=<n>} sets how many.
 */
@SpringBootTest
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 1, topics = {"events.main", "events.dlq"})
@DirtiesContext
class WriteModesPropertyIntegrationTest {

    private static final String TOPIC = "events.main";

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CamelContext camel;
    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void anyArrivalOrderAndBatchingGivesEachEventItsOutcomeInReadOrderAndEndsInTheEventsAppliedInPositionOrder()
            throws Exception {
        long seed = Long.getLong("sluice.property.seed", new Random().nextLong());
        int runs = Integer.getInteger("sluice.property.runs", 150);
        System.out.printf("WriteModesPropertyIntegrationTest: %d runs, seed %d%n", runs, seed);
        Random random = new Random(seed);
        jdbc.execute(PipelineTables.TRUNCATE_ALL);
        try (ProducerTemplate producer = camel.createProducerTemplate()) {
            for (int run = 0; run < runs; run++) {
                checkOneRun(random, "p" + run + "-" + Long.toHexString(seed & 0xffffff), producer, seed, run);
            }
        }
    }

    private void checkOneRun(Random random, String run, ProducerTemplate producer, long seed, int runNumber) {
        String failure = "seed " + seed + ", run " + runNumber;
        Instant base = Instant.parse("2026-11-30T12:00:00Z").plus(runNumber, ChronoUnit.MINUTES);
        Map<UUID, Change> events = ReviewHistory.generate(random, run, 1 + random.nextInt(6), base);
        List<UUID> deliveries = deliveries(random, new ArrayList<>(events.keySet()));

        // Offsets are given in delivery order, per partition, at the first delivery; a replay is the same record.
        Map<UUID, Position> positions = new HashMap<>();
        long[] next = new long[2];
        List<UUID> firstDelivered = new ArrayList<>();
        for (UUID id : deliveries) {
            Change c = events.get(id);
            if (!positions.containsKey(id)) {
                positions.put(id, new Position(c.ts(), c.partition(), next[c.partition()]++));
                firstDelivered.add(id);
            }
        }

        State read = new State();
        Set<UUID> claimed = new HashSet<>();
        Map<UUID, Outcome> expectedOutcomes = new HashMap<>();
        for (List<UUID> batch : batches(random, deliveries)) {
            if (random.nextInt(8) == 0) {
                crashBeforeCommit(producer, batch, events, positions);
            }
            Counts expected = new Counts();
            for (UUID id : batch) {
                if (claimed.add(id)) {
                    Outcome outcome = read.apply(events.get(id), positions.get(id));
                    expectedOutcomes.put(id, outcome);
                    expected.add(outcome);
                } else {
                    expected.duplicates++;
                }
            }
            Counts written = random.nextInt(4) == 0 ? oneByOne(producer, batch, events, positions)
                    : asBatch(producer, batch, events, positions);
            assertThat(written).as("what the batch's events became, in read order (%s)", failure).isEqualTo(expected);
        }

        Map<String, Row> expected = ReviewHistory.inOrder(events, positions, firstDelivered);
        assertThat(read.rows()).as("the modes' rules converge whatever the order (%s)", failure).isEqualTo(expected);
        assertThat(ReviewHistory.table(jdbc, run)).as("reviews after the run (%s)", failure).isEqualTo(expected);
        Map<UUID, String> expectedSuperseded = new HashMap<>();
        expectedOutcomes.forEach((id, outcome) -> {
            if (outcome != Outcome.APPLIED) {
                expectedSuperseded.put(id, outcome.name().toLowerCase());
            }
        });
        assertThat(superseded(run)).as("superseded events and why (%s)", failure).isEqualTo(expectedSuperseded);
        assertThat(claimed(List.copyOf(events.keySet()))).as("every event claimed once (%s)", failure)
                .isEqualTo(events.size());
        assertThat(jdbc.queryForObject(PipelineTables.STATS_MINUTES_OFF_RECOUNT, Long.class))
                .as("per-minute statistics off their recount (%s)", failure).isZero();
    }

    /** How many of a batch's events were applied, duplicates, conflicts and stale. */
    private static final class Counts {
        int applied;
        int duplicates;
        int conflicts;
        int stale;

        void add(Outcome outcome) {
            switch (outcome) {
                case APPLIED -> applied++;
                case CONFLICT -> conflicts++;
                case STALE -> stale++;
            }
        }

        static Counts of(BatchOutcomes outcomes) {
            Counts counts = new Counts();
            counts.applied = outcomes.writtenCount();
            counts.duplicates = outcomes.duplicates();
            outcomes.superseded().forEach((kind, n) -> {
                if (kind.reason().equals("conflict")) {
                    counts.conflicts += n;
                } else {
                    counts.stale += n;
                }
            });
            return counts;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Counts c && c.applied == applied && c.duplicates == duplicates
                    && c.conflicts == conflicts && c.stale == stale;
        }

        @Override
        public int hashCode() {
            return applied + 31 * duplicates + 961 * conflicts + 29791 * stale;
        }

        @Override
        public String toString() {
            return "applied=" + applied + " duplicates=" + duplicates + " conflicts=" + conflicts + " stale=" + stale;
        }
    }

    /**
     * Every event once, shuffled, with replays: now and then an event delivered before is delivered again, and a
     * stretch of the last deliveries is read again, as after a crash before the offsets were committed.
     */
    private static List<UUID> deliveries(Random random, List<UUID> events) {
        Collections.shuffle(events, random);
        List<UUID> deliveries = new ArrayList<>();
        for (UUID id : events) {
            deliveries.add(id);
            if (random.nextInt(6) == 0) {
                deliveries.add(deliveries.get(random.nextInt(deliveries.size())));
            }
            if (random.nextInt(10) == 0) {
                int from = Math.max(0, deliveries.size() - 1 - random.nextInt(5));
                deliveries.addAll(List.copyOf(deliveries.subList(from, deliveries.size())));
            }
        }
        return deliveries;
    }

    private static List<List<UUID>> batches(Random random, List<UUID> deliveries) {
        List<List<UUID>> batches = new ArrayList<>();
        for (int from = 0; from < deliveries.size(); ) {
            int to = Math.min(deliveries.size(), from + 1 + random.nextInt(12));
            batches.add(deliveries.subList(from, to));
            from = to;
        }
        return batches;
    }

    /** Through the stream's own batch route, as a poll of records: its outcomes once its writes committed. */
    private Counts asBatch(ProducerTemplate producer, List<UUID> batch, Map<UUID, Change> events,
                           Map<UUID, Position> positions) {
        Exchange done = producer.send(IngestRoutes.WRITE_BATCH, exchange -> exchange.getMessage()
                .setBody(records(batch, events, positions)));
        assertThat(done.getException()).as("writing a batch").isNull();
        return Counts.of(done.getMessage().getBody(IngestBatch.class).outcomes());
    }

    /** One record at a time through the slow path, as a failed chunk's records go. */
    private Counts oneByOne(ProducerTemplate producer, List<UUID> batch, Map<UUID, Change> events,
                            Map<UUID, Position> positions) {
        Counts counts = new Counts();
        for (Exchange record : records(batch, events, positions)) {
            Exchange done = producer.send(OneByOne.ENDPOINT, record);
            assertThat(done.getException()).as("writing one record").isNull();
            done.getMessage().getBody(StoreChunk.class).forEachOutcome((event, outcome) -> {
                switch (outcome) {
                    case APPLIED -> counts.applied++;
                    case DUPLICATE -> counts.duplicates++;
                    case CONFLICT -> counts.conflicts++;
                    case STALE -> counts.stale++;
                }
            });
        }
        return counts;
    }

    /**
     * A crash between the write and its commit: the batch is written inside a transaction that is then rolled back
     * (the store routes' transactions join it), as a process killed before committing leaves nothing behind. The
     * caller then delivers the batch again, as a consumer restarted from the last committed offset would.
     */
    private void crashBeforeCommit(ProducerTemplate producer, List<UUID> batch, Map<UUID, Change> events,
                                   Map<UUID, Position> positions) {
        long claimedBefore = claimed(batch);
        new TransactionTemplate(transactions).executeWithoutResult(crash -> {
            producer.send(IngestRoutes.WRITE_BATCH, exchange -> exchange.getMessage()
                    .setBody(records(batch, events, positions)));
            crash.setRollbackOnly();
        });
        assertThat(claimed(batch)).as("claims left by a rolled-back write").isEqualTo(claimedBefore);
    }

    private List<Exchange> records(List<UUID> batch, Map<UUID, Change> events, Map<UUID, Position> positions) {
        return batch.stream().map(id -> ReviewHistory.record(camel, events.get(id), positions.get(id), TOPIC)).toList();
    }

    private long claimed(List<UUID> ids) {
        return jdbc.queryForObject("SELECT count(*) FROM idempotency_markers WHERE message_id = ANY(?)", Long.class,
                (Object) ids.stream().map(UUID::toString).toArray(String[]::new));
    }

    private Map<UUID, String> superseded(String run) {
        Map<UUID, String> superseded = new HashMap<>();
        jdbc.query("SELECT event_id, reason FROM superseded_events WHERE entity_key LIKE ?",
                result -> {
                    superseded.put(result.getObject("event_id", UUID.class), result.getString("reason"));
                }, run + "-%");
        return superseded;
    }
}
