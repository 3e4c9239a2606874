package dev.sluice.deadletter;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

import dev.sluice.event.EventHeaders;
import dev.sluice.event.FailureReason;
import dev.sluice.event.RejectedEventException;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterDescriberTest {

    private static int replayCountOf(Object header) {
        Message message = new DefaultMessage(new DefaultCamelContext());
        message.setHeader(DeadLetterHeaders.REPLAY_COUNT, header);
        return DeadLetterDescriber.replayCount(message);
    }

    @Test
    void aRejectedRecordIsPreparedAsItsDeadLetterAndATopicRecordThatKeepsItsKeyButNotItsKafkaCoordinates() {
        Message record = new DefaultMessage(new DefaultCamelContext());
        byte[] value = {'{', 0, (byte) 0xFF};
        record.setBody(value);
        record.setHeader(KafkaConstants.TOPIC, "events.main");
        record.setHeader(KafkaConstants.PARTITION, 3);
        record.setHeader(KafkaConstants.OFFSET, 41L);
        record.setHeader(KafkaConstants.KEY, "user:7".getBytes(StandardCharsets.UTF_8));
        record.setHeader("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
        record.setHeader(EventHeaders.EVENT_ID, "0b7c0f5e-7f3e-4a53-9d0e-0f1d2c3b4a59");

        PreparedDeadLetter prepared = new DeadLetterDescriber()
                .prepare(record, new RejectedEventException(FailureReason.MALFORMED, "record value is not UTF-8"));

        DeadLetter letter = prepared.letter();
        assertThat(letter.reason()).isEqualTo(FailureReason.MALFORMED);
        assertThat(letter.exceptionMessage()).isEqualTo("record value is not UTF-8");
        assertThat(letter.sourceTopic()).isEqualTo("events.main");
        assertThat(letter.sourcePartition()).isEqualTo(3);
        assertThat(letter.sourceOffset()).isEqualTo(41L);
        assertThat(letter.eventId()).isEqualTo("0b7c0f5e-7f3e-4a53-9d0e-0f1d2c3b4a59");
        assertThat(letter.originalValue()).isEqualTo(value);
        assertThat(letter.originalKey()).isEqualTo("user:7".getBytes(StandardCharsets.UTF_8));
        assertThat(letter.attempts()).isEqualTo(1);
        Message topic = prepared.topicRecord();
        assertThat(topic.getBody(byte[].class)).isEqualTo(value);
        assertThat(topic.getHeaders()).containsKeys(KafkaConstants.KEY, "trace-id")
                .containsEntry(DeadLetterHeaders.REASON, "malformed")
                .containsEntry(DeadLetterHeaders.ORIGINAL_OFFSET, "41")
                .doesNotContainKeys(KafkaConstants.TOPIC, KafkaConstants.PARTITION, KafkaConstants.OFFSET);
        assertThat(record.getHeaders()).as("the batch's record, which still gets its offset committed")
                .containsKeys(KafkaConstants.TOPIC, KafkaConstants.PARTITION, KafkaConstants.OFFSET)
                .doesNotContainKey(DeadLetterHeaders.REASON);
    }

    @Test
    void rejectionKeepsTheValidatorsReason() {
        assertThat(DeadLetterDescriber.classify(new RejectedEventException(FailureReason.TOO_LARGE, "big")))
                .isEqualTo(FailureReason.TOO_LARGE);
    }

    @Test
    void transientDatabaseFailuresAreRetriesExhaustedOnceTheyReachTheDeadLetterChannel() {
        assertThat(DeadLetterDescriber.classify(new CannotGetJdbcConnectionException("refused", new SQLException("08001"))))
                .isEqualTo(FailureReason.RETRIES_EXHAUSTED);
        assertThat(DeadLetterDescriber.classify(new CannotAcquireLockException("deadlock")))
                .isEqualTo(FailureReason.RETRIES_EXHAUSTED);
        assertThat(DeadLetterDescriber.classify(new CannotCreateTransactionException("no connection")))
                .isEqualTo(FailureReason.RETRIES_EXHAUSTED);
    }

    @Test
    void permanentDatabaseFailuresAreRejectedByDatabase() {
        assertThat(DeadLetterDescriber.classify(new DataIntegrityViolationException("0x00 in text")))
                .isEqualTo(FailureReason.REJECTED_BY_DATABASE);
    }

    @Test
    void aReplayCountIsBelievedOnlyAsASmallNonNegativeNumber() {
        assertThat(replayCountOf("7".getBytes(StandardCharsets.UTF_8))).isEqualTo(7);
        assertThat(replayCountOf("5000")).isEqualTo(DeadLetterHeaders.MAX_REPLAY_COUNT);
        assertThat(replayCountOf("-3")).isZero();
        assertThat(replayCountOf("99999999999999999999")).isZero();
        assertThat(replayCountOf(new byte[] {(byte) 0xFF, 0x00})).isZero();
        assertThat(replayCountOf(null)).isZero();
    }

    @Test
    void aFailureSummaryIsSafeTextWhateverTheMessageHolds() {
        String summary = DeadLetterDescriber.summarize(new RejectedEventException(FailureReason.UNSUPPORTED_SCHEMA,
                "'review\u0000created' v1 is not supported " + "x".repeat(5000)));
        assertThat(summary).doesNotContain("\u0000").hasSizeLessThanOrEqualTo(DeadLetterText.MAX_CHARS + 3);
    }

    @Test
    void anythingElseIsUnexpected() {
        assertThat(DeadLetterDescriber.classify(new IllegalStateException("bug"))).isEqualTo(FailureReason.UNEXPECTED);
    }
}
