package dev.sluice.bench.connect;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * The benchmark's Kafka Connect series (bench/README.md): turns a review_created event, as the JsonConverter decoded
 * it, into its {@code reviews} row for the Debezium JDBC sink, or refuses it.
 *
 * <p>The sink stops its task on a row PostgreSQL refuses (a rating of 9 breaks the table's CHECK, an event_id that is
 * not a UUID its column type), so an event Sluice's {@code EventValidator} would refuse must not reach it. This
 * transform applies the same rules (the envelope's, then {@code routes-yaml/schemas/review_created.v1} and {@code v2})
 * and throws a {@link DataException} for anything else: with {@code errors.tolerance=all}, Connect sends the record to
 * the connector's dead-letter topic and goes on. A record that is not JSON at all never gets here: the converter fails
 * first, with the same outcome. A string PostgreSQL cannot store unchanged (a NUL, a lone surrogate) is refused in every
 * field the row keeps. Not checked, because a decoded record no longer shows them: Sluice's limit on the record's bytes
 * (64 KiB by default), a key twice in one object (the converter keeps the last), and fields outside the envelope's
 * schema.
 *
 * <p>The row is the one Sluice's review_created statement writes: the payload's and envelope's fields, the record's
 * lineage (topic, partition, offset), and the same lineage as the row's position ({@code version_*}). Timestamps and
 * the event id keep their text and carry Debezium's semantic types, so the sink binds them as {@code timestamptz} and
 * {@code uuid}.
 */
public final class ReviewRow<R extends ConnectRecord<R>> implements Transformation<R> {

    /** How far ahead of the clock an event's ts may be (EventValidator.MAX_AHEAD). */
    private static final long MAX_AHEAD_SECONDS = 3600;
    private static final Pattern CANONICAL_UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Schema TIMESTAMP = SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").build();
    private static final Schema UUID = SchemaBuilder.string().name("io.debezium.data.Uuid").build();

    static final Schema ROW = SchemaBuilder.struct().name("dev.sluice.bench.connect.Review")
            .field("review_id", Schema.STRING_SCHEMA)
            .field("user_key", Schema.STRING_SCHEMA)
            .field("rating", Schema.INT16_SCHEMA)
            .field("review_text", Schema.STRING_SCHEMA)
            .field("title", Schema.OPTIONAL_STRING_SCHEMA)
            .field("reviewed_at", TIMESTAMP)
            .field("event_id", UUID)
            .field("source_topic", Schema.STRING_SCHEMA)
            .field("source_partition", Schema.INT32_SCHEMA)
            .field("source_offset", Schema.INT64_SCHEMA)
            .field("version_at", TIMESTAMP)
            .field("version_partition", Schema.INT32_SCHEMA)
            .field("version_offset", Schema.INT64_SCHEMA)
            .build();

    @Override
    public R apply(R record) {
        if (!(record.value() instanceof Struct event) || !(record instanceof SinkRecord sunk)) {
            throw new DataException("record value is not a JSON object");
        }
        String eventId = requireText(event, "event_id");
        if (!CANONICAL_UUID.matcher(eventId).matches()) {
            throw new DataException("event_id: must be a UUID");
        }
        String eventType = requireText(event, "event_type");
        String key = requireStorable("key", requireText(event, "key"));
        String ts = requireText(event, "ts");
        requireNotAhead(parseTimestamp(ts));
        Integer schemaVersion = event.getInt32("schema_version");
        if (schemaVersion == null) {
            throw new DataException("schema_version: is required");
        }
        Struct payload = event.getStruct("payload");
        if (payload == null) {
            throw new DataException("payload: must be a JSON object");
        }
        if (!"review_created".equals(eventType) || (schemaVersion != 1 && schemaVersion != 2)) {
            throw new DataException("event_type/schema_version: '" + eventType + "' v" + schemaVersion
                    + " is not supported (supported: review_created v1, v2)");
        }
        String reviewId = requireStorable("payload.review_id", payload.getString("review_id"));
        if (reviewId == null || reviewId.isEmpty() || reviewId.length() > 64) {
            throw new DataException("payload.review_id: a string of 1 to 64 characters is required");
        }
        Integer rating = payload.getInt32("rating");
        if (rating == null || rating < 1 || rating > 5) {
            throw new DataException("payload.rating: an integer from 1 to 5 is required");
        }
        // v2 renamed text to body and added an optional title; each version binds only its own fields.
        String text = requireStorable("payload." + (schemaVersion == 1 ? "text" : "body"),
                payload.getString(schemaVersion == 1 ? "text" : "body"));
        if (text == null || text.length() > 4000) {
            throw new DataException("payload." + (schemaVersion == 1 ? "text" : "body")
                    + ": a string of at most 4000 characters is required");
        }
        String title = schemaVersion == 2 ? requireStorable("payload.title", payload.getString("title")) : null;
        if (title != null && title.length() > 200) {
            throw new DataException("payload.title: at most 200 characters");
        }
        Struct row = new Struct(ROW)
                .put("review_id", reviewId)
                .put("user_key", key)
                .put("rating", rating.shortValue())
                .put("review_text", text)
                .put("title", title)
                .put("reviewed_at", ts)
                .put("event_id", eventId)
                .put("source_topic", sunk.originalTopic())
                .put("source_partition", sunk.originalKafkaPartition())
                .put("source_offset", sunk.originalKafkaOffset())
                .put("version_at", ts)
                .put("version_partition", sunk.originalKafkaPartition())
                .put("version_offset", sunk.originalKafkaOffset());
        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(), ROW, row,
                record.timestamp());
    }

    private static String requireText(Struct event, String field) {
        String value = event.getString(field);
        if (value == null) {
            throw new DataException(field + ": is required");
        }
        if (value.isBlank()) {
            throw new DataException(field + ": must be a non-empty string");
        }
        return value;
    }

    /** A NUL, or half of a surrogate pair, is text PostgreSQL would refuse or change (EventValidator's JsonValues). */
    private static String requireStorable(String field, String value) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1));
            if (c == 0 || (Character.isSurrogate(c) && !paired)) {
                throw new DataException(field + ": holds a NUL or a lone surrogate, which PostgreSQL cannot store");
            }
            if (paired) {
                i++;
            }
        }
        return value;
    }

    private static Instant parseTimestamp(String ts) {
        try {
            return OffsetDateTime.parse(ts).toInstant();
        } catch (DateTimeParseException e) {
            throw new DataException("ts: must be an ISO-8601 timestamp with an offset, e.g. 2026-01-31T12:00:00Z");
        }
    }

    private static void requireNotAhead(Instant ts) {
        if (ts.isAfter(Instant.now().plusSeconds(MAX_AHEAD_SECONDS))) {
            throw new DataException("ts: more than " + MAX_AHEAD_SECONDS / 60 + " minutes ahead of the clock");
        }
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public void close() {
    }
}
