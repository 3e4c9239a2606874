package dev.sluice.store;

import java.util.ArrayList;
import java.util.List;

import dev.sluice.event.ValidEvent;
import dev.sluice.support.Events;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a store attempt hands back: each event beside what it became. */
class StoreChunkTest {

    @Test
    void eachEventIsGivenItsOutcomeInTheChunksOrder() {
        ValidEvent a = Events.review(Events.id(), "r-1");
        ValidEvent b = Events.review(Events.id(), "r-2");
        ValidEvent c = Events.review(Events.id(), "r-1");
        StoreChunk chunk = StoreChunk.of(List.of(a, b, c));

        chunk.written(new StoreOutcome[] {StoreOutcome.APPLIED, StoreOutcome.DUPLICATE, StoreOutcome.CONFLICT});

        List<String> seen = new ArrayList<>();
        chunk.forEachOutcome((event, outcome) -> seen.add(event.payload().get("review_id") + "=" + outcome));
        assertThat(seen).containsExactly("r-1=APPLIED", "r-2=DUPLICATE", "r-1=CONFLICT");
    }

    @Test
    void aRecordTheIdempotentConsumerFoundClaimedWasNeverWrittenAndIsADuplicate() {
        StoreChunk chunk = StoreChunk.ofOne(Events.review(Events.id(), "r-1"));

        List<StoreOutcome> outcomes = new ArrayList<>();
        chunk.forEachOutcome((event, outcome) -> outcomes.add(outcome));

        assertThat(outcomes).containsExactly(StoreOutcome.DUPLICATE);
    }

    @Test
    void onlyConflictsAndStaleChangesHaveALedgerReason() {
        assertThat(StoreOutcome.CONFLICT.supersededReason()).isEqualTo("conflict");
        assertThat(StoreOutcome.STALE.supersededReason()).isEqualTo("stale");
        assertThat(StoreOutcome.APPLIED.supersededReason()).isNull();
        assertThat(StoreOutcome.DUPLICATE.supersededReason()).isNull();
    }
}
