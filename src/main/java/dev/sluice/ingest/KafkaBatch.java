package dev.sluice.ingest;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommitFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The records of one batch from camel-kafka's batching consumer ({@code batching=true}: the body is the list of the
 * records' exchanges), and the batch's offset commit: the last step of the ingest route, so offsets move only past
 * records that were written or dead-lettered.
 * <p>
 * One {@code commitSync} for the whole batch, each partition past its last record. The consumer is the batch's own
 * (reached through camel-kafka's manual-commit handle), and this runs on its polling thread, where the Kafka client
 * must be called. If the commit fails the exchange fails: camel-kafka then reconnects and reads the batch again from
 * the last committed offsets, and the idempotency markers absorb what was already written.
 */
public class KafkaBatch {

    @SuppressWarnings("unchecked")
    public static List<Exchange> records(Exchange batch) {
        Object body = batch.getProperty(BatchAdmission.BATCH);
        return (List<Exchange>) (body != null ? body : batch.getMessage().getBody(List.class));
    }

    @Handler
    public void commitOffsets(Exchange batch) {
        List<Exchange> records = records(batch);
        if (records.isEmpty()) {
            return;
        }
        List<Exchange> deferred = BatchProgress.of(batch).deferred();
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (Exchange record : records) {
            DefaultKafkaManualCommit handle = handle(record);
            next.merge(handle.getPartition(), new OffsetAndMetadata(handle.getRecordOffset() + 1), KafkaBatch::later);
        }
        // A partition with deferred records moves only up to the first of them: what follows it is read again.
        Map<TopicPartition, OffsetAndMetadata> firstDeferred = new HashMap<>();
        for (Exchange record : deferred) {
            DefaultKafkaManualCommit handle = handle(record);
            firstDeferred.merge(handle.getPartition(), new OffsetAndMetadata(handle.getRecordOffset()), KafkaBatch::earlier);
        }
        next.putAll(firstDeferred);
        DefaultKafkaManualCommit any = handle(records.get(0));
        Consumer<?, ?> consumer = any.getCamelExchangePayload().consumer;
        consumer.commitSync(next, Duration.ofMillis(any.getCommitTimeout()));
        if (!deferred.isEmpty()) {
            throw new BatchDeadlineExceeded(records.size() - deferred.size(), records.size());
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
