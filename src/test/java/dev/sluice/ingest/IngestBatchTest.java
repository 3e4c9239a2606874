package dev.sluice.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.sluice.event.FailureReason;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The batch value on its own: slices by event type in poll order, the rejected apart, outcomes added up. */
class IngestBatchTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();

    @Test
    void admittedRecordsFormOneSlicePerEventTypeInPollOrderWithTheirRecordsBesideTheirRows() {
        List<Exchange> records = records(5);
        IngestBatch batch = new IngestBatch(records, Duration.ofMinutes(1));

        batch.admit("review_created", Map.of("n", 0), records.get(0));
        batch.admit("order_placed", Map.of("n", 1), records.get(1));
        batch.reject(records.get(2));
        batch.admit("review_created", Map.of("n", 3), records.get(3));
        batch.admit("order_placed", Map.of("n", 4), records.get(4));

        assertThat(batch.slices()).extracting(TypeSlice::eventType).containsExactly("review_created", "order_placed");
        TypeSlice reviews = batch.slices().get(0);
        assertThat(reviews.rows()).extracting(row -> row.get("n")).containsExactly(0, 3);
        assertThat(reviews.records()).containsExactly(records.get(0), records.get(3));
        assertThat(reviews.batch()).isSameAs(batch);
        assertThat(batch.rejected()).containsExactly(records.get(2));
        assertThat(batch.admittedCount()).isEqualTo(4);
        assertThat(batch.records()).containsExactlyElementsOf(records);
    }

    @Test
    void anEmptyPollHasNoSlicesAndNothingToThrottle() {
        IngestBatch batch = new IngestBatch(List.of(), Duration.ofMinutes(1));

        assertThat(batch.slices()).isEmpty();
        assertThat(batch.admittedCount()).isZero();
        assertThat(batch.deadLetters()).isCompleted();
    }

    @Test
    void outcomesCountEveryWrittenDuplicateAndDeadLetteredEventOnce() {
        BatchOutcomes outcomes = new IngestBatch(records(0), Duration.ofMinutes(1)).outcomes();

        outcomes.written(Instant.parse("2026-12-01T00:00:00Z"));
        outcomes.written(Instant.parse("2026-12-01T00:00:01Z"));
        outcomes.duplicates(3);
        outcomes.deadLettered(FailureReason.INVALID);
        outcomes.deadLettered(FailureReason.INVALID);
        outcomes.deadLettered(FailureReason.REJECTED_BY_DATABASE);

        assertThat(outcomes.writtenEventTimes()).hasSize(2);
        assertThat(outcomes.duplicates()).isEqualTo(3);
        assertThat(outcomes.deadLetters()).containsOnly(Map.entry(FailureReason.INVALID, 2),
                Map.entry(FailureReason.REJECTED_BY_DATABASE, 1));
        assertThat(outcomes.count()).isEqualTo(8);
    }

    private List<Exchange> records(int count) {
        List<Exchange> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new DefaultExchange(camel));
        }
        return records;
    }
}
