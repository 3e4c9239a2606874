package dev.sluice.support;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.sluice.event.EventSource;
import dev.sluice.event.ValidEvent;
import dev.sluice.store.ColumnMapping;
import dev.sluice.store.EventType;
import dev.sluice.store.WriteMode;

/** Valid events as the validator hands them on, for tests of the steps after it. */
public final class Events {

    /** The shipped types as their files declare them, for the steps that only need a type's name, table and key. */
    public static final EventType REVIEW_CREATED = type("review_created", WriteMode.INSERT);
    public static final EventType REVIEW_UPDATED = type("review_updated", WriteMode.UPSERT);
    public static final EventType REVIEW_DELETED = type("review_deleted", WriteMode.DELETE);

    private Events() {
    }

    private static EventType type(String name, WriteMode mode) {
        return new EventType(name, mode, "reviews", "review_id",
                List.of(new ColumnMapping("review_id", "review_id", Map.of())), Optional.empty());
    }

    public static ValidEvent event(String eventType, String eventId, Map<String, Object> payload) {
        return event(eventType, eventId, 1, Instant.parse("2026-12-01T00:00:00Z"), payload,
                new EventSource.KafkaRecord("events.main", 0, 0));
    }

    public static ValidEvent event(String eventType, String eventId, int schemaVersion, Instant at,
                                   Map<String, Object> payload, EventSource source) {
        return new ValidEvent(eventId, eventType, "user:1", at.toString(), at, schemaVersion, payload, source);
    }

    public static ValidEvent review(String eventId, String reviewId) {
        return event("review_created", eventId, Map.of("review_id", reviewId, "rating", 4, "text", "fine"));
    }

    public static String id() {
        return UUID.randomUUID().toString();
    }
}
