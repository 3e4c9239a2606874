package dev.sluice.tools;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import dev.sluice.support.KafkaOffsets;
import dev.sluice.support.Patience;
import dev.sluice.support.PipelineTables;
import dev.sluice.tools.DeadLetterReplay.Result;
import dev.sluice.tools.DeadLetterReplay.Selection;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * DLQ replay against the running pipeline. The "bug" is a CHECK constraint on {@code reviews} that rejects reviews
 * whose text starts with "blocked": those events are dead-lettered as {@code rejected_by_database}. Dropping the
 * constraint is the fix; the replay then sends them back through the whole pipeline.
 */
@SpringBootTest
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 2, topics = {"events.main", "events.dlq"})
@DirtiesContext
class DeadLetterReplayIntegrationTest {

    private static final String REJECTED = "rejected_by_database";

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    EmbeddedKafkaBroker broker;

    private Producer<byte[], byte[]> producer;

    @BeforeEach
    void blockSomeReviews() {
        jdbc.execute(PipelineTables.TRUNCATE_ALL);
        jdbc.execute("ALTER TABLE reviews DROP CONSTRAINT IF EXISTS replay_test_blocked");
        jdbc.execute("ALTER TABLE reviews ADD CONSTRAINT replay_test_blocked CHECK (review_text NOT LIKE 'blocked%') NOT VALID");
        producer = DeadLetterReplay.createProducer(broker.getBrokersAsString());
    }

    @AfterEach
    void unblock() {
        producer.close();
        jdbc.execute("ALTER TABLE reviews DROP CONSTRAINT IF EXISTS replay_test_blocked");
    }

