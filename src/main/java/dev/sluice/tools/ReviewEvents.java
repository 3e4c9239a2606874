package dev.sluice.tools;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Builds review_created events as they arrive on the wire: valid ones, and each kind of invalid one. */
public final class ReviewEvents {

    /** The ways an event can be wrong, one per validator rule family; the load generator cycles through them. */
    public enum Defect { MALFORMED_JSON, RATING_OUT_OF_RANGE, MISSING_REVIEW_ID, EVENT_ID_NOT_UUID, UNSUPPORTED_VERSION }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReviewEvents() {
    }

    public static byte[] valid(UUID eventId, String key, String reviewId, int rating, String text) {
        return toJson(envelope(eventId.toString(), key, 1,
                Map.of("review_id", reviewId, "rating", rating, "text", text)));
    }

    /** A review_updated of {@code reviewId}, stamped {@code ts}. */
    public static byte[] updated(UUID eventId, String key, String reviewId, int rating, String text, Instant ts) {
        Map<String, Object> event = new java.util.HashMap<>(envelope(eventId.toString(), key, 1,
                Map.of("review_id", reviewId, "rating", rating, "text", text)));
        event.put("event_type", "review_updated");
        event.put("ts", ts.toString());
        return toJson(event);
    }

    /** schema_version 2: {@code text} is {@code body}, and a title may be given (null: none). */
    public static byte[] validV2(UUID eventId, String key, String reviewId, int rating, String title, String body) {
        Map<String, Object> payload = new java.util.HashMap<>(Map.of("review_id", reviewId, "rating", rating,
                "body", body));
        if (title != null) {
            payload.put("title", title);
        }
        return toJson(envelope(eventId.toString(), key, 2, payload));
    }

    public static byte[] withDefect(Defect defect, String key) {
        String eventId = UUID.randomUUID().toString();
        Map<String, Object> payload = Map.of("review_id", "r-" + eventId, "rating", 4, "text", "fine");
        return switch (defect) {
            case MALFORMED_JSON -> "{\"event_id\": \"".concat(eventId).concat("\", oops").getBytes(StandardCharsets.UTF_8);
            case RATING_OUT_OF_RANGE -> toJson(envelope(eventId, key, 1,
                    Map.of("review_id", "r-" + eventId, "rating", 9, "text", "too good")));
            case MISSING_REVIEW_ID -> toJson(envelope(eventId, key, 1, Map.of("rating", 3, "text", "who?")));
            case EVENT_ID_NOT_UUID -> toJson(envelope("not-a-uuid", key, 1, payload));
            case UNSUPPORTED_VERSION -> toJson(envelope(eventId, key, 99, payload));
        };
    }

    private static Map<String, Object> envelope(String eventId, String key, int schemaVersion, Map<String, Object> payload) {
        return Map.of(
                "event_id", eventId,
                "event_type", "review_created",
                "key", key,
                "ts", Instant.now().toString(),
                "schema_version", schemaVersion,
                "payload", payload);
    }

    private static byte[] toJson(Map<String, Object> event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
