package dev.sluice.support;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.sluice.tools.LoadGenerator;
import org.apache.kafka.clients.producer.Producer;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A database fault under load, as the slow- and silent-database tests stage it: 20 s of events at 200/s (1 % invalid,
 * 5 % duplicates), the fault once rows are being written, then an exact reconciliation. Rebalances are counted from
 * the Kafka client's own log line for a consumer given its partitions, which {@link ConsoleTee} sees.
 */
public final class DatabaseFaultUnderLoad {

    private static final String JOINED = "Adding newly assigned partitions";

    private final JdbcTemplate jdbc;
    private final String bootstrapServers;
    private final ConsoleTee console;
    private CompletableFuture<LoadGenerator.Summary> load;
    private int joinsBeforeFault;

    public DatabaseFaultUnderLoad(JdbcTemplate jdbc, String bootstrapServers, ConsoleTee console) {
        this.jdbc = jdbc;
        this.bootstrapServers = bootstrapServers;
        this.console = console;
    }

    /** Starts the load and returns once rows are being written: a fault nobody crosses tests nothing. */
    public void startLoad(long seed) {
        jdbc.execute(PipelineTables.TRUNCATE_ALL);
        load = CompletableFuture.supplyAsync(() -> {
            try (Producer<String, byte[]> producer = LoadGenerator.createProducer(bootstrapServers)) {
                return LoadGenerator.run(new LoadGenerator.Options(bootstrapServers, "events.main", 200,
                        Duration.ofSeconds(20), Long.MAX_VALUE, 80, 5, 1, seed), producer, null);
            }
        });
        await().atMost(Patience.PIPELINE).pollInterval(Duration.ofMillis(200))
                .until(() -> PipelineTables.count(jdbc, "reviews") > 0);
        joinsBeforeFault = joins();
    }

    /** Waits for every event to be written or dead-lettered exactly once; returns the rebalances since the fault. */
    public int reconcile(String fault) throws Exception {
        LoadGenerator.Summary sent = load.get();
        try (KafkaOffsets offsets = new KafkaOffsets(bootstrapServers)) {
            await().atMost(Patience.PIPELINE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                assertThat(PipelineTables.count(jdbc, "reviews")).isEqualTo(sent.uniqueValid());
                assertThat(PipelineTables.count(jdbc, "dlq_events")).isEqualTo(sent.invalid());
                assertThat(offsets.lag("sluice", "events.main")).allSatisfy((partition, lag) -> assertThat(lag).isZero());
            });
            // The topic is at-least-once (docs/guarantees.md): a dead letter whose topic record was acknowledged but
            // whose row's commit was lost with the database is written again on the re-read. dlq_events is the count.
            assertThat(offsets.recordCount("events.dlq")).isGreaterThanOrEqualTo(sent.invalid());
        }
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT event_id) FROM reviews", Long.class))
                .isEqualTo(sent.uniqueValid());
        assertThat(PipelineTables.deadLettersByReason(jdbc)).as("nothing healthy is dead-lettered")
                .doesNotContainKeys("retries_exhausted", "unexpected", "rejected_by_database", "dead_letter_failed");
        int rebalances = joins() - joinsBeforeFault;
        System.out.printf("Reconciled after a %s: produced=%d uniqueValid=%d rows=%d dlq=%d (invalid %d) duplicates=0;"
                        + " consumer joins (rebalances) since the fault began: %d%n", fault, sent.sent(),
                sent.uniqueValid(), PipelineTables.count(jdbc, "reviews"), PipelineTables.count(jdbc, "dlq_events"),
                sent.invalid(), rebalances);
        return rebalances;
    }

    private int joins() {
        String log = console.captured();
        int count = 0;
        for (int at = log.indexOf(JOINED); at >= 0; at = log.indexOf(JOINED, at + 1)) {
            count++;
        }
        return count;
    }
}
