package dev.sluice.reload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import dev.sluice.ingest.BatchGate;
import dev.sluice.ingest.EventRateLimit;
import dev.sluice.support.ConsoleTee;
import dev.sluice.support.KafkaOffsets;
import dev.sluice.support.Patience;
import dev.sluice.support.PipelineTables;
import dev.sluice.support.Reconciliation;
import dev.sluice.support.RoutesDirectory;
import dev.sluice.tools.LoadGenerator;
import dev.sluice.tools.ReviewEvents;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
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
 * Live route reload as an operator uses it: the app runs on a temporary copy of {@code routes-yaml/}, and the test
 * edits its files in place. A good edit changes what the pipeline does; one that does not parse, or that the live
 * table cannot take (an unknown mode, a table or column that is not there, a column of the wrong type, a key without
 * a unique index, a mode's bookkeeping missing), changes nothing, names the problem, and loses nothing; swapping routes
 * while events flow reconciles exactly.
 */
@SpringBootTest(properties = "camel.main.routes-reload-enabled=true")
@ActiveProfiles("test")
@AutoConfigureObservability(tracing = false)
@EmbeddedKafka(kraft = true, partitions = 3, topics = {"events.main", "events.dlq"})
@DirtiesContext
class RouteReloadIntegrationTest {

    private static final ConsoleTee CONSOLE = ConsoleTee.start();
    private static final Path ROUTES = RoutesDirectory.copyOfShipped();
    /** The probe types' schemas, there before the app starts: schemas are read at startup. */
    private static final Path PROBE_SCHEMAS = RoutesDirectory.withSchemas(ROUTES, "probe", "probe_renamed");
    private static final Path STORE = ROUTES.resolve("event-types/review_created.camel.yaml");
    private static final Path UPDATED = ROUTES.resolve("event-types/review_updated.camel.yaml");
    private static final Path TUNING = ROUTES.resolve("tuning.yaml");
    private static final String TEXT_COLUMN = "review_text <- text, v2: body";
    private static final String TEXT_FROM_REVIEW_ID = "review_text <- review_id, v2: body";

    @DynamicPropertySource
    static void routesDirectory(DynamicPropertyRegistry registry) {
        registry.add("sluice.routes-directory", ROUTES::toString);
    }

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EmbeddedKafkaBroker broker;
    @Autowired
    CamelContext camel;
    @Autowired
    RouteReloadStatus reloads;
    @Autowired
    MeterRegistry registry;
    @Autowired
    EventRateLimit throttle;
    @Autowired
    BatchGate batchGate;

    private Producer<String, byte[]> producer;
    private String shippedStore;
    private String shippedUpdated;
    private String shippedTuning;

    @BeforeEach
    void startClean() throws Exception {
        jdbc.execute(PipelineTables.TRUNCATE_ALL);
        jdbc.execute("CREATE TABLE IF NOT EXISTS reload_unpositioned (review_id text PRIMARY KEY, user_key text)");
        producer = LoadGenerator.createProducer(broker.getBrokersAsString());
        shippedStore = Files.readString(STORE);
        shippedUpdated = Files.readString(UPDATED);
        shippedTuning = Files.readString(TUNING);
    }

    @AfterAll
    static void stopCopyingTheConsole() {
        CONSOLE.close();
    }

    @AfterEach
    void restoreShippedRoutes() {
        producer.close();
        if (!shippedStore.equals(read(STORE))) {
            applyEdit(STORE, shippedStore);
        }
        if (!shippedUpdated.equals(read(UPDATED))) {
            applyEdit(UPDATED, shippedUpdated);
        }
        if (!shippedTuning.equals(read(TUNING))) {
            applyEdit(TUNING, shippedTuning);
        }
    }

    @Test
    void editingAnEventTypesColumnsChangesHowTheNextEventsAreWritten() {
        UUID before = send("written as sent");
        awaitRow(before);

        applyEdit(STORE, shippedStore.replace(TEXT_COLUMN, TEXT_FROM_REVIEW_ID));
        UUID after = send("not this text");

        assertThat(awaitRow(after)).isEqualTo("r-" + after);
        assertThat(textOf(before)).isEqualTo("written as sent");
        assertThat(reloads.last()).containsEntry("result", "applied").containsEntry("routes", "store-review_created");
    }

    @Test
    void brokenEditsLeaveTheRunningRoutesUntouchedAndLoseNoEvent() {
        record BrokenEdit(Path file, String text, String reason) {
        }
        var brokenEdits = List.of(
                new BrokenEdit(STORE, shippedStore.replace("    parameters:", "    parameters: [ unclosed"), "unclosed"),
                new BrokenEdit(STORE, shippedStore.replace("routeTemplateRef: store-event-type",
                        "routeTemplateRef: no-such-template"), "no-such-template"),
                new BrokenEdit(STORE, shippedStore.replace("name: columns", "name: colums"), "unknown parameter 'colums'"),
                new BrokenEdit(STORE, shippedStore.replace("value: insert", "value: replace"),
                        "mode 'replace' is not one of insert, upsert, delete"),
                new BrokenEdit(STORE, shippedStore.replace("value: reviews", "value: critiques"),
                        "table critiques does not exist"),
                new BrokenEdit(STORE, shippedStore.replace("title       <- title", "colour      <- title"),
                        "column colour is not a column of reviews"),
                new BrokenEdit(STORE, shippedStore.replace("rating      <- rating", "rating      <- text"),
                        "column rating (int2) cannot take text"),
                new BrokenEdit(STORE, shippedStore.replace("value: review_id", "value: user_key"),
                        "key user_key has no unique index of its own on reviews"),
                new BrokenEdit(UPDATED, shippedUpdated.replace("value: reviews", "value: reload_unpositioned")
                        .replace("rating      <- rating\n", "").replace("review_text <- text\n", ""),
                        "reload_unpositioned has no column version_at (mode upsert needs it)"),
                new BrokenEdit(STORE, shippedStore.replace("routeTemplateRef: store-event-type",
                        "routeTemplateRef: store-event-type\n    routeId: store-reviews"), "the route's id comes from its event type"),
                new BrokenEdit(TUNING, shippedTuning.replace("# max-events-per-second: 5000",
                        "max-events-per-second: lots"), "max-events-per-second"));
        for (BrokenEdit edit : brokenEdits) {
            double rejectedBefore = rejectedCount();
            RoutesDirectory.write(edit.file(), edit.text());
            await().atMost(Patience.PIPELINE).until(() -> rejectedCount() == rejectedBefore + 1);

            assertThat(reloads.last()).containsEntry("result", "rejected").containsEntry("file", edit.file().toString());
            assertThat(String.valueOf(reloads.last().get("error"))).containsIgnoringCase(edit.reason());
            assertThat(camel.getRoutes()).extracting(Route::getRouteId)
                    .containsExactlyInAnyOrder("ingest", "write-batch", "ingest-one", "store-review_created",
                            "store-review_updated", "store-review_deleted", "dead-letter", "dead-letter-batch", "dead-letter-record",
                            "dead-letter-minimal", "backfill");
            assertThat(camel.getRoutes()).allSatisfy(route -> assertThat(
                    camel.getRouteController().getRouteStatus(route.getRouteId())).isEqualTo(ServiceStatus.Started));
            // Still the shipped behaviour: the text is written as sent, nothing is dead-lettered.
            String text = "sent after a broken edit: " + edit.reason();
            assertThat(awaitRow(send(text))).isEqualTo(text);
        }

        assertThat(PipelineTables.count(jdbc, "dlq_events")).isZero();
        assertThat(CONSOLE.captured().lines().filter(line -> line.contains("Route reload rejected: ")).count())
                .isEqualTo(brokenEdits.size());
    }

    @Test
    void anEventTypeFileAddsItsStoreRouteARenameReplacesItAndDeletingTheFileRemovesIt() throws Exception {
        Path eventType = ROUTES.resolve("event-types/probe.camel.yaml");
        String probe = """
                - templatedRoute:
                    routeTemplateRef: store-event-type
                    parameters:
                      - name: eventType
                        value: %1$s
                      - name: mode
                        value: insert
                      - name: table
                        value: reviews
                      - name: key
                        value: review_id
                      - name: columns
                        value: |
                          review_id <- review_id
                          user_key <- key
                """;
        applyEdit(eventType, probe.formatted("probe"));
        assertThat(camel.getRouteController().getRouteStatus("store-probe")).isEqualTo(ServiceStatus.Started);

        // The route's id is the event type's: the old one must go when its file names another.
        applyEdit(eventType, probe.formatted("probe_renamed"));
        assertThat(camel.getRoute("store-probe")).isNull();
        assertThat(camel.getRouteController().getRouteStatus("store-probe_renamed")).isEqualTo(ServiceStatus.Started);

        double removedBefore = registry.counter("routes.reload", "result", "removed").count();
        Files.delete(eventType);
        await().atMost(Patience.PIPELINE)
                .until(() -> registry.counter("routes.reload", "result", "removed").count() > removedBefore);
        assertThat(camel.getRoute("store-probe_renamed")).isNull();
        assertThat(camel.getRouteController().getRouteStatus("store-review_created")).isEqualTo(ServiceStatus.Started);
    }

    @Test
    void aTuningEditChangesTheThrottleRateAndRemovingItRestoresTheConfiguredRate() {
        int configured = throttle.maxEventsPerSecond();

        applyEdit(TUNING, shippedTuning.replace("# max-events-per-second: 5000", "max-events-per-second: 1234"));
        assertThat(throttle.maxEventsPerSecond()).isEqualTo(1234);

        applyEdit(TUNING, shippedTuning);
        assertThat(throttle.maxEventsPerSecond()).isEqualTo(configured).isNotEqualTo(1234);
    }

    @Test
    void retuningTheThrottleAndSwappingTheStoreRouteWhileEventsFlowLosesAndDuplicatesNothing() throws Exception {
        var options = new LoadGenerator.Options(broker.getBrokersAsString(), Reconciliation.EVENTS, 200,
                Duration.ofMinutes(2), 2_000, 80, 5, 1, 31);
        CompletableFuture<LoadGenerator.Summary> load = CompletableFuture.supplyAsync(
                () -> LoadGenerator.run(options, producer, null));
        await().atMost(Patience.PIPELINE).until(() -> PipelineTables.count(jdbc, "reviews") >= 300);

        // Slower: each batch of the consumers now waits for its permits at the new rate.
        applyEdit(TUNING, shippedTuning.replace("# max-events-per-second: 5000", "max-events-per-second: 400"));
        long rowsAtFirstSwap = PipelineTables.count(jdbc, "reviews");
        await().atMost(Patience.PIPELINE).until(() -> PipelineTables.count(jdbc, "reviews") >= rowsAtFirstSwap + 300);
        applyEdit(STORE, shippedStore.replace(TEXT_COLUMN, TEXT_FROM_REVIEW_ID));

        LoadGenerator.Summary sent = load.get();
        assertThat(load.isDone()).isTrue();
        try (KafkaOffsets offsets = new KafkaOffsets(broker.getBrokersAsString())) {
            Reconciliation.awaitExact(jdbc, offsets, 3, sent.uniqueValid(), sent.invalid());
        }
        long afterSwap = jdbc.queryForObject("SELECT count(*) FROM reviews WHERE review_text = review_id", Long.class);
        System.out.printf("Reload under load: produced=%d uniqueValid=%d duplicates=%d invalid=%d rows=%d dlq=%d"
                        + " rowsAfterStoreSwap=%d%n", sent.sent(), sent.uniqueValid(), sent.duplicates(), sent.invalid(),
                PipelineTables.count(jdbc, "reviews"), PipelineTables.count(jdbc, "dlq_events"), afterSwap);
        assertThat(afterSwap).isPositive().isLessThan(sent.uniqueValid());
        // The swaps happened between batches: every batch that came through the gate left it again.
        assertThat(batchGate.inside()).isZero();
        assertThat(CONSOLE.captured()).doesNotContain("swapping under them");
    }

    /** Writes the file and waits until the reload says it was applied. */
    private void applyEdit(Path file, String text) {
        double appliedBefore = registry.counter("routes.reload", "result", "applied").count();
        RoutesDirectory.write(file, text);
        await().atMost(Patience.PIPELINE)
                .until(() -> registry.counter("routes.reload", "result", "applied").count() > appliedBefore);
        assertThat(reloads.last()).containsEntry("result", "applied").containsEntry("file", file.toString());
    }

    private double rejectedCount() {
        return registry.counter("routes.reload", "result", "rejected").count();
    }

    private UUID send(String text) {
        UUID eventId = UUID.randomUUID();
        producer.send(new ProducerRecord<>(Reconciliation.EVENTS, "user:7",
                ReviewEvents.valid(eventId, "user:7", "r-" + eventId, 4, text)));
        producer.flush();
        return eventId;
    }

    private String awaitRow(UUID eventId) {
        await().atMost(Patience.PIPELINE).until(() -> textOf(eventId) != null);
        return textOf(eventId);
    }

    private String textOf(UUID eventId) {
        return jdbc.query("SELECT review_text FROM reviews WHERE event_id = ?",
                rows -> rows.next() ? rows.getString(1) : null, eventId);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
