package dev.sluice.changes;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultExchange;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Random histories of reviews (creations, updates, deletions, now and then a second creation) and what applying them
 * must give: the test oracle of the write modes. {@link State#apply} is the rule of each mode (docs/write-modes.md),
 * one event at a time: applied in the order the events were read it gives each event's outcome; applied in position
 * order it gives the state the table must end in, whatever order the events arrived in.
 */
final class ReviewHistory {

    enum Kind {
        CREATED("review_created"), UPDATED("review_updated"), DELETED("review_deleted");

        final String eventType;

        Kind(String eventType) {
            this.eventType = eventType;
        }
    }

    enum Outcome { APPLIED, CONFLICT, STALE }

    /** Where an event sits in its review's order: event time, then partition and offset. */
    record Position(Instant at, int partition, long offset) implements Comparable<Position> {
        private static final Comparator<Position> ORDER = Comparator.comparing(Position::at)
                .thenComparingInt(Position::partition).thenComparingLong(Position::offset);

        @Override
        public int compareTo(Position other) {
            return ORDER.compare(this, other);
        }
    }

    /** One event; its offset is given when it is first delivered (a replay is the same event, read again). */
    record Change(Kind kind, UUID eventId, String reviewId, String key, Instant ts, int partition, Integer rating,
                  String text, String title) {
    }

    /** A row of reviews, as the test reads it back. */
    record Row(String userKey, Integer rating, String text, String title, Instant reviewedAt, UUID eventId,
               Instant deletedAt, Position version) {
    }

    /** Reviews' rows, changed one event at a time by the modes' rules. */
    static final class State {
        private final Map<String, Row> rows = new HashMap<>();

        Outcome apply(Change c, Position at) {
            Row row = rows.get(c.reviewId());
            Row next;
            switch (c.kind()) {
                case CREATED -> {
                    if (row != null && row.eventId() != null) {
                        return Outcome.CONFLICT;
                    }
                    if (row == null) {
                        next = new Row(c.key(), c.rating(), c.text(), c.title(), c.ts(), c.eventId(), null, at);
                    } else if (row.deletedAt() != null) {
                        // A deletion is final: the tombstone only learns which event created it.
                        next = new Row(row.userKey(), row.rating(), row.text(), row.title(), row.reviewedAt(),
                                c.eventId(), row.deletedAt(), row.version());
                    } else if (at.compareTo(row.version()) > 0) {
                        next = new Row(c.key(), c.rating(), c.text(), c.title(), c.ts(), c.eventId(), null, at);
                    } else {
                        // Older than what an update already wrote: it fills in only what the row lacks.
                        next = new Row(or(row.userKey(), c.key()), or(row.rating(), c.rating()), or(row.text(), c.text()),
                                or(row.title(), c.title()), or(row.reviewedAt(), c.ts()), c.eventId(), null,
                                row.version());
                    }
                }
                case UPDATED -> {
                    if (row == null) {
                        next = new Row(c.key(), c.rating(), c.text(), null, null, null, null, at);
                    } else if (row.deletedAt() != null || at.compareTo(row.version()) <= 0) {
                        return Outcome.STALE;
                    } else {
                        next = new Row(c.key(), c.rating(), c.text(), row.title(), row.reviewedAt(), row.eventId(), null,
                                at);
                    }
                }
                case DELETED -> {
                    if (row == null) {
                        next = new Row(c.key(), null, null, null, null, null, c.ts(), at);
                    } else if (row.deletedAt() != null && at.compareTo(row.version()) >= 0) {
                        return Outcome.STALE;
                    } else {
                        // Everything but the key, the creation's id and the position is erased.
                        next = new Row(row.userKey(), null, null, null, null, row.eventId(), c.ts(), at);
                    }
                }
                default -> throw new IllegalStateException();
            }
            rows.put(c.reviewId(), next);
            return Outcome.APPLIED;
        }

        Map<String, Row> rows() {
            return rows;
        }

        private static <T> T or(T value, T otherwise) {
            return value != null ? value : otherwise;
        }
    }

    /**
     * The state the table must end in: each review's events applied in position order, except that of two creations
     * the one delivered first is the creation and the other a conflict (two events both claiming to create a review
     * have no order between them; the first one wins, as on the stream).
     */
    static Map<String, Row> inOrder(Map<UUID, Change> events, Map<UUID, Position> positions, List<UUID> firstDelivered) {
        Map<String, UUID> creation = new HashMap<>();
        for (UUID id : firstDelivered) {
            Change c = events.get(id);
            if (c.kind() == Kind.CREATED) {
                creation.putIfAbsent(c.reviewId(), id);
            }
        }
        State state = new State();
        events.values().stream()
                .filter(c -> c.kind() != Kind.CREATED || creation.get(c.reviewId()).equals(c.eventId()))
                .sorted(Comparator.comparing(c -> positions.get(c.eventId())))
                .forEach(c -> state.apply(c, positions.get(c.eventId())));
        return state.rows();
    }

    /** A few reviews' events, with equal event times now and then, so partition and offset break ties. */
    static Map<UUID, Change> generate(Random random, String run, int reviews, Instant base) {
        Map<UUID, Change> events = new LinkedHashMap<>();
        for (int n = 0; n < reviews; n++) {
            String reviewId = run + "-r" + n;
            String key = "user:" + run + "-" + n;
            int partition = random.nextInt(2);
            List<Change> history = new ArrayList<>();
            int creations = random.nextInt(10) == 0 ? 2 : 1;
            for (int i = 0; i < creations; i++) {
                boolean titled = random.nextInt(3) == 0;
                history.add(new Change(Kind.CREATED, UUID.randomUUID(), reviewId, key, at(random, base), partition,
                        1 + random.nextInt(5), "created " + n + "." + i, titled ? "title " + n + "." + i : null));
            }
            for (int i = random.nextInt(5); i > 0; i--) {
                history.add(new Change(Kind.UPDATED, UUID.randomUUID(), reviewId, key, at(random, base), partition,
                        1 + random.nextInt(5), "updated " + n + "." + i, null));
            }
            for (int i = random.nextInt(10) < 3 ? 1 + random.nextInt(2) : 0; i > 0; i--) {
                history.add(new Change(Kind.DELETED, UUID.randomUUID(), reviewId, key, at(random, base), partition,
                        null, null, null));
            }
            history.forEach(c -> events.put(c.eventId(), c));
        }
        return events;
    }

    /** Whole seconds in a narrow window: events of one review often share a time. */
    private static Instant at(Random random, Instant base) {
        return base.plusSeconds(random.nextInt(8));
    }

    /** The event as a record of the events topic, at its position: what the ingest route reads. */
    static Exchange record(CamelContext camel, Change c, Position at, String topic) {
        Exchange record = new DefaultExchange(camel);
        record.getMessage().setBody(json(c).getBytes(StandardCharsets.UTF_8));
        record.getMessage().setHeader(KafkaConstants.TOPIC, topic);
        record.getMessage().setHeader(KafkaConstants.PARTITION, at.partition());
        record.getMessage().setHeader(KafkaConstants.OFFSET, at.offset());
        return record;
    }

    /** The run's rows of reviews, as the oracle's {@link Row}s. */
    static Map<String, Row> table(JdbcTemplate jdbc, String run) {
        Map<String, Row> rows = new HashMap<>();
        jdbc.query("SELECT review_id, user_key, rating, review_text, title, reviewed_at, event_id, deleted_at,"
                + " version_at, version_partition, version_offset FROM reviews WHERE review_id LIKE ?", result -> {
                    rows.put(result.getString("review_id"), new Row(result.getString("user_key"),
                            result.getObject("rating", Integer.class), result.getString("review_text"),
                            result.getString("title"), instant(result.getTimestamp("reviewed_at")),
                            result.getObject("event_id", UUID.class), instant(result.getTimestamp("deleted_at")),
                            new Position(result.getTimestamp("version_at").toInstant(),
                                    result.getInt("version_partition"), result.getLong("version_offset"))));
                }, run + "-%");
        return rows;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** The event as a producer sends it. */
    static String json(Change c) {
        StringBuilder payload = new StringBuilder("{\"review_id\":\"" + c.reviewId() + "\"");
        boolean v2 = c.kind() == Kind.CREATED && c.title() != null;
        if (c.rating() != null) {
            payload.append(",\"rating\":").append(c.rating());
        }
        if (c.text() != null) {
            payload.append(v2 ? ",\"body\":\"" : ",\"text\":\"").append(c.text()).append('"');
        }
        if (v2) {
            payload.append(",\"title\":\"").append(c.title()).append('"');
        }
        payload.append('}');
        return """
                {"event_id":"%s","event_type":"%s","key":"%s","ts":"%s","schema_version":%d,"payload":%s}"""
                .formatted(c.eventId(), c.kind().eventType, c.key(), c.ts(), v2 ? 2 : 1, payload);
    }

    private ReviewHistory() {
    }
}