    @Test
    void replayAfterTheFixWritesEachEventOnceEvenWhenReplayedAgain() throws Exception {
        IntStream.range(0, 5).forEach(i -> sendReview("fine " + i));
        IntStream.range(0, 3).forEach(i -> sendReview("blocked " + i));
        awaitCounts(5, 3);
        jdbc.execute("ALTER TABLE reviews DROP CONSTRAINT replay_test_blocked");

        assertThat(replay(new Selection(REJECTED, null, null, null, 3)).replayed()).isEqualTo(3);
        awaitCounts(8, 3);
        assertThat(replay(new Selection(REJECTED, null, null, null, 3)).replayed())
                .as("a dead letter already replayed is not selected again").isZero();

        // As if the replay had crashed after sending but before marking: the same records go out a second time.
        jdbc.update("UPDATE dlq_events SET replayed_at = NULL");
        assertThat(replay(new Selection(REJECTED, null, null, null, 3)).replayed()).isEqualTo(3);
        awaitNoLag();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM reviews", Long.class)).isEqualTo(8);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT event_id) FROM reviews", Long.class)).isEqualTo(8);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dlq_events", Long.class)).isEqualTo(3);
    }

    @Test
    void anEventThatKeepsFailingIsHeldBackOnceItReachesTheReplayLimit() throws Exception {
        sendReview("blocked for good");
        awaitCounts(0, 1);

        Selection stillBroken = new Selection(REJECTED, null, null, null, 2);
        assertThat(replay(stillBroken)).isEqualTo(new Result(1, 0, false));
        awaitCounts(0, 2);
        assertThat(replay(stillBroken)).isEqualTo(new Result(1, 0, false));
        awaitCounts(0, 3);
        assertThat(replay(stillBroken)).isEqualTo(new Result(0, 1, false));

        awaitNoLag();
        assertThat(jdbc.queryForList("SELECT replay_count FROM dlq_events ORDER BY id", Integer.class))
                .containsExactly(0, 1, 2);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dlq_events", Long.class)).isEqualTo(3);
    }

    @Test
    void selectionByIdReplaysOnlyThoseAndDryRunSendsNothing() throws Exception {
        IntStream.range(0, 3).forEach(i -> sendReview("blocked " + i));
        awaitCounts(0, 3);
        jdbc.execute("ALTER TABLE reviews DROP CONSTRAINT replay_test_blocked");
        List<Long> ids = jdbc.queryForList("SELECT id FROM dlq_events ORDER BY id", Long.class);

        assertThat(replay(new Selection(null, null, null, List.of(ids.get(0)), 3), true)).isEqualTo(new Result(1, 0, true));
        assertThat(replay(new Selection(null, null, null, List.of(ids.get(0)), 3))).isEqualTo(new Result(1, 0, false));

        awaitCounts(1, 3);
        awaitNoLag();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM reviews", Long.class)).isEqualTo(1);
        assertThat(jdbc.queryForMap("SELECT count(*) FILTER (WHERE replayed_at IS NOT NULL) AS replayed,"
                + " count(*) FILTER (WHERE replayed_at IS NULL) AS waiting FROM dlq_events"))
                .isEqualTo(Map.of("replayed", 1L, "waiting", 2L));
    }

    @Test
    void replayGoesInBoundedBatchesAndAFailedSendLeavesOnlyWhatKafkaDidNotAcknowledgeUnmarked() throws Exception {
        IntStream.range(0, 7).forEach(i -> sendReview("blocked " + i));
        awaitCounts(0, 7);
        jdbc.execute("ALTER TABLE reviews DROP CONSTRAINT replay_test_blocked");
        List<Long> ids = jdbc.queryForList("SELECT id FROM dlq_events ORDER BY id", Long.class);
        // The fifth record sent is refused; the others are acknowledged at once.
        MockProducer<byte[], byte[]> kafka = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer()) {
            private int sends;

            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
                return ++sends == 5 ? CompletableFuture.failedFuture(new TimeoutException("broker gone"))
                        : super.send(record);
            }
        };

        try (Connection database = dataSource.getConnection()) {
            assertThatThrownBy(() -> new DeadLetterReplay(database, kafka, "events.main", 3)
                    .replay(new Selection(REJECTED, null, null, null, 3), false))
                    .hasRootCauseInstanceOf(TimeoutException.class);
        }

        assertThat(kafka.history()).as("the first batch, and the second but its refused record").hasSize(5);
        assertThat(jdbc.queryForList("SELECT id FROM dlq_events WHERE replayed_at IS NULL ORDER BY id", Long.class))
                .as("what was acknowledged is marked; the refused record and the batch never started are not")
                .containsExactly(ids.get(4), ids.get(6));
        // The mock took five; the real producer sends what is left: two events, each written once.
        assertThat(replay(new Selection(REJECTED, null, null, null, 3))).isEqualTo(new Result(2, 0, false));
        awaitCounts(2, 7);
    }

    private Result replay(Selection selection) throws Exception {
        return replay(selection, false);
    }

    private Result replay(Selection selection, boolean dryRun) throws Exception {
        try (Connection database = dataSource.getConnection()) {
            return new DeadLetterReplay(database, producer, "events.main").replay(selection, dryRun);
        }
    }

    private void sendReview(String text) {
        UUID eventId = UUID.randomUUID();
        producer.send(new ProducerRecord<>("events.main", "user:1".getBytes(StandardCharsets.UTF_8), ReviewEvents.valid(eventId, "user:1", "r-" + eventId, 4, text)));
        producer.flush();
    }

    private void awaitCounts(long rows, long deadLetters) {
        await().atMost(Patience.PIPELINE).untilAsserted(() -> {
            assertThat(jdbc.queryForObject("SELECT count(*) FROM reviews", Long.class)).isEqualTo(rows);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM dlq_events", Long.class)).isEqualTo(deadLetters);
        });
    }

    private void awaitNoLag() throws Exception {
        try (KafkaOffsets offsets = new KafkaOffsets(broker.getBrokersAsString())) {
            await().atMost(Patience.PIPELINE).untilAsserted(() ->
                    assertThat(offsets.lag("sluice", "events.main")).allSatisfy((partition, lag) -> assertThat(lag).isZero()));
        }
    }
}
