package dev.sluice.reconciliation;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.sluice.support.KafkaOffsets;
import dev.sluice.support.Patience;
import dev.sluice.support.PipelineTables;
import dev.sluice.support.Reconciliation;
import dev.sluice.tools.LoadGenerator;
import org.apache.camel.CamelContext;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pipeline's promise, checked end to end on a real broker and a real PostgreSQL: every unique valid event is
 * exactly one row, every invalid event exactly one dead letter (in the table and on the topic), and the group's
 * committed offsets reach the end of every partition. Subclasses say where the broker and database come from.
 */
abstract class ReconciliationScenarios {

    static final String EVENTS = Reconciliation.EVENTS;
    static final String DEAD_LETTERS = Reconciliation.DEAD_LETTERS;

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CamelContext camel;

    private Producer<String, byte[]> producer;
    private KafkaOffsets offsets;

    protected abstract String bootstrapServers();

    @BeforeEach
    void startClean() {
        jdbc.execute(PipelineTables.TRUNCATE_ALL);
        producer = LoadGenerator.createProducer(bootstrapServers());
        offsets = new KafkaOffsets(bootstrapServers());
    }

    @AfterEach
    void closeClients() {
        producer.close();
        offsets.close();
    }

    @Test
    void tenThousandEventsWithDuplicatesAndInvalidOnesReconcileExactly() throws Exception {
        LoadGenerator.Summary sent = produce(10_000, 42);
        System.out.println("Produced: " + sent);

        assertThat(sent.duplicates()).isGreaterThan(800);
        assertThat(sent.invalid()).isGreaterThan(50);
        awaitExactReconciliation(sent.uniqueValid(), sent.invalid());
        assertThat(PipelineTables.deadLettersByReason(jdbc)).containsOnlyKeys("malformed", "invalid", "unsupported_schema");
    }

    @Test
    void restartingTheCamelContextMidStreamStillReconcilesExactly() throws Exception {
        CompletableFuture<LoadGenerator.Summary> firstHalf = CompletableFuture.supplyAsync(() -> produce(5_000, 7));
        await().atMost(Patience.PIPELINE).until(() -> PipelineTables.count(jdbc, "reviews") >= 1_000);

        camel.stop();
        long rowsWhileStopped = PipelineTables.count(jdbc, "reviews");
        camel.start();

        LoadGenerator.Summary first = firstHalf.get();
        LoadGenerator.Summary second = produce(5_000, 8);
        assertThat(rowsWhileStopped).isLessThan(first.uniqueValid());
        awaitExactReconciliation(first.uniqueValid() + second.uniqueValid(), first.invalid() + second.invalid());
    }

    private LoadGenerator.Summary produce(long events, long seed) {
        var options = new LoadGenerator.Options(bootstrapServers(), EVENTS, 0, Duration.ofMinutes(5), events,
                80, 10, 1, seed);
        return LoadGenerator.run(options, producer, null);
    }

    private void awaitExactReconciliation(long expectedRows, long expectedDeadLetters) throws Exception {
        Reconciliation.awaitExact(jdbc, offsets, 6, expectedRows, expectedDeadLetters);
    }
}
