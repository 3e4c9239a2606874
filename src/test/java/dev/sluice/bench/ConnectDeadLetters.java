package dev.sluice.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.event.RejectedEventException;
import dev.sluice.validate.EventSchemas;
import dev.sluice.validate.EventValidator;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What Kafka Connect dead-lettered in a benchmark run: its dead-letter topic read from the start, checked the way
 * DrillMonitor checks {@code dlq_events}. Each record names the record it stands for in Connect's context headers
 * ({@code errors.deadletterqueue.context.headers.enable=true}); the same source record twice is a repeat. A record
 * that Sluice's own {@link EventValidator} accepts is a healthy event dead-lettered.
 */
public final class ConnectDeadLetters {

    /** Totals of one read: records, how many stood for a source record already counted, how many were healthy. */
    public record Read(long records, long repeats, long healthy) {
    }

    private static final String SOURCE_PARTITION = "__connect.errors.partition";
    private static final String SOURCE_OFFSET = "__connect.errors.offset";

    private final String bootstrap;
    private final String topic;
    private final EventValidator validator;
    private final DefaultCamelContext camel = new DefaultCamelContext();

    public ConnectDeadLetters(String bootstrap, String topic, Path schemas) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.validator = new EventValidator(new ObjectMapper(), EventSchemas.loadFrom(schemas), 65536);
    }

    public Read read() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Set<String> sources = new HashSet<>();
            long records = 0;
            long healthy = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    records++;
                    sources.add(header(record, SOURCE_PARTITION) + "@" + header(record, SOURCE_OFFSET));
                    if (isValid(ConnectEnvelopes.originalEvent(record.value()))) {
                        healthy++;
                    }
                }
            }
            return new Read(records, records - sources.size(), healthy);
        }
    }

    private boolean isValid(byte[] event) {
        try {
            validator.validate(event, new DefaultMessage(camel));
            return true;
        } catch (RejectedEventException refused) {
            return false;
        } finally {
            validator.forgetEventId();
        }
    }

    /** A missing header reads as the record's own identity, so it can never make two records look like one. */
    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "missing:" + record.partition() + ":" + record.offset()
                : new String(header.value(), StandardCharsets.UTF_8);
    }
}
