package dev.sluice.extension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

import dev.sluice.support.Patience;
import dev.sluice.support.RoutesDirectory;
import dev.sluice.tools.LoadGenerator;
import dev.sluice.tools.ReviewEvents;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The promise that a second event type is files, not Java: a routes directory with the shipped routes plus one
 * schema and one store route for {@code order_placed}, and a table. Orders and reviews then flow side by side.
 */
@SpringBootTest
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 1, topics = {"events.main", "events.dlq"})
@DirtiesContext
class SecondEventTypeIntegrationTest {

    private static final Path ROUTES = routesWithOrders();

    @DynamicPropertySource
    static void routesDirectory(DynamicPropertyRegistry registry) {
        registry.add("sluice.routes-directory", ROUTES::toString);
    }

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EmbeddedKafkaBroker broker;

    @Test
    void orderPlacedEventsLandInTheirOwnTableNextToReviews() {
        // In a real deployment this table is a Flyway migration; the point here is that no Java changes.
        jdbc.execute("CREATE TABLE IF NOT EXISTS orders_test (order_id text PRIMARY KEY, user_key text NOT NULL,"
                + " amount_cents bigint NOT NULL, event_id uuid NOT NULL UNIQUE)");
        jdbc.execute("TRUNCATE orders_test");
        UUID orderEvent = UUID.randomUUID();
        UUID reviewEvent = UUID.randomUUID();
        String order = """
                {"event_id":"%s","event_type":"order_placed","key":"user:9","ts":"%s","schema_version":1,
                 "payload":{"order_id":"o-%s","amount_cents":1299}}""".formatted(orderEvent, Instant.now(), orderEvent);

        try (Producer<String, byte[]> producer = LoadGenerator.createProducer(broker.getBrokersAsString())) {
            producer.send(new ProducerRecord<>("events.main", "user:9", order.getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>("events.main", "user:9", order.getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>("events.main", "user:9",
                    ReviewEvents.valid(reviewEvent, "user:9", "r-" + reviewEvent, 5, "next to an order")));
        }

        await().atMost(Patience.PIPELINE).untilAsserted(() -> {
            assertThat(jdbc.queryForObject("SELECT count(*) FROM reviews WHERE event_id = ?", Long.class, reviewEvent))
                    .isEqualTo(1);
            assertThat(jdbc.queryForObject("SELECT amount_cents FROM orders_test WHERE event_id = ?", Long.class,
                    orderEvent)).isEqualTo(1299);
        });
        assertThat(jdbc.queryForObject("SELECT count(*) FROM orders_test", Long.class)).isEqualTo(1);
    }

    private static Path routesWithOrders() {
        try {
            Path routes = RoutesDirectory.copyOfShipped();
            Files.writeString(routes.resolve("schemas/order_placed.v1.schema.json"), """
                    {"type": "object", "required": ["order_id", "amount_cents"],
                     "properties": {"order_id": {"type": "string", "minLength": 1},
                                    "amount_cents": {"type": "integer", "minimum": 0}}}""");
            // The whole of an event type's route: its name, table, key and INSERT; the store route template does the rest.
            Files.writeString(routes.resolve("event-types/order_placed.camel.yaml"), """
                    - templatedRoute:
                        routeTemplateRef: store-event-type
                        routeId: store-order_placed
                        parameters:
                          - name: eventType
                            value: order_placed
                          - name: table
                            value: orders_test
                          - name: key
                            value: order_id
                          - name: write
                            value: >-
                              INSERT INTO orders_test (order_id, user_key, amount_cents, event_id)
                              VALUES (:#order_id, :#key, :#amount_cents, CAST(:#event_id AS uuid))
                              ON CONFLICT (order_id) DO NOTHING
                    """);
            return routes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
