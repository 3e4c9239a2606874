package dev.sluice.observe;

import java.util.List;
import java.util.UUID;

import dev.sluice.support.Patience;
import dev.sluice.tools.LoadGenerator;
import dev.sluice.tools.ReviewEvents;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With SLUICE_TRACING_ENABLED=true, one event becomes one trace: the Kafka consumer's span and its store route's span
 * share a trace id. Spans go to whatever exporters are configured: OTLP in production, an in-memory one here.
 */
@SpringBootTest(properties = "SLUICE_TRACING_ENABLED=true")
@ActiveProfiles("test")
@AutoConfigureObservability(metrics = false)
@EmbeddedKafka(kraft = true, partitions = 1, topics = {"events.main", "events.dlq"})
@DirtiesContext
class TracingIntegrationTest {

    @TestConfiguration
    static class CapturedSpans {
        @Bean
        InMemorySpanExporter inMemorySpanExporter() {
            return InMemorySpanExporter.create();
        }
    }

    @Autowired
    InMemorySpanExporter spans;
    @Autowired
    EmbeddedKafkaBroker broker;

    @Test
    void oneEventIsOneTraceFromTheKafkaConsumerToItsStoreRoute() {
        UUID eventId = UUID.randomUUID();
        try (Producer<String, byte[]> producer = LoadGenerator.createProducer(broker.getBrokersAsString())) {
            producer.send(new ProducerRecord<>("events.main", "user:1",
                    ReviewEvents.valid(eventId, "user:1", "r-" + eventId, 5, "traced")));
        }

        await().atMost(Patience.PIPELINE).untilAsserted(() -> {
            List<SpanData> finished = spans.getFinishedSpanItems();
            SpanData consumer = finished.stream().filter(span -> span.getName().equals("events.main")).findFirst()
                    .orElseThrow(() -> new AssertionError("no span for events.main in " + names(finished)));
            // The store route's span holds its one statement: the claim, the write and the ledger.
            assertThat(finished).as("spans %s", names(finished))
                    .filteredOn(span -> span.getName().equals("store-review_created"))
                    .anySatisfy(store -> assertThat(store.getTraceId()).isEqualTo(consumer.getTraceId()));
        });
    }

    private static List<String> names(List<SpanData> spans) {
        return spans.stream().map(SpanData::getName).toList();
    }
}
