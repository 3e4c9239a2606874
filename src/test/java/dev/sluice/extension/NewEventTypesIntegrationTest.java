package dev.sluice.extension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.sluice.support.Patience;
import dev.sluice.support.RoutesDirectory;
import dev.sluice.tools.LoadGenerator;
import dev.sluice.tools.ReviewEvents;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
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
 * The promise that an event type is files, not Java and not SQL: orders placed (insert), their status changed
 * (upsert) and withdrawn (delete), each from a declaration, a schema and a migration for its table, and nothing else.
 * The generated statements keep the guard on the new table as on reviews: an older change is stale, a withdrawal is
 * final; and orders and reviews flow side by side.
 */
@SpringBootTest
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 1, topics = {"events.main", "events.dlq"})
@DirtiesContext
class NewEventTypesIntegrationTest {

    private static final Path ROUTES = routesWithOrders();
    private static final Path MIGRATIONS = migrations();
    private static final Instant T = Instant.parse("2026-12-01T09:00:00Z");

    @DynamicPropertySource
    static void routesDirectory(DynamicPropertyRegistry registry) {
        registry.add("sluice.routes-directory", ROUTES::toString);
    }

    /** The new table's migration, run as a deployment would: before the event types are checked against it. */
    @TestConfiguration
    static class OrdersMigration {
        @Bean
        FlywayMigrationStrategy withOrders() {
            return flyway -> {
                flyway.migrate();
                Flyway.configure().dataSource(flyway.getConfiguration().getDataSource())
                        .locations("filesystem:" + MIGRATIONS).table("declared_orders_schema_history")
                        .baselineOnMigrate(true).baselineVersion("0").load().migrate();
            };
        }
    }

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EmbeddedKafkaBroker broker;
    @Autowired
    CamelContext camel;

    @Test
    void anOrdersStatusChangesApplyOnlyIfNewerAWithdrawalIsFinalAndReviewsFlowBeside() {
        jdbc.execute("TRUNCATE declared_orders");
        String order = "o-" + UUID.randomUUID();
        UUID olderChange = UUID.randomUUID();
        UUID afterWithdrawal = UUID.randomUUID();
        UUID review = UUID.randomUUID();
        try (Producer<String, byte[]> producer = LoadGenerator.createProducer(broker.getBrokersAsString())) {
            send(producer, event(UUID.randomUUID(), "order_placed", 0, order, ",\"amount_cents\":1299,\"status\":\"placed\""));
            send(producer, event(UUID.randomUUID(), "order_status_changed", 20, order, ",\"status\":\"shipped\""));
            send(producer, event(olderChange, "order_status_changed", 10, order, ",\"status\":\"packed\""));
            send(producer, event(UUID.randomUUID(), "order_withdrawn", 30, order, ""));
            send(producer, event(afterWithdrawal, "order_status_changed", 40, order, ",\"status\":\"returned\""));
            producer.send(new ProducerRecord<>("events.main", "user:9",
                    ReviewEvents.valid(review, "user:9", "r-" + review, 5, "next to an order")));
        }

        await().atMost(Patience.PIPELINE).untilAsserted(() -> {
            assertThat(jdbc.queryForObject("SELECT count(*) FROM reviews WHERE event_id = ?", Long.class, review))
                    .isEqualTo(1);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM superseded_events WHERE entity_key = ?", Long.class,
                    order)).isEqualTo(2);
        });
        Map<String, Object> row = jdbc.queryForMap("SELECT * FROM declared_orders WHERE order_id = ?", order);
        assertThat(row.get("deleted_at")).as("withdrawn").isNotNull();
        assertThat(row).containsEntry("status", null).containsEntry("amount_cents", null).containsEntry("user_key", "user:9");
        assertThat(row.get("event_id")).as("the placement's id").isNotNull();
        assertThat(jdbc.queryForMap("SELECT reason, event_type FROM superseded_events WHERE event_id = ?", olderChange))
                .containsEntry("reason", "stale").containsEntry("event_type", "order_status_changed");
        assertThat(jdbc.queryForObject("SELECT reason FROM superseded_events WHERE event_id = ?", String.class,
                afterWithdrawal)).isEqualTo("stale");
        assertThat(camel.getRouteController().getRouteStatus("store-order_status_changed"))
                .isEqualTo(ServiceStatus.Started);
    }

    private static void send(Producer<String, byte[]> producer, String event) {
        producer.send(new ProducerRecord<>("events.main", "user:9", event.getBytes(StandardCharsets.UTF_8)));
    }

    private static String event(UUID id, String type, int second, String order, String fields) {
        return """
                {"event_id":"%s","event_type":"%s","key":"user:9","ts":"%s","schema_version":1,
                 "payload":{"order_id":"%s"%s}}""".formatted(id, type, T.plusSeconds(second), order, fields);
    }

    private static Path routesWithOrders() {
        try {
            Path routes = RoutesDirectory.copyOfShipped();
            String schema = """
                    {"type": "object", "required": ["order_id"%s],
                     "properties": {"order_id": {"type": "string", "minLength": 1},
                                    "status": {"type": "string"}, "amount_cents": {"type": "integer", "minimum": 0}}}""";
            Files.writeString(routes.resolve("schemas/order_placed.v1.schema.json"),
                    schema.formatted(", \"amount_cents\", \"status\""));
            Files.writeString(routes.resolve("schemas/order_status_changed.v1.schema.json"), schema.formatted(", \"status\""));
            Files.writeString(routes.resolve("schemas/order_withdrawn.v1.schema.json"), schema.formatted(""));
            String declaration = """
                    - templatedRoute:
                        routeTemplateRef: store-event-type
                        parameters:
                          - name: eventType
                            value: %s
                          - name: mode
                            value: %s
                          - name: table
                            value: declared_orders
                          - name: key
                            value: order_id
                          - name: columns
                            value: |
                              order_id <- order_id
                              user_key <- key
                    %s""";
            Files.writeString(routes.resolve("event-types/order_placed.camel.yaml"), declaration.formatted(
                    "order_placed", "insert", "              amount_cents <- amount_cents\n              status <- status\n"));
            Files.writeString(routes.resolve("event-types/order_status_changed.camel.yaml"), declaration.formatted(
                    "order_status_changed", "upsert", "              status <- status\n"));
            Files.writeString(routes.resolve("event-types/order_withdrawn.camel.yaml"), declaration.formatted(
                    "order_withdrawn", "delete", ""));
            return routes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path migrations() {
        try {
            Path migrations = Files.createTempDirectory("sluice-orders-migration");
            // What a deployment's migration gives a table that takes creations, changes and deletions: its key with a
            // unique index, its columns, and Sluice's bookkeeping (lineage, position, deleted_at).
            Files.writeString(migrations.resolve("V1__declared_orders.sql"), """
                    CREATE TABLE IF NOT EXISTS declared_orders (
                        order_id          text PRIMARY KEY,
                        user_key          text NOT NULL,
                        amount_cents      bigint,
                        status            text,
                        event_id          uuid UNIQUE,
                        source_topic      text,
                        source_partition  integer,
                        source_offset     bigint,
                        version_at        timestamptz NOT NULL,
                        version_partition integer NOT NULL,
                        version_offset    bigint NOT NULL,
                        deleted_at        timestamptz);
                    """);
            return migrations;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
