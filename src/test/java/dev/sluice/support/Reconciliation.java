package dev.sluice.support;

import java.time.Duration;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pipeline's promise, as the tests check it: every unique valid event is exactly one row, every invalid event
 * exactly one dead letter (in the table and on the topic), and the group's committed offsets reach the end of every
 * partition of {@code events.main}.
 */
public final class Reconciliation {

    public static final String EVENTS = "events.main";
    public static final String DEAD_LETTERS = "events.dlq";
    public static final String GROUP = "sluice";

    private Reconciliation() {
    }

    public static void awaitExact(JdbcTemplate jdbc, KafkaOffsets offsets, int partitions, long expectedRows,
                                  long expectedDeadLetters) throws Exception {
        await().atMost(Patience.PIPELINE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(PipelineTables.count(jdbc, "reviews")).isEqualTo(expectedRows);
            assertThat(PipelineTables.count(jdbc, "dlq_events")).isEqualTo(expectedDeadLetters);
            assertThat(offsets.lag(GROUP, EVENTS)).hasSize(partitions).allSatisfy((partition, lag) -> assertThat(lag).isZero());
        });
        // Everything is committed, so nothing more can arrive: the counts are final, not a passing moment.
        assertThat(PipelineTables.count(jdbc, "reviews")).isEqualTo(expectedRows);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT event_id) FROM reviews", Long.class)).isEqualTo(expectedRows);
        assertThat(PipelineTables.count(jdbc, "dlq_events")).isEqualTo(expectedDeadLetters);
        assertThat(offsets.recordCount(DEAD_LETTERS)).isEqualTo(expectedDeadLetters);
        assertThat(PipelineTables.count(jdbc, "idempotency_markers")).isEqualTo(expectedRows);
        System.out.printf("Reconciled: rows=%d (expected %d) dlq_events=%d dlq_topic=%d (expected %d) lag=0 on %d partitions%n",
                PipelineTables.count(jdbc, "reviews"), expectedRows, PipelineTables.count(jdbc, "dlq_events"),
                offsets.recordCount(DEAD_LETTERS), expectedDeadLetters, partitions);
    }
}
