package dev.sluice.store;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a chunk's attempt hands back: the rows it writes, and which of them changed nothing. */
class StoreChunkTest {

    private static final String UPPER = "3F2504E0-4F89-11D3-9A0C-0305E82C3301";
    private static final String LOWER = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

    @Test
    void itWritesTheFirstSeenRowsAndAppliedLeavesOutTheSupersededWhateverTheCaseOfTheirIds() {
        StoreChunk chunk = new StoreChunk(List.of(row(UPPER), row(LOWER), row(LOWER)));
        chunk.claimed(List.of(row(UPPER), row(LOWER)));

        // PostgreSQL prints a uuid in lower case, whatever case the producer sent.
        chunk.superseded(SupersededEvents.CONFLICT, Set.of(UPPER.toLowerCase()));

        assertThat(chunk).extracting(row -> row.get("event_id")).containsExactly(UPPER, LOWER);
        assertThat(chunk.applied()).extracting(row -> row.get("event_id")).containsExactly(LOWER);
        assertThat(chunk.superseded()).isEqualTo(1);
        assertThat(chunk.supersededReason()).isEqualTo("conflict");
        assertThat(chunk.duplicates()).isEqualTo(1);
    }

    @Test
    void withNothingSupersededEveryFirstSeenRowIsAppliedAndThereIsNoReason() {
        StoreChunk chunk = new StoreChunk(List.of(row(LOWER)));
        chunk.claimed(List.of(row(LOWER)));
        chunk.superseded(SupersededEvents.STALE, Set.of());

        assertThat(chunk.applied()).hasSize(1);
        assertThat(chunk.supersededReason()).isNull();
    }

    private static Map<String, Object> row(String eventId) {
        return Map.of("event_id", eventId);
    }
}
