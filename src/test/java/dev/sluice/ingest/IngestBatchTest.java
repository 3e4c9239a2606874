package dev.sluice.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.sluice.event.FailureReason;
import dev.sluice.event.RejectedEventException;
import dev.sluice.event.ValidEvent;
import dev.sluice.store.EventType;
import dev.sluice.support.Events;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batch value on its own: slices of one type each, in an order that applies every key's events in the poll's
 * order; the rejected apart; outcomes added up.
 */
class IngestBatchTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();

    @Test
    void typesThatDoNotShareAKeyAreOneSliceEachInPollOrderWithTheirRecordsBesideTheirEvents() {
        List<Exchange> records = records(5);
        IngestBatch batch = new IngestBatch(records, Duration.ofMinutes(1));

        batch.admit(Events.REVIEW_CREATED, review("r-1", 0), records.get(0));
        batch.admit(Events.REVIEW_UPDATED, review("r-2", 1), records.get(1));
        batch.reject(records.get(2), new RejectedEventException(FailureReason.INVALID, "rating: too high"));
        batch.admit(Events.REVIEW_CREATED, review("r-3", 3), records.get(3));
        batch.admit(Events.REVIEW_UPDATED, review("r-4", 4), records.get(4));

        assertThat(batch.slices()).extracting(TypeSlice::eventType).containsExactly("review_created", "review_updated");
        TypeSlice created = batch.slices().get(0);
        assertThat(created.events()).extracting(event -> event.payload().get("n")).containsExactly(0, 3);
        assertThat(created.records()).containsExactly(records.get(0), records.get(3));
        assertThat(created.progress()).isSameAs(batch.progress());
        assertThat(created.outcomes()).isSameAs(batch.outcomes());
        assertThat(batch.rejected()).extracting(IngestBatch.Rejected::record).containsExactly(records.get(2));
        assertThat(batch.admittedCount()).isEqualTo(4);
        assertThat(batch.records()).containsExactlyElementsOf(records);
    }

    @Test
    void aKeysCreationUpdatesAndDeletionAreSlicedSoTheyApplyInPollOrder() {
        List<Exchange> records = records(7);
        IngestBatch batch = new IngestBatch(records, Duration.ofMinutes(1));
        List<EventType> types = List.of(Events.REVIEW_CREATED, Events.REVIEW_UPDATED, Events.REVIEW_UPDATED,
                Events.REVIEW_CREATED, Events.REVIEW_DELETED, Events.REVIEW_UPDATED, Events.REVIEW_UPDATED);
        List<String> keys = List.of("a", "a", "a", "b", "a", "b", "a");
        for (int n = 0; n < 7; n++) {
            batch.admit(types.get(n), review(keys.get(n), n), records.get(n));
        }

        // a: created, updated twice, deleted, updated; b: created, updated. Each slice is one statement.
        assertThat(batch.slices()).extracting(slice -> slice.eventType() + slice.events().stream()
                        .map(event -> event.payload().get("n")).toList())
                .containsExactly("review_created[0, 3]", "review_updated[1, 2, 5]", "review_deleted[4]",
                        "review_updated[6]");
        List<Integer> appliedOrderOfA = new ArrayList<>();
        batch.slices().forEach(slice -> slice.events().stream().filter(event -> "a".equals(
                event.payload().get("review_id"))).forEach(event -> appliedOrderOfA.add((Integer) event.payload().get("n"))));
        assertThat(appliedOrderOfA).containsExactly(0, 1, 2, 4, 6);
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

    private static ValidEvent review(String reviewId, int n) {
        return Events.event("review_created", Events.id(), Map.of("review_id", reviewId, "n", n));
    }

    private List<Exchange> records(int count) {
        List<Exchange> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new DefaultExchange(camel));
        }
        return records;
    }
}
