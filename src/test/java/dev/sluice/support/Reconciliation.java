package dev.sluice.support;

import java.time.Duration;

import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.ThrowingRunnable;
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

    /**
     * What a run with changes must end with: rows (creations, and changes to reviews never created), dead letters,
     * events recorded as superseded, and valid events, each claimed once (one idempotency marker each).
     */
    public record Expected(long rows, long deadLetters, long superseded, long validEvents) {
    }

    /** Rows, dead letters and offsets as with creations only; then the ledger and the markers. */
    public static void awaitExact(JdbcTemplate jdbc, KafkaOffsets offsets, int partitions, Expected expected)
            throws Exception {
        awaitOrDescribe(jdbc, offsets, () -> {
            assertThat(PipelineTables.count(jdbc, "reviews")).isEqualTo(expected.rows());
            assertThat(PipelineTables.count(jdbc, "dlq_events")).isEqualTo(expected.deadLetters());
            assertThat(offsets.lag(GROUP, EVENTS)).hasSize(partitions).allSatisfy((partition, lag) -> assertThat(lag).isZero());
        });
        assertThat(PipelineTables.count(jdbc, "reviews")).isEqualTo(expected.rows());
        assertThat(PipelineTables.count(jdbc, "dlq_events")).isEqualTo(expected.deadLetters());
        assertThat(offsets.recordCount(DEAD_LETTERS)).isEqualTo(expected.deadLetters());
        assertThat(PipelineTables.count(jdbc, "superseded_events")).isEqualTo(expected.superseded());
        assertThat(PipelineTables.count(jdbc, "idempotency_markers")).isEqualTo(expected.validEvents());
        System.out.printf("Reconciled: rows=%d dlq_events=%d dlq_topic=%d superseded=%d markers=%d (expected %s) lag=0 on"
                        + " %d partitions%n", PipelineTables.count(jdbc, "reviews"), PipelineTables.count(jdbc, "dlq_events"),
                offsets.recordCount(DEAD_LETTERS), PipelineTables.count(jdbc, "superseded_events"),
                PipelineTables.count(jdbc, "idempotency_markers"), expected, partitions);
    }

    public static void awaitExact(JdbcTemplate jdbc, KafkaOffsets offsets, int partitions, long expectedRows,
                                  long expectedDeadLetters) throws Exception {
        awaitOrDescribe(jdbc, offsets, () -> {
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

    /**
     * Waits for the counts; if they never come, says what there is instead (rows, dead letters by reason, each
     * partition's lag) before failing, so a run that ends one event short shows whether it was dead-lettered or stuck.
     */
    private static void awaitOrDescribe(JdbcTemplate jdbc, KafkaOffsets offsets, ThrowingRunnable counts)
            throws Exception {
        try {
            await().atMost(Patience.PIPELINE).pollInterval(Duration.ofMillis(500)).untilAsserted(counts);
        } catch (ConditionTimeoutException e) {
            System.out.printf("Not reconciled: rows=%d dead letters by reason=%s lag=%s%n",
                    PipelineTables.count(jdbc, "reviews"),
                    jdbc.queryForList("SELECT reason || ': ' || count(*) FROM dlq_events GROUP BY reason", String.class),
                    offsets.lag(GROUP, EVENTS));
            throw e;
        }
    }
}
