package dev.sluice.validate;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.event.EventHeaders;
import dev.sluice.event.FailureReason;
import dev.sluice.event.RejectedEventException;
import dev.sluice.event.ValidEvent;
import dev.sluice.tools.ReviewEvents;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The validator against the schemas operators ship in routes-yaml/schemas. */
class EventValidatorTest {

    private final EventValidator validator = new EventValidator(new ObjectMapper(),
            EventSchemas.loadFrom(Path.of("routes-yaml/schemas")), 1024);
    private final Message message = new DefaultExchange(new DefaultCamelContext()).getMessage();

    @Test
    void validEventBecomesAMapWithItsIdAndTypeInHeaders() {
        UUID eventId = UUID.randomUUID();

        ValidEvent event = validator.validate(ReviewEvents.valid(eventId, "user:7", "r-1", 5, "lovely"), message);

        assertThat(event.key()).isEqualTo("user:7");
        assertThat(event.schemaVersion()).isEqualTo(1);
        assertThat(event.payload()).isEqualTo(Map.of("review_id", "r-1", "rating", 5, "text", "lovely"));
        assertThat(message.getHeader(EventHeaders.EVENT_ID)).isEqualTo(eventId.toString());
        assertThat(message.getHeader(EventHeaders.EVENT_TYPE)).isEqualTo("review_created");
    }

