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

        Map<String, Object> event = validator.validate(
                ReviewEvents.valid(eventId, "user:7", "r-1", 5, "lovely"), message);

        assertThat(event).containsEntry("key", "user:7").containsEntry("schema_version", 1);
        assertThat(event.get("payload")).isEqualTo(Map.of("review_id", "r-1", "rating", 5, "text", "lovely"));
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
                .getBytes(StandardCharsets.UTF_8), message)).containsKey("payload");
        assertThat(validator.validate(stamped.formatted(UUID.randomUUID(), "2019-05-01T00:00:00Z")
                .getBytes(StandardCharsets.UTF_8), message)).containsKey("payload");
    }
}
