package dev.sluice.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.ExpressionAdapter;

/**
 * A validated event as one flat row, the shape the store routes' batch INSERTs bind by name: the payload's fields, then
 * the envelope's ({@code event_id, event_type, key, ts, schema_version}) and the record's lineage
 * ({@code source_topic, source_partition, source_offset}). Flat, so a new event type's INSERT names its columns'
 * values directly ({@code :#review_id}) and needs no Java. An envelope or lineage name wins over a payload field of the
 * same name.
 */
public final class EventRows {

    public static final String EVENT_ID = "event_id";
    public static final String TS = "ts";
    public static final String EVENT_TYPE = "event_type";
    public static final String SCHEMA_VERSION = "schema_version";
    public static final String SOURCE_TOPIC = "source_topic";
    public static final String SOURCE_PARTITION = "source_partition";
    public static final String SOURCE_OFFSET = "source_offset";

    private static final List<String> ENVELOPE = List.of("event_id", "event_type", "key", "ts", "schema_version");
    private static final List<String> LINEAGE = List.of(SOURCE_TOPIC, SOURCE_PARTITION, SOURCE_OFFSET);

    /** A row's event id, the one-record path's idempotency key (plain Java, like StoreChunk.ANY_FIRST_SEEN). */
    public static final Expression EVENT_ID_OF_ROW = new ExpressionAdapter() {
        @Override
        public Object evaluate(Exchange exchange) {
            return exchange.getMessage().getBody(Map.class).get(EVENT_ID);
        }

        @Override
        public String toString() {
            return "row[event_id]";
        }
    };

    private EventRows() {
    }

    /** A name the envelope or the record's lineage gives every row, whatever the payload holds. */
    public static boolean isEnvelope(String name) {
        return ENVELOPE.contains(name) || LINEAGE.contains(name);
    }

    /** The event's {@code ts}, which the validator checked is an ISO-8601 timestamp with an offset. */
    public static Instant eventTime(Map<String, Object> row) {
        return OffsetDateTime.parse(String.valueOf(row.get(TS))).toInstant();
    }

    public static Map<String, Object> row(Map<String, Object> event, Message record) {
        Map<String, Object> row = new HashMap<>(16);
        if (event.get("payload") instanceof Map<?, ?> payload) {
            payload.forEach((name, value) -> row.put(String.valueOf(name), value));
        }
        for (String name : ENVELOPE) {
            row.put(name, event.get(name));
        }
        row.put(SOURCE_TOPIC, record.getHeader(KafkaConstants.TOPIC));
        row.put(SOURCE_PARTITION, record.getHeader(KafkaConstants.PARTITION));
        row.put(SOURCE_OFFSET, record.getHeader(KafkaConstants.OFFSET));
        return row;
    }
}