    @ParameterizedTest(name = "{0} -> {1} naming {2}")
    @CsvSource({
            "MALFORMED_JSON, MALFORMED, not JSON",
            "RATING_OUT_OF_RANGE, INVALID, payload.rating",
            "MISSING_REVIEW_ID, INVALID, review_id",
            "EVENT_ID_NOT_UUID, INVALID, event_id",
            "UNSUPPORTED_VERSION, UNSUPPORTED_SCHEMA, v99"})
    void eachDefectIsRejectedWithItsReasonAndField(ReviewEvents.Defect defect, FailureReason reason, String named) {
        assertThatThrownBy(() -> validator.validate(ReviewEvents.withDefect(defect, "user:1"), message))
                .isInstanceOfSatisfying(RejectedEventException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(named);
    }

    @Test
    void oversizedRecordIsRejectedBeforeParsing() {
        byte[] big = ("{\"pad\":\"" + "x".repeat(2000) + "\"}").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> validator.validate(big, message))
                .isInstanceOfSatisfying(RejectedEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.TOO_LARGE))
                .hasMessageContaining("limit is 1024");
    }

    @Test
    void envelopeFieldsAreRequiredWithTheirTypes() {
        String noTimestamp = "{\"event_id\":\"" + UUID.randomUUID() + "\",\"event_type\":\"review_created\","
                + "\"key\":\"user:1\",\"ts\":\"yesterday\",\"schema_version\":1,\"payload\":{}}";

        assertThatThrownBy(() -> validator.validate(noTimestamp.getBytes(StandardCharsets.UTF_8), message))
                .hasMessageStartingWith("ts: must be an ISO-8601 timestamp");
    }

    @Test
    void anEventTimeFarAheadIsRefusedAndAClockALittleAheadIsNot() {
        String stamped = "{\"event_id\":\"%s\",\"event_type\":\"review_created\",\"key\":\"user:1\",\"ts\":\"%s\","
                + "\"schema_version\":1,\"payload\":{\"review_id\":\"r-1\",\"rating\":5,\"text\":\"t\"}}";
        Instant now = Instant.now();

        assertThatThrownBy(() -> validator.validate(stamped.formatted(UUID.randomUUID(), now.plus(Duration.ofDays(365)))
                .getBytes(StandardCharsets.UTF_8), message))
                .isInstanceOfSatisfying(RejectedEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.INVALID))
                .hasMessageStartingWith("ts: more than 60 minutes ahead");
        assertThat(validator.validate(stamped.formatted(UUID.randomUUID(), now.plus(Duration.ofMinutes(10)))
                .getBytes(StandardCharsets.UTF_8), message).payload()).isNotEmpty();
        assertThat(validator.validate(stamped.formatted(UUID.randomUUID(), "2019-05-01T00:00:00Z")
                .getBytes(StandardCharsets.UTF_8), message).payload()).isNotEmpty();
    }

    @ParameterizedTest(name = "a key twice {0} -> malformed naming {1}")
    @CsvSource(delimiter = '|', value = {
            "at the top level| 'ts' at /ts| {\"event_id\":\"%s\",\"event_type\":\"review_created\",\"key\":\"u\",\"ts\":\"2026-01-01T00:00:00Z\",\"ts\":\"2026-02-01T00:00:00Z\",\"schema_version\":1,\"payload\":{\"review_id\":\"r\",\"rating\":1,\"text\":\"t\"}}",
            "in the payload| 'rating' at /payload/rating| {\"event_id\":\"%s\",\"event_type\":\"review_created\",\"key\":\"u\",\"ts\":\"2026-01-01T00:00:00Z\",\"schema_version\":1,\"payload\":{\"review_id\":\"r\",\"rating\":1,\"text\":\"t\",\"rating\":5}}"})
    void aKeyTwiceInOneObjectIsMalformedAndNamed(String where, String named, String json) {
        assertThatThrownBy(() -> validator.validate(json.formatted(UUID.randomUUID()).getBytes(StandardCharsets.UTF_8),
                message))
                .isInstanceOfSatisfying(RejectedEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.MALFORMED))
                .hasMessage("record value has a key twice in one object: " + named);
    }

    @Test
    void aByteOrderMarkOrAnotherEncodingThanUtf8IsMalformed() {
        byte[] event = ReviewEvents.valid(UUID.randomUUID(), "user:1", "r-1", 5, "fine");
        byte[] withMark = new byte[event.length + 3];
        withMark[0] = (byte) 0xEF;
        withMark[1] = (byte) 0xBB;
        withMark[2] = (byte) 0xBF;
        System.arraycopy(event, 0, withMark, 3, event.length);
        byte[] utf16 = new String(event, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16LE);

        assertThatThrownBy(() -> validator.validate(withMark, message))
                .isInstanceOfSatisfying(RejectedEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.MALFORMED))
                .hasMessageContaining("byte-order mark");
        assertThatThrownBy(() -> validator.validate(utf16, message))
                .isInstanceOfSatisfying(RejectedEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.MALFORMED))
                .hasMessageContaining("must be UTF-8");
        assertThat(validator.validate(event, message).payload()).isNotEmpty();
    }

    @ParameterizedTest(name = "{0} -> invalid naming {1}")
    @CsvSource(delimiter = '|', value = {
            "a lone surrogate in the key| key| review_created| 1| user \\udc01| {\"review_id\":\"r\",\"rating\":1,\"text\":\"t\"}",
            "a lone surrogate in the text| payload.text| review_created| 1| u| {\"review_id\":\"r\",\"rating\":1,\"text\":\"abc \\ud800 def\"}",
            "a lone surrogate in a v2 title| payload.title| review_created| 2| u| {\"review_id\":\"r\",\"rating\":1,\"body\":\"b\",\"title\":\"\\ud800\"}",
            "a lone surrogate in an update's text| payload.text| review_updated| 1| u| {\"review_id\":\"r\",\"rating\":1,\"text\":\"\\udfff!\"}",
            "a NUL in the text| payload.text| review_created| 1| u| {\"review_id\":\"r\",\"rating\":1,\"text\":\"a\\u0000b\"}",
            "a NUL in the review id| payload.review_id| review_deleted| 1| u| {\"review_id\":\"r\\u0000\"}"})
    void textPostgreSQLCannotStoreUnchangedIsInvalidAndNamesItsField(String what, String field, String type,
                                                                      int version, String key, String payload) {
        byte[] event = ("{\"event_id\":\"%s\",\"event_type\":\"%s\",\"key\":\"%s\",\"ts\":\"2026-01-01T00:00:00Z\","
                + "\"schema_version\":%d,\"payload\":%s}").formatted(UUID.randomUUID(), type, key, version, payload)
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> validator.validate(event, message))
                .isInstanceOfSatisfying(RejectedEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.INVALID))
                .hasMessageStartingWith(field + ": holds a")
                .hasMessageContaining("which PostgreSQL cannot store unchanged");
    }

    @Test
    void aSurrogatePairIsTextLikeAnyOtherAndKeptAsSent() {
        byte[] event = ("{\"event_id\":\"%s\",\"event_type\":\"review_created\",\"key\":\"u\","
                + "\"ts\":\"2026-01-01T00:00:00Z\",\"schema_version\":1,"
                + "\"payload\":{\"review_id\":\"r\",\"rating\":1,\"text\":\"smile \\ud83d\\ude00\"}}")
                .formatted(UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);

        assertThat(validator.validate(event, message).payload())
                .isEqualTo(Map.of("review_id", "r", "rating", 1, "text", "smile \uD83D\uDE00"));
    }

    @ParameterizedTest(name = "event_type ''{0}'' is invalid")
    @CsvSource(ignoreLeadingAndTrailingWhitespace = false, delimiter = '|', value = {"review_created ", " review_created", "Review_Created", "review-created"})
    void anEventTypeThatIsNotAPlainNameIsInvalid(String type) {
        byte[] event = ("{\"event_id\":\"%s\",\"event_type\":\"%s\",\"key\":\"u\",\"ts\":\"2026-01-01T00:00:00Z\","
                + "\"schema_version\":1,\"payload\":{\"review_id\":\"r\",\"rating\":1,\"text\":\"t\"}}")
                .formatted(UUID.randomUUID(), type).getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> validator.validate(event, message))
                .isInstanceOfSatisfying(RejectedEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.INVALID))
                .hasMessageStartingWith("event_type: must be lower-case letters, digits and _");
    }

    @Test
    void fiftyNineMinutesAheadIsAcceptedAndSixtyOneAreNot() {
        String stamped = "{\"event_id\":\"%s\",\"event_type\":\"review_created\",\"key\":\"user:1\",\"ts\":\"%s\","
                + "\"schema_version\":1,\"payload\":{\"review_id\":\"r-1\",\"rating\":5,\"text\":\"t\"}}";
        Instant now = Instant.now();

        assertThat(validator.validate(stamped.formatted(UUID.randomUUID(), now.plus(Duration.ofMinutes(59)))
                .getBytes(StandardCharsets.UTF_8), message).payload()).isNotEmpty();
        assertThatThrownBy(() -> validator.validate(stamped.formatted(UUID.randomUUID(),
                now.plus(Duration.ofMinutes(61))).getBytes(StandardCharsets.UTF_8), message))
                .hasMessageStartingWith("ts: more than 60 minutes ahead");
    }
}
