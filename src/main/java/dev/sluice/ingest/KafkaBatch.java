package dev.sluice.ingest;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.sluice.event.EventSource;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommitFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The offset commit of an {@link IngestBatch}: a step after its writes and dead letters, so offsets move only past
 * records that were written or dead-lettered.
 * <p>
 * One {@code commitSync} for the whole batch, each partition past its last record. The consumer is the batch's own
 * (reached through camel-kafka's manual-commit handle), and this runs on its polling thread, where the Kafka client
 * must be called. If the commit fails the exchange fails: camel-kafka then reconnects and reads the batch again from
 * the last committed offsets, and the idempotency markers absorb what was already written.
 */
public class KafkaBatch {

    /**
     * Commits each partition past its last record, or up to its first deferred record: what follows that is read
     * again. Deferred records are never dead-lettered; they simply are not done yet.
     */
    @Handler
    public void commitOffsets(@Body IngestBatch batch) {
        List<Exchange> records = batch.records();
        if (records.isEmpty()) {
            return;
        }
        DefaultKafkaManualCommit any = handle(records.get(0));
        Consumer<?, ?> consumer = any.getCamelExchangePayload().consumer;
        List<EventSource> deferred = batch.progress().deferred().stream()
                .map(record -> EventSource.of(record.getMessage())).toList();
        consumer.commitSync(nextOffsets(batch.sources(), deferred), Duration.ofMillis(any.getCommitTimeout()));
    }

    /** Each partition past its last record, or at its first deferred record: what follows that is read again. */
    static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<EventSource> read, List<EventSource> deferred) {
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (EventSource record : read) {
            next.merge(partitionOf(record), new OffsetAndMetadata(record.offset() + 1), KafkaBatch::later);
        }
        Map<TopicPartition, OffsetAndMetadata> firstDeferred = new HashMap<>();
        for (EventSource record : deferred) {
            firstDeferred.merge(partitionOf(record), new OffsetAndMetadata(record.offset()), KafkaBatch::earlier);
        }
        next.putAll(firstDeferred);
        return next;
    }

    private static TopicPartition partitionOf(EventSource record) {
        return new TopicPartition(record.lineage(), record.partition());
    }

    /**
     * The route's last step: a batch that deferred records past its deadline fails here, after its commit and its
     * outcomes, so that camel-kafka seeks back to the committed offsets and reads the deferred records again.
     */
    public void rereadDeferred(@Body IngestBatch batch) {
        int deferred = batch.progress().deferred().size();
        if (deferred > 0) {
            throw new BatchDeadlineExceeded(batch.records().size() - deferred, batch.records().size());
        }
    }

    private static OffsetAndMetadata later(OffsetAndMetadata a, OffsetAndMetadata b) {
        return a.offset() >= b.offset() ? a : b;
    }

    private static OffsetAndMetadata earlier(OffsetAndMetadata a, OffsetAndMetadata b) {
        return a.offset() <= b.offset() ? a : b;
    }

    private static DefaultKafkaManualCommit handle(Exchange record) {
        Object handle = record.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT);
        if (handle instanceof DefaultKafkaManualCommit manual) {
            return manual;
        }
        throw new IllegalStateException("The ingest route's Kafka endpoint must set allowManualCommit=true and "
                + "kafkaManualCommitFactory=#class:" + DefaultKafkaManualCommitFactory.class.getName()
                + " (record has " + handle + ")");
    }
}
