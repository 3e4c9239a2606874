package dev.sluice.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.sluice.event.EventSource;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the offset commit commits, on its own: each partition past its last record, or at its first deferred record.
 * The commit itself (on the batch's consumer, synchronously) is pinned by the integration tests on a real broker.
 */
class KafkaBatchTest {

    private static final TopicPartition P0 = new TopicPartition("events.main", 0);
    private static final TopicPartition P1 = new TopicPartition("events.main", 1);

    private final DefaultCamelContext camel = new DefaultCamelContext();

    @Test
    void eachPartitionMovesPastItsLastRecordWhateverTheirOrderInThePoll() {
        List<EventSource> records = List.of(source(P0, 10), source(P1, 7), source(P0, 12), source(P0, 11),
                source(P1, 8));

        assertThat(KafkaBatch.nextOffsets(records, List.of())).containsOnly(
                Map.entry(P0, new OffsetAndMetadata(13)), Map.entry(P1, new OffsetAndMetadata(9)));
    }

    @Test
    void aPartitionWithDeferredRecordsStopsAtTheFirstOfThemAndTheOthersMoveOn() {
        List<EventSource> records = new ArrayList<>();
        for (long offset = 100; offset < 110; offset++) {
            records.add(source(P0, offset));
        }
        records.add(source(P1, 5));
        List<EventSource> deferred = List.of(records.get(7), records.get(4), records.get(9));

        assertThat(KafkaBatch.nextOffsets(records, deferred)).containsOnly(
                Map.entry(P0, new OffsetAndMetadata(104)), Map.entry(P1, new OffsetAndMetadata(6)));
    }

    @Test
    void aBatchThatDeferredRecordsFailsAfterItsCommitSoTheyAreReadAgain() {
        List<Exchange> records = List.of(record(P0, 1), record(P0, 2), record(P0, 3));
        IngestBatch batch = new IngestBatch(records, Duration.ZERO);
        batch.progress().defer(records.subList(1, 3));

        assertThatThrownBy(() -> new KafkaBatch().rereadDeferred(batch))
                .isInstanceOf(BatchDeadlineExceeded.class)
                .hasMessageContaining("1 of 3 records");
    }

    @Test
    void aBatchThatDeferredNothingEndsNormally() {
        IngestBatch batch = new IngestBatch(List.of(record(P0, 1)), Duration.ofMinutes(1));

        new KafkaBatch().rereadDeferred(batch);

        assertThat(batch.progress().deferred()).isEmpty();
    }

    private static EventSource source(TopicPartition partition, long offset) {
        return new EventSource.KafkaRecord(partition.topic(), partition.partition(), offset);
    }

    private Exchange record(TopicPartition partition, long offset) {
        Exchange record = new DefaultExchange(camel);
        record.getMessage().setHeader(KafkaConstants.TOPIC, partition.topic());
        record.getMessage().setHeader(KafkaConstants.PARTITION, partition.partition());
        record.getMessage().setHeader(KafkaConstants.OFFSET, offset);
        return record;
    }
}
