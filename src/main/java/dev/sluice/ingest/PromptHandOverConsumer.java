package dev.sluice.ingest;

import java.time.Duration;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The ingest endpoint's Kafka consumer: after a poll that returned records, the next poll does not wait.
 * <p>
 * camel-kafka 4.17's batching consumer ({@code KafkaRecordBatchingProcessor}) keeps a poll's records and hands them to
 * the route only when its next poll returns, which under a trickle is when new records arrive or the poll times out
 * ({@code sluice.consumer.poll-timeout-ms}). Every batch waited out that poll: about 6 ms of the 11 ms median latency
 * at 1,000 events/s (docs/performance.md#latency-a-batch-leaves-in-the-poll-that-read-it). With this consumer the poll after records returns at
 * once, with whatever is already fetched, and camel-kafka hands the batch over ({@code batching-interval-ms} 0). An
 * idle consumer still waits out the full timeout: it never spins.
 */
public class PromptHandOverConsumer extends KafkaConsumer<Object, Object> {

    private final HandOver handOver = new HandOver();

    public PromptHandOverConsumer(Properties properties) {
        super(properties);
    }

    @Override
    public ConsumerRecords<Object, Object> poll(Duration timeout) {
        ConsumerRecords<Object, Object> records = super.poll(handOver.nextTimeout(timeout));
        handOver.polled(!records.isEmpty());
        return records;
    }

    /** When to wait: not right after records, which camel-kafka holds until this poll returns. */
    static final class HandOver {

        private boolean holdingRecords;

        Duration nextTimeout(Duration requested) {
            return holdingRecords ? Duration.ZERO : requested;
        }

        void polled(boolean gotRecords) {
            holdingRecords = gotRecords;
        }
    }
}
