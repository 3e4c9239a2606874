package dev.sluice.event;

import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * Where an event came from: a Kafka record, or a line of a backfilled file. It is the event's lineage in its row, and,
 * after its event time, its place in the order of an entity's changes (docs/write-modes.md): {@link #partition} and
 * {@link #offset} break a tie between two events of the same instant. A file's line has partition -1, so at the same
 * instant a streamed event is newer than a backfilled one; two lines of one file follow their line numbers.
 */
public sealed interface EventSource permits EventSource.KafkaRecord, EventSource.FileLine {

    /** The header a backfill sets on each line's record ({@code sluice*}: no producer can forge it). */
    String HEADER = "sluiceEventSource";

    /** The row's {@code source_topic}: the topic, or {@code backfill:<file name>}. */
    String lineage();

    /** The Kafka partition; -1 for a file's line. */
    int partition();

    /** The Kafka offset, or the file's line number. */
    long offset();

    /** The source of a record as the pipeline holds it: a backfilled line says so, anything else is a Kafka record. */
    static EventSource of(Message record) {
        if (record.getHeader(HEADER) instanceof EventSource source) {
            return source;
        }
        return new KafkaRecord(String.valueOf(record.getHeader(KafkaConstants.TOPIC)),
                record.getHeader(KafkaConstants.PARTITION, -1, Integer.class),
                record.getHeader(KafkaConstants.OFFSET, -1L, Long.class));
    }

    record KafkaRecord(String topic, int partition, long offset) implements EventSource {
        @Override
        public String lineage() {
            return topic;
        }
    }

    record FileLine(String file, long line) implements EventSource {
        @Override
        public String lineage() {
            return "backfill:" + file;
        }

        @Override
        public int partition() {
            return -1;
        }

        @Override
        public long offset() {
            return line;
        }
    }
}
