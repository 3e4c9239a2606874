package dev.sluice.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.sluice.drills.PartitionStalls;
import dev.sluice.support.KafkaOffsets;
import dev.sluice.support.Patience;
import dev.sluice.support.PipelineTables;
import dev.sluice.support.TestDatabaseFallback;
import dev.sluice.tools.LoadGenerator;
import dev.sluice.tools.ReviewEvents;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a Deployment of Sluice goes through, on a real KRaft broker (6 partitions) and PostgreSQL, each replica a JVM of
 * its own with the Deployment's environment (Replica), its routes in a directory laid out as the kubelet mounts a
 * ConfigMap (ConfigMapVolume). In order, on one cluster: three replicas start at once on an empty database; the
 * ConfigMap changes under them (a new event type); a rolling restart under load takes the change, with one crash on
 * the way. Each step depends on the one before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolloutIntegrationTest {

    private static final String TEST_DB_URL = System.getenv().getOrDefault("SLUICE_TEST_DB_URL",
            "jdbc:postgresql://127.0.0.1:5432/sluice_test");
    /** A database of its own, dropped and created again: "empty" means Flyway has never run on it. */
    private static final String DATABASE_URL = TEST_DB_URL.replaceFirst("/[^/?]+(\\?|$)", "/sluice_rollout_test$1");
    private static final String USER = System.getenv().getOrDefault("SLUICE_TEST_DB_USER", "postgres");
    private static final Duration GRACE = Duration.ofSeconds(40);
    private static final int NEW_TYPE_EVENTS = 50;
    private static final Pattern GENERATION = Pattern.compile("Successfully joined group with generation Generation\\{generationId=(\\d+)");

    private EmbeddedKafkaKraftBroker broker;
    private String kafka;
    private ConfigMapVolume routes;
    private final Map<String, Replica> running = new LinkedHashMap<>();
    private final List<Replica> everStarted = new ArrayList<>();

    @BeforeAll
    void cluster() throws Exception {
        assumeTrue(TestDatabaseFallback.answers(TEST_DB_URL), "needs the PostgreSQL at " + TEST_DB_URL + " (child JVMs cannot share an embedded one)");
        try (Connection admin = DriverManager.getConnection(TEST_DB_URL, USER, ""); Statement sql = admin.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS sluice_rollout_test WITH (FORCE)");
            sql.execute("CREATE DATABASE sluice_rollout_test");
        }
        broker = new EmbeddedKafkaKraftBroker(1, 6, "events.main", "events.dlq");
        broker.afterPropertiesSet();
        kafka = broker.getBrokersAsString();
        routes = ConfigMapVolume.mount(Path.of("target", "rollout", "routes-volume").toAbsolutePath(), ConfigMapVolume.shippedRoutes());
    }

    @AfterAll
    void tearDown() {
        Replica.killAll(everStarted);
        if (broker != null) {
            broker.destroy();
        }
    }

    @Test
    @Order(1)
    void threeReplicasStartedAtOnceOnAnEmptyDatabaseMigrateItOnceAndAllBecomeReady() throws Exception {
        for (String name : List.of("sluice-a", "sluice-b", "sluice-c")) {
            start(name);
        }
        Map<String, Duration> ready = new TreeMap<>();
        for (Replica replica : running.values()) {
            ready.put(replica.name, replica.awaitReady());
        }

        int migrations;
        try (Stream<Path> files = Files.list(Path.of("src", "main", "resources", "db", "migration"))) {
            migrations = (int) files.count();
        }
        assertThat(query("SELECT count(*) FROM flyway_schema_history WHERE success AND version IS NOT NULL")).isEqualTo(migrations);
        assertThat(query("SELECT count(DISTINCT version) FROM flyway_schema_history")).isEqualTo(migrations);
        List<String> migrated = new ArrayList<>();
        for (Replica replica : running.values()) {
            assertThat(replica.alive()).as("%s is running", replica.name).isTrue();
            String log = replica.logText();
            assertThat(log).doesNotContain("APPLICATION FAILED TO START");
            if (log.contains("Successfully applied " + migrations + " migrations")) {
                migrated.add(replica.name);
            } else {
                assertThat(log).as("%s found the schema migrated", replica.name).contains("is up to date. No migration necessary");
            }
        }
        assertThat(migrated).as("replicas that ran the migrations").hasSize(1);
        System.out.printf("Cold start of 3 on an empty database: %s migrated it (%d migrations), the others waited for Flyway's "
                + "lock and found it up to date; ready after %s%n", migrated.get(0), migrations, ready);
    }

    @Test
    @Order(2)
    void aConfigMapSymlinkSwapLeavesTheRunningReplicasOnTheRoutesTheyStartedWith() throws Exception {
        routes.update(routesWithNewType());

        sendNewTypeEvents("before-rollout");

        await().atMost(Patience.PIPELINE).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(query("SELECT count(*) FROM dlq_events WHERE record_key LIKE 'imported-%'")).isEqualTo(NEW_TYPE_EVENTS));
        assertThat(query("SELECT count(*) FROM reviews WHERE review_id LIKE 'imported-%'")).isZero();
        for (Replica replica : running.values()) {
            assertThat(replica.logText()).doesNotContain("Route reload");
        }
        System.out.printf("ConfigMap swap: ..data now points at a version with review_imported; the 3 running replicas "
                + "dead-lettered all %d of its events, as before the swap: a routes change needs a rollout%n", NEW_TYPE_EVENTS);
    }

    @Test
    @Order(3)
    void aRollingRestartUnderLoadWithOneCrashTakesTheNewRoutesAndReconcilesExactly() throws Exception {
        PartitionStalls stalls = new PartitionStalls(kafka, "sluice", "events.main");
        AtomicBoolean loading = new AtomicBoolean(true);
        CompletableFuture<LoadGenerator.Summary> load = CompletableFuture.supplyAsync(() -> produceWhile(loading));
        Thread.sleep(3_000);
        Map<String, String> steps = new LinkedHashMap<>();
        // A Deployment's rollout (maxSurge 1, maxUnavailable 0): the new pod first, ready, then the old one stopped.
        for (String old : List.of("sluice-a", "sluice-b", "sluice-c")) {
            Replica next = start(old + "-2");
            Duration ready = next.awaitReady();
            Duration stop = running.remove(old).terminate(GRACE);
            steps.put(old, String.format("new ready %.1fs, SIGTERM to exit %.1fs", ready.toMillis() / 1000.0, stop.toMillis() / 1000.0));
        }
        // A crash: the kubelet restarts the container in the same pod, so under the same name.
        running.get("sluice-b-2").kill();
        running.remove("sluice-b-2");
        Duration back = start("sluice-b-2").awaitReady();
        steps.put("sluice-b-2", String.format("SIGKILL, back ready %.1fs", back.toMillis() / 1000.0));
        Thread.sleep(3_000);
        loading.set(false);
        LoadGenerator.Summary sent = load.get();
        sendNewTypeEvents("after-rollout");

        try (KafkaOffsets offsets = new KafkaOffsets(kafka)) {
            await().atMost(Patience.PIPELINE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(query("SELECT count(*) FROM reviews")).isEqualTo(sent.uniqueValid() + NEW_TYPE_EVENTS);
                assertThat(query("SELECT count(*) FROM dlq_events")).isEqualTo(sent.invalid() + NEW_TYPE_EVENTS);
                assertThat(offsets.lag("sluice", "events.main")).allSatisfy((partition, lag) -> assertThat(lag).isZero());
            });
        }
        stalls.close();
        assertThat(query("SELECT count(*) FROM reviews WHERE review_id LIKE 'imported-%'")).isEqualTo(NEW_TYPE_EVENTS);
        assertThat(query("SELECT count(DISTINCT event_id) FROM reviews")).isEqualTo(sent.uniqueValid() + NEW_TYPE_EVENTS);
        assertThat(query(PipelineTables.STATS_MINUTES_OFF_RECOUNT)).as("statistics minutes off a recount").isZero();
        System.out.printf("Rolling restart: %s%n", steps);
        System.out.printf("RECONCILED rollout produced=%d (uniqueValid=%d duplicates=%d invalid=%d) + review_imported %d before "
                        + "and %d after the rollout; rows=%d dlq=%d duplicate_rows=0 stats_off_recount=0 lag=0 rebalances=%d %s%n",
                sent.sent(), sent.uniqueValid(), sent.duplicates(), sent.invalid(), NEW_TYPE_EVENTS, NEW_TYPE_EVENTS,
                query("SELECT count(*) FROM reviews"), query("SELECT count(*) FROM dlq_events"), rebalances(), stalls.summary());
    }

    private Replica start(String name) throws Exception {
        Replica replica = Replica.start(name, Map.of("SLUICE_KAFKA_BOOTSTRAP_SERVERS", kafka, "SLUICE_DB_URL", DATABASE_URL,
                "SLUICE_DB_USER", USER, "SLUICE_ROUTES_DIR", routes.root().resolve("routes-yaml").toString()));
        running.put(name, replica);
        everStarted.add(replica);
        return replica;
    }

    /** The group's generations every replica joined, less the first: each new one is a rebalance. */
    private int rebalances() throws Exception {
        Set<Integer> generations = new TreeSet<>();
        for (Replica replica : everStarted) {
            Matcher generation = GENERATION.matcher(replica.logText());
            while (generation.find()) {
                generations.add(Integer.parseInt(generation.group(1)));
            }
        }
        return generations.size() - 1;
    }

    /** The shipped routes plus review_imported: review_created's event type and schemas under another name. */
    private static Map<String, String> routesWithNewType() throws Exception {
        Map<String, String> files = new TreeMap<>(ConfigMapVolume.shippedRoutes());
        Map<String, String> added = new TreeMap<>();
        files.forEach((path, text) -> {
            if (path.startsWith("routes-yaml/event-types/review_created.") || path.startsWith("routes-yaml/schemas/review_created.")) {
                added.put(path.replace("review_created", "review_imported"), text.replace("review_created", "review_imported"));
            }
        });
        files.putAll(added);
        return files;
    }

    private void sendNewTypeEvents(String batch) {
        try (Producer<String, byte[]> producer = LoadGenerator.createProducer(kafka)) {
            for (int i = 0; i < NEW_TYPE_EVENTS; i++) {
                String review = "imported-" + batch + "-" + i;
                String event = new String(ReviewEvents.valid(UUID.randomUUID(), review, review, 1 + i % 5, "imported review " + i))
                        .replace("\"review_created\"", "\"review_imported\"");
                producer.send(new ProducerRecord<>("events.main", review, event.getBytes()));
            }
        }
    }

    /** 300 events/s until told to stop, in 5-second runs of the load generator (each its own seed, so its own events). */
    private LoadGenerator.Summary produceWhile(AtomicBoolean loading) {
        long sent = 0;
        long uniqueValid = 0;
        long duplicates = 0;
        long invalid = 0;
        try (Producer<String, byte[]> producer = LoadGenerator.createProducer(kafka)) {
            for (int run = 0; loading.get(); run++) {
                LoadGenerator.Summary part = LoadGenerator.run(new LoadGenerator.Options(kafka, "events.main", 300,
                        Duration.ofSeconds(5), Long.MAX_VALUE, 80, 5, 1, 25 + run), producer, null);
                sent += part.sent();
                uniqueValid += part.uniqueValid();
                duplicates += part.duplicates();
                invalid += part.invalid();
            }
        }
        return new LoadGenerator.Summary(sent, uniqueValid, duplicates, invalid, Duration.ZERO);
    }

    private static long query(String sql) throws Exception {
        try (Connection db = DriverManager.getConnection(DATABASE_URL, USER, ""); Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
