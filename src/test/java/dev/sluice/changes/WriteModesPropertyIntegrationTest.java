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
 * second creation), delivered in a random order, in random batches sliced by event type as the ingest route slices
 * them, as chunks or one row at a time, with replays, re-reads of what was already written (a crash before the
 * offsets' commit) and slices written then rolled back (a crash before the database's commit) and delivered again,
 * the table ends in the state of each review's events applied in order; every event is claimed
 * once and is either applied or recorded as superseded, exactly as the modes' rules say for the order it arrived in;
 * and the per-minute statistics equal a recount.
 * <p>
 * The runs go through the shipped store routes ({@code direct:store-review_*}) on the real PostgreSQL. The seed is
 * printed; {@code -Dsluice.property.seed=<seed>} replays a run, {@code -Dsluice.property.runs=<n>} sets how many.
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
    void anyArrivalOrderWithReplaysEndsInTheStateOfEachReviewsEventsAppliedInOrder() throws Exception {
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

        State arrival = new State();
        Set<UUID> claimed = new HashSet<>();
        Map<UUID, Outcome> expectedOutcomes = new HashMap<>();
        for (List<UUID> batch : batches(random, deliveries)) {
            // The ingest route writes a batch's event types one after another, in the order they first appear.
            Map<Kind, List<UUID>> slices = new LinkedHashMap<>();
            batch.forEach(id -> slices.computeIfAbsent(events.get(id).kind(), k -> new ArrayList<>()).add(id));
            for (Map.Entry<Kind, List<UUID>> slice : slices.entrySet()) {
                if (random.nextInt(8) == 0) {
                    crashBeforeCommit(random, producer, slice.getKey(), slice.getValue(), events, positions);
                }
                write(random, producer, slice.getKey(), slice.getValue(), events, positions);
                for (UUID id : slice.getValue()) {
                    if (claimed.add(id)) {
                        expectedOutcomes.put(id, arrival.apply(events.get(id), positions.get(id)));
                    }
                }
            }
        }

        Map<String, Row> expected = ReviewHistory.inOrder(events, positions, firstDelivered);
        assertThat(arrival.rows()).as("the modes' rules converge whatever the order (%s)", failure)
                .isEqualTo(expected);
        assertThat(ReviewHistory.table(jdbc, run)).as("reviews after the run (%s)", failure).isEqualTo(expected);
        Map<UUID, String> superseded = superseded(run);
        Map<UUID, String> expectedSuperseded = new HashMap<>();
        expectedOutcomes.forEach((id, outcome) -> {
            if (outcome != Outcome.APPLIED) {
                expectedSuperseded.put(id, outcome.name().toLowerCase());
            }
        });
        assertThat(superseded).as("superseded events and why (%s)", failure).isEqualTo(expectedSuperseded);
        assertThat(claimed(List.copyOf(events.keySet()))).as("every event claimed once (%s)", failure)
                .isEqualTo(events.size());
        assertThat(jdbc.queryForObject(PipelineTables.STATS_MINUTES_OFF_RECOUNT, Long.class))
                .as("per-minute statistics off their recount (%s)", failure).isZero();
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

    /**
     * A slice of one event type, as one chunk, or in smaller chunks, or one row at a time (the slow path). A chunk the
     * database refuses is written one row at a time, as ChunkedWrite ends up doing: two creations of one review in
     * one multi-row INSERT ... ON CONFLICT DO UPDATE are refused ("cannot affect row a second time").
     */
    private static void write(Random random, ProducerTemplate producer, Kind kind, List<UUID> ids,
                              Map<UUID, Change> events, Map<UUID, Position> positions) {
        String route = "direct:store-" + kind.eventType;
        List<Map<String, Object>> rows = rows(producer, ids, events, positions);
        int way = random.nextInt(3);
        int chunk = way == 0 ? rows.size() : way == 1 ? 1 + random.nextInt(3) : 1;
        for (int from = 0; from < rows.size(); from += chunk) {
            List<Map<String, Object>> part = rows.subList(from, Math.min(rows.size(), from + chunk));
            if (send(producer, route, way == 2 ? new HashMap<>(part.get(0)) : new StoreChunk(part)) != null) {
                for (Map<String, Object> row : part) {
                    assertThat(send(producer, route, new HashMap<>(row))).as("writing %s to %s", row, route).isNull();
                }
            }
        }
    }

    /**
     * A crash between the write and its commit: the slice is written inside a transaction that is then rolled back
     * (the store route's transaction joins it), as a process killed before committing leaves nothing behind. The
     * caller then delivers the slice again, as a consumer restarted from the last committed offset would.
     */
    private void crashBeforeCommit(Random random, ProducerTemplate producer, Kind kind, List<UUID> ids,
                                   Map<UUID, Change> events, Map<UUID, Position> positions) {
        long claimedBefore = claimed(ids);
        new TransactionTemplate(transactions).executeWithoutResult(crash -> {
            String route = "direct:store-" + kind.eventType;
            List<Map<String, Object>> rows = rows(producer, ids, events, positions);
            int chunk = 1 + random.nextInt(rows.size());
            for (int from = 0; from < rows.size(); from += chunk) {
                if (send(producer, route, new StoreChunk(rows.subList(from, Math.min(rows.size(), from + chunk))))
                        != null) {
                    break;
                }
            }
            crash.setRollbackOnly();
        });
        assertThat(claimed(ids)).as("claims left by a rolled-back write").isEqualTo(claimedBefore);
    }

    private long claimed(List<UUID> ids) {
        return jdbc.queryForObject("SELECT count(*) FROM idempotency_markers WHERE message_id = ANY(?)", Long.class,
                (Object) ids.stream().map(UUID::toString).toArray(String[]::new));
    }

    private static List<Map<String, Object>> rows(ProducerTemplate producer, List<UUID> ids, Map<UUID, Change> events,
                                                  Map<UUID, Position> positions) {
        return ids.stream().map(id -> ReviewHistory.storeRow(producer.getCamelContext(), events.get(id),
                positions.get(id), TOPIC)).toList();
    }

    private static Exception send(ProducerTemplate producer, String route, Object body) {
        Exchange attempt = new DefaultExchange(producer.getCamelContext());
        attempt.getMessage().setBody(body);
        return producer.send(route, attempt).getException();
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
