package dev.sluice.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka Connect series' input (bench/README.md): the scenario's backlog again, on a topic of its own, each event as
 * a JsonConverter envelope ({@code {"schema": ..., "payload": <the event>}}), so the Debezium JDBC sink gets records
 * with a schema. Each record keeps its key and partition; the event's bytes are the payload untouched. A record that
 * is not a JSON object is copied as it is: the worker's converter refuses it, as Sluice's validator does. Run before
 * the timed window; only the consumer's drain is measured.
 *
 * <pre>
 * java -cp ... dev.sluice.bench.ConnectEnvelopes --bootstrap=localhost:19092 --from=bench.throughput \
 *     --to=bench.throughput.connect --schema=bench/connect/review-event.connect.json
 * </pre>
 * Creates {@code --to} with the partitions of {@code --from}, copies everything {@code --from} held when it started,
 * and prints {@code Done: copied=<n> envelopes=<n> raw=<n>}.
 */
public final class ConnectEnvelopes {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] PAYLOAD = ",\"payload\":".getBytes(StandardCharsets.UTF_8);

    private ConnectEnvelopes() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            options.put(pair[0], pair.length == 2 ? pair[1] : "true");
        }
        String bootstrap = options.get("bootstrap");
        String from = options.get("from");
        String to = options.get("to");
        byte[] head = ("{\"schema\":" + Files.readString(Path.of(options.get("schema"))).trim())
                .getBytes(StandardCharsets.UTF_8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                     ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
                     ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                     ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                     ProducerConfig.ACKS_CONFIG, "all",
                     ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                     ProducerConfig.LINGER_MS_CONFIG, 20,
                     ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                     ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(from).stream()
                    .map(info -> new TopicPartition(from, info.partition())).toList();
            admin.createTopics(List.of(new NewTopic(to, partitions.size(), (short) 1))).all().get();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long envelopes = 0;
            long raw = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    byte[] value = record.value();
                    if (isJsonObject(value)) {
                        value = envelope(head, value);
                        envelopes++;
                    } else {
                        raw++;
                    }
                    producer.send(new ProducerRecord<>(to, record.partition(), record.key(), value));
                }
            }
            producer.flush();
            System.out.printf("Done: copied=%d envelopes=%d raw=%d%n", envelopes + raw, envelopes, raw);
        }
    }

    /** The event the load generator sent, from a record of the Connect topic (its envelope's payload, or the record). */
    static byte[] originalEvent(byte[] value) {
        try {
            JsonNode envelope = value == null ? null : MAPPER.readTree(value);
            if (envelope != null && envelope.isObject() && envelope.has("schema") && envelope.path("payload").isObject()) {
                return MAPPER.writeValueAsBytes(envelope.get("payload"));
            }
        } catch (IOException notJson) {
            // Copied as it was: the record is the event.
        }
        return value;
    }

    private static boolean isJsonObject(byte[] value) {
        try {
            return value != null && value.length > 0 && MAPPER.readTree(value).isObject();
        } catch (IOException notJson) {
            return false;
        }
    }

    private static byte[] envelope(byte[] head, byte[] event) {
        byte[] envelope = new byte[head.length + PAYLOAD.length + event.length + 1];
        System.arraycopy(head, 0, envelope, 0, head.length);
        System.arraycopy(PAYLOAD, 0, envelope, head.length, PAYLOAD.length);
        System.arraycopy(event, 0, envelope, head.length + PAYLOAD.length, event.length);
        envelope[envelope.length - 1] = '}';
        return envelope;
    }
}
