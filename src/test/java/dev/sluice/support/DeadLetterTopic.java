package dev.sluice.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.sluice.deadletter.DeadLetterHeaders;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The dead-letter topic read whole, as a replay tool would: which source records have a dead letter on it. The topic
 * is at-least-once (a dead letter acknowledged by the broker whose row then failed to commit is published again on the
 * re-read), so tests count the distinct source records, and the records only as at least that many.
 */
public final class DeadLetterTopic {

    private DeadLetterTopic() {
    }

    /** The source records ({@code topic-partition@offset}) with at least one dead letter on the topic. */
    public static Set<String> sourcesOnTopic(String bootstrapServers, String topic) throws Exception {
        try (KafkaOffsets offsets = new KafkaOffsets(bootstrapServers);
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                     ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                     ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            Map<TopicPartition, Long> ends = offsets.endOffsets(topic);
            consumer.assign(List.copyOf(ends.keySet()));
            consumer.seekToBeginning(ends.keySet());
            Set<String> sources = new HashSet<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end " + ends);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    sources.add(header(record, DeadLetterHeaders.ORIGINAL_TOPIC) + "-"
                            + header(record, DeadLetterHeaders.ORIGINAL_PARTITION) + "@"
                            + header(record, DeadLetterHeaders.ORIGINAL_OFFSET));
                }
            }
            return sources;
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "?" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
