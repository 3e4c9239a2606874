package dev.sluice.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import dev.sluice.event.FailureReason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The dead letter's two views: its dlq_events row and its topic record's headers say the same thing. */
class DeadLetterTest {

    private static final Instant FIRST_FAILED = Instant.parse("2026-12-01T04:00:00Z");

    @Test
    void theRowHoldsEveryColumnAndTheRecordsOwnBytes() {
        byte[] key = "user:7".getBytes(StandardCharsets.UTF_8);
        byte[] value = {'{', 0, (byte) 0xff};
        DeadLetter letter = new DeadLetter(FailureReason.INVALID, "RejectedEventException", "payload.rating: 9",
                "e-1", "review_created", "events.main", 2, 41L, "user:7", key, value, 1, FIRST_FAILED, 3);

        assertThat(letter.row())
                .containsEntry("reason", "invalid")
                .containsEntry("exception_message", "payload.rating: 9")
                .containsEntry("source_partition", 2)
                .containsEntry("source_offset", 41L)
                .containsEntry("original_key", key)
                .containsEntry("original_value", value)
                .containsEntry("first_failed_at", "2026-12-01T04:00:00Z")
                .containsEntry("replay_count", 3)
                .hasSize(14);
    }

    @Test
    void theTopicHeadersAreTextAndLeaveOutWhatIsNotKnown() {
        DeadLetter malformed = new DeadLetter(FailureReason.MALFORMED, "RejectedEventException", "not JSON", null,
                null, "events.main", 0, 7L, null, null, new byte[] {1}, 1, FIRST_FAILED, 0);

        assertThat(malformed.topicHeaders())
                .containsEntry(DeadLetterHeaders.REASON, "malformed")
                .containsEntry(DeadLetterHeaders.ORIGINAL_OFFSET, "7")
                .containsEntry(DeadLetterHeaders.ATTEMPTS, "1")
                .containsEntry(DeadLetterHeaders.REPLAY_COUNT, "0")
                .doesNotContainKeys(DeadLetterHeaders.EVENT_ID, DeadLetterHeaders.EVENT_TYPE,
                        DeadLetterHeaders.ORIGINAL_KEY);
    }
}
