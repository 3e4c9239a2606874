package dev.sluice.validate;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import dev.sluice.event.Correlation;
import dev.sluice.event.EventHeaders;
import dev.sluice.event.FailureReason;
import dev.sluice.event.EventSource;
import dev.sluice.event.RejectedEventException;
import dev.sluice.event.ValidEvent;
import org.apache.camel.Body;
import org.apache.camel.Handler;
import org.apache.camel.Message;
import org.slf4j.MDC;

/**
 * Decodes a record value into an event and checks it: the envelope here, the payload against the schema declared for
 * its event type and version. A valid event leaves as a {@link ValidEvent}, with the {@link EventHeaders} set; anything else is a {@link RejectedEventException} whose message names the field.
 * <p>
 * Strict, so that what is stored is exactly what was sent and no two parsers can read one record two ways: a key twice
 * in one object, a byte-order mark, or JSON in another encoding than UTF-8 is {@code malformed}; a string that
 * PostgreSQL could not store unchanged (a NUL, a lone surrogate) is {@code invalid} (docs/guarantees.md).
 */
public class EventValidator {

    /** How far ahead of Sluice's clock an event's {@code ts} may be: producers' clocks drift a little. */
    static final Duration MAX_AHEAD = Duration.ofHours(1);

    /** An event type names a schema file and a store route, so it is a name and nothing else. */
    private static final Pattern EVENT_TYPE = Pattern.compile("[a-z0-9_]{1,100}");
    private static final Pattern CANONICAL_UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /**
     * Jackson's own duplicate detection: without it the last of two equal keys wins, so a gateway that reads the first
     * would validate one value and Sluice store another.
     */
    private final ObjectReader reader;
    private final EventSchemas schemas;
    private final int maxEventBytes;

    public EventValidator(ObjectMapper mapper, EventSchemas schemas, int maxEventBytes) {
        this.reader = mapper.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
        this.schemas = schemas;
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * Untags the thread: {@link #validate} leaves the event's id in the logging context, so the lines logged while that
     * one event is handled carry it.
     */
    public void forgetEventId() {
        MDC.remove(Correlation.EVENT_ID);
    }

    @Handler
    public ValidEvent validate(@Body byte[] recordValue, Message message) {
        return validate(recordValue, message, EventSource.of(message));
    }

    /** For a batch, which has read where each record came from. */
    public ValidEvent validate(byte[] recordValue, Message message, EventSource source) {
        MDC.remove(Correlation.EVENT_ID);
        JsonNode event = parse(recordValue);
        String eventId = requireText(event, "event_id");
        if (!CANONICAL_UUID.matcher(eventId).matches()) {
            throw invalid("event_id: must be a UUID");
        }
        // Set as soon as it is known, so a dead letter for a later rule still names its event.
        message.setHeader(EventHeaders.EVENT_ID, eventId);
        MDC.put(Correlation.EVENT_ID, eventId);
        String eventType = requireText(event, "event_type");
        if (!EVENT_TYPE.matcher(eventType).matches()) {
            throw invalid("event_type: must be lower-case letters, digits and _ (at most 100), not '"
                    + eventType + "'");
        }
        // Set once it is a name, like the id: a dead letter names the type even when a later rule fails.
        message.setHeader(EventHeaders.EVENT_TYPE, eventType);
        String key = requireText(event, ValidEvent.KEY);
        requireStorable(ValidEvent.KEY, key);
        String ts = requireText(event, ValidEvent.TS);
        Instant at = requireTimestamp(ValidEvent.TS, ts);
        requireNotAhead(at);
        int schemaVersion = requireInt(event, "schema_version");
        JsonNode payload = event.get("payload");
        if (payload == null || !payload.isObject()) {
            throw invalid("payload: must be a JSON object");
        }
        JsonSchema schema = schemas.find(eventType, schemaVersion).orElseThrow(() -> new RejectedEventException(
                FailureReason.UNSUPPORTED_SCHEMA, "event_type/schema_version: '" + eventType + "' v" + schemaVersion
                        + " is not supported (supported: " + schemas.describe() + ")"));
        Set<ValidationMessage> violations = schema.validate(payload);
        if (!violations.isEmpty()) {
            throw invalid(violations.stream()
                    .map(violation -> violation.getMessage().replaceFirst("^\\$", "payload"))
                    .sorted()
                    .collect(Collectors.joining("; ")));
        }
        Map<String, Object> values;
        try {
            values = JsonValues.object(payload);
        } catch (JsonValues.UnstorableText e) {
            throw invalid(e.under("payload").getMessage());
        }
        return new ValidEvent(eventId, eventType, key, ts, at, schemaVersion, values, source);
    }

    private static void requireStorable(String field, String text) {
        int unstorable = StorableText.firstUnstorable(text);
        if (unstorable >= 0) {
            throw invalid(field + ": " + StorableText.describe(text, unstorable));
        }
    }

    private JsonNode parse(byte[] recordValue) {
        if (recordValue == null || recordValue.length == 0) {
            throw new RejectedEventException(FailureReason.MALFORMED, "record value is empty");
        }
        if (recordValue.length > maxEventBytes) {
            throw new RejectedEventException(FailureReason.TOO_LARGE,
                    "record value is " + recordValue.length + " bytes, the limit is " + maxEventBytes);
        }
        Utf8Json.requireUtf8(recordValue);
        JsonNode event;
        try {
            event = reader.readTree(recordValue);
        } catch (StreamReadException e) {
            JsonParser parser = e.getProcessor();
            if (e.getOriginalMessage().startsWith("Duplicate field") && parser != null) {
                throw new RejectedEventException(FailureReason.MALFORMED, "record value has a key twice in one object: '"
                        + parser.getParsingContext().getCurrentName() + "' at "
                        + parser.getParsingContext().pathAsPointer());
            }
            throw new RejectedEventException(FailureReason.MALFORMED,
                    "record value is not JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the offending input; keep only its first line, which names the problem.
            throw new RejectedEventException(FailureReason.MALFORMED,
                    "record value is not JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new RejectedEventException(FailureReason.MALFORMED, "record value cannot be read: " + e.getMessage());
        }
        if (event == null || !event.isObject()) {
            throw new RejectedEventException(FailureReason.MALFORMED, "record value is not a JSON object");
        }
        return event;
    }

    private static String requireText(JsonNode event, String field) {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            throw invalid(field + ": is required");
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw invalid(field + ": must be a non-empty string");
        }
        return value.asText();
    }

    private static Instant requireTimestamp(String field, String value) {
        try {
            return EventTime.parse(value);
        } catch (DateTimeParseException e) {
            throw invalid(field + ": must be an ISO-8601 timestamp with an offset, e.g. 2026-01-31T12:00:00Z");
        }
    }

    /**
     * The event time decides which change of a row is newer (docs/write-modes.md), so one from the future would win
     * over every real change after it: an update stamped next year would freeze its review. A producer's clock may be
     * a little ahead; more than {@link #MAX_AHEAD} is refused.
     */
    private static void requireNotAhead(Instant ts) {
        if (ts.isAfter(Instant.now().plus(MAX_AHEAD))) {
            throw invalid("ts: more than " + MAX_AHEAD.toMinutes() + " minutes ahead of Sluice's clock");
        }
    }

    private static int requireInt(JsonNode event, String field) {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            throw invalid(field + ": is required");
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw invalid(field + ": must be an integer");
        }
        return value.intValue();
    }

    private static RejectedEventException invalid(String message) {
        return new RejectedEventException(FailureReason.INVALID, message);
    }
}
