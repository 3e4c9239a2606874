package dev.sluice.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import dev.sluice.event.EventSource;
import dev.sluice.event.ValidEvent;
import dev.sluice.support.CountingDataSource;
import dev.sluice.support.Events;
import dev.sluice.support.PipelineTables;
import dev.sluice.validate.EventSchemas;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.support.TransactionTemplate;

import static dev.sluice.store.StoreOutcome.APPLIED;
import static dev.sluice.store.StoreOutcome.CONFLICT;
import static dev.sluice.store.StoreOutcome.DUPLICATE;
import static dev.sluice.store.StoreOutcome.STALE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The statements generated for the shipped review types, each chunk one statement on the real {@code reviews}: what
 * each event becomes, in the chunk's order, and the row it leaves. The types as routes-yaml/event-types/ declares them.
 */
@SpringBootTest
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 1, topics = {"events.main", "events.dlq"})
@DirtiesContext
class StoreStatementIntegrationTest {

    private static final Instant T = Instant.parse("2026-11-30T12:00:00Z");

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    EventSchemas schemas;

    private final AtomicInteger statements = new AtomicInteger();
    private EventTypeStores stores;
    private TransactionTemplate transaction;
    private long offset;

    @BeforeEach
    void emptyTables() {
        jdbc.execute(PipelineTables.TRUNCATE_ALL);
        DataSource counting = CountingDataSource.of(dataSource, statements);
        stores = new EventTypeStores(counting, schemas, new EventTypes(), "sluice", name -> new SimpleMeterRegistry()
                .timer(name));
        transaction = new TransactionTemplate(new DataSourceTransactionManager(counting));
    }

    @Test
    void aChunkIsOneStatementThatClaimsWritesAndRecordsInOneRoundTrip() {
        EventTypeStore store = store("review_created");
        statements.set(0);

        write(store, created("r-1", 0, 5, "one"), created("r-2", 1, 4, "two"));

        assertThat(statements).as("statements prepared for the chunk").hasValue(1);
        assertThat(count("SELECT count(*) FROM idempotency_markers")).isEqualTo(2);
    }

    @Test
    void theFirstCreationOfAKeyIsAppliedAndTheOthersAreConflictsRecordedInTheLedger() {
        ValidEvent first = created("r-1", 0, 5, "first");
        ValidEvent second = created("r-1", 1, 1, "second");

        assertThat(write(store("review_created"), first, second, created("r-2", 2, 4, "other"), first))
                .containsExactly(APPLIED, CONFLICT, APPLIED, DUPLICATE);
        assertThat(write(store("review_created"), created("r-2", 3, 2, "again"))).containsExactly(CONFLICT);

        assertThat(jdbc.queryForMap("SELECT review_text, rating FROM reviews WHERE review_id = 'r-1'"))
                .containsEntry("review_text", "first").containsEntry("rating", 5);
        assertThat(count("SELECT count(*) FROM superseded_events WHERE reason = 'conflict'")).isEqualTo(2);
    }

    @Test
    void aKeysUpdatesApplyInTheChunksOrderEachOnlyIfNewerThanTheRowAndThoseBeforeIt() {
        write(store("review_created"), created("r-1", 5, 3, "created"));

        assertThat(write(store("review_updated"), updated("r-1", 6, 4, "six"), updated("r-1", 4, 1, "four"),
                updated("r-1", 8, 5, "eight"), updated("r-1", 7, 2, "seven")))
                .containsExactly(APPLIED, STALE, APPLIED, STALE);

        assertThat(jdbc.queryForMap("SELECT review_text, rating, version_at, event_id IS NOT NULL AS created"
                + " FROM reviews WHERE review_id = 'r-1'")).containsEntry("review_text", "eight")
                .containsEntry("rating", 5).containsEntry("created", true);
        assertThat(count("SELECT count(*) FROM superseded_events WHERE reason = 'stale'")).isEqualTo(2);
    }

    @Test
    void aDeletionIsFinalAndTheTombstoneEndsAtTheOldestDeletionWhateverTheirOrder() {
        write(store("review_created"), titled("r-1", 2, "a title"));

        assertThat(write(store("review_deleted"), deleted("r-1", 5), deleted("r-1", 3), deleted("r-1", 4)))
                .containsExactly(APPLIED, APPLIED, STALE);
        assertThat(write(store("review_updated"), updated("r-1", 9, 5, "too late"))).containsExactly(STALE);

        Map<String, Object> tombstone = jdbc.queryForMap("SELECT * FROM reviews WHERE review_id = 'r-1'");
        assertThat(tombstone).containsEntry("rating", null).containsEntry("review_text", null)
                .containsEntry("title", null).containsEntry("reviewed_at", null).containsEntry("user_key", "user:1");
        assertThat(tombstone.get("event_id")).as("the creation's id stays").isNotNull();
        assertThat(((java.sql.Timestamp) tombstone.get("version_at")).toInstant()).isEqualTo(T.plusSeconds(3));
        assertThat(((java.sql.Timestamp) tombstone.get("deleted_at")).toInstant()).isEqualTo(T.plusSeconds(3));
    }

    @Test
    void aLateCreationFillsInWhatTheRowLacksIfOlderAndEverythingIfNewer() {
        write(store("review_updated"), updated("r-old", 5, 4, "updated first"), updated("r-new", 5, 4, "updated"));

        assertThat(write(store("review_created"), titled("r-old", 3, "kept title"), titled("r-new", 7, "new title")))
                .containsExactly(APPLIED, APPLIED);

        assertThat(jdbc.queryForMap("SELECT review_text, title, reviewed_at IS NOT NULL AS dated, version_at"
                + " FROM reviews WHERE review_id = 'r-old'")).containsEntry("review_text", "updated first")
                .containsEntry("title", "kept title").containsEntry("dated", true);
        assertThat(jdbc.queryForMap("SELECT review_text, title FROM reviews WHERE review_id = 'r-new'"))
                .containsEntry("review_text", "body of r-new").containsEntry("title", "new title");
    }

    @Test
    void aLateCreationOfADeletedReviewOnlyRecordsWhichEventCreatedIt() {
        write(store("review_deleted"), deleted("r-1", 5));

        assertThat(write(store("review_created"), created("r-1", 3, 5, "never shown"))).containsExactly(APPLIED);

        assertThat(jdbc.queryForMap("SELECT review_text, rating, reviewed_at, event_id IS NOT NULL AS created"
                + " FROM reviews WHERE review_id = 'r-1'")).containsEntry("review_text", null)
                .containsEntry("rating", null).containsEntry("reviewed_at", null).containsEntry("created", true);
    }

    @Test
    void aFieldOnlyAnotherSchemaVersionDeclaresBindsNullWhateverTheEventSentUnderThatName() {
        // A v1 event may carry extra payload fields (its schema allows them): a stray body or title must not win.
        ValidEvent v1 = Events.event("review_created", Events.id(), 1, T, Map.of("review_id", "r-1", "rating", 3,
                "text", "the text", "body", "stray body", "title", "stray title"), source());

        write(store("review_created"), v1);

        assertThat(jdbc.queryForMap("SELECT review_text, title FROM reviews WHERE review_id = 'r-1'"))
                .containsEntry("review_text", "the text").containsEntry("title", null);
    }

    @Test
    void aKeyAnotherTransactionCreatedBetweenTheReadAndTheWriteFailsTheAttemptToBeMadeAgain() throws Exception {
        JdbcTemplate other = new JdbcTemplate(dataSource);
        TransactionTemplate otherTransaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        CompletableFuture<Void> released = new CompletableFuture<>();
        CompletableFuture<Void> inserted = new CompletableFuture<>();
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> otherTransaction.executeWithoutResult(status -> {
            other.update("INSERT INTO reviews (review_id, user_key, rating, review_text, version_at, version_partition,"
                    + " version_offset) VALUES ('r-1', 'user:1', 5, 'newer', ?, 0, 999)", java.sql.Timestamp.from(T.plusSeconds(9)));
            inserted.complete(null);
            released.join();
        }));
        inserted.get(30, TimeUnit.SECONDS);

        CompletableFuture<List<StoreOutcome>> update = CompletableFuture.supplyAsync(
                () -> write(store("review_updated"), updated("r-1", 5, 1, "older")));
        Thread.sleep(500);
        released.complete(null);
        holder.get(30, TimeUnit.SECONDS);

        assertThatThrownBy(() -> update.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(ConcurrencyFailureException.class);
        assertThat(jdbc.queryForObject("SELECT review_text FROM reviews WHERE review_id = 'r-1'", String.class))
                .isEqualTo("newer");
        assertThat(count("SELECT count(*) FROM idempotency_markers")).as("the attempt rolled back").isZero();
    }

    @Test
    void theDocsShowTheStatementsGeneratedForTheShippedTypes() throws Exception {
        LiveTable reviews = LiveTable.read(dataSource, "reviews");
        StringBuilder shown = new StringBuilder();
        for (String type : List.of("review_created", "review_updated", "review_deleted")) {
            Map<String, Object> declaration = shippedDeclaration(type);
            shown.append("`").append(type).append("` (mode ").append(declaration.get("mode")).append("):\n\n```sql\n")
                    .append(StoreStatement.generate(EventType.declared(declaration), reviews, true).sql())
                    .append("\n```\n\n");
        }
        java.nio.file.Path expected = java.nio.file.Path.of("target", "write-modes-statements.md");
        java.nio.file.Files.writeString(expected, shown);

        assertThat(java.nio.file.Files.readString(java.nio.file.Path.of("docs", "write-modes.md")))
                .as("docs/write-modes.md shows the generated statements (as in %s)", expected).contains(shown.toString().strip());
    }

    /** A shipped type's parameters, read from its file under routes-yaml/event-types/. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> shippedDeclaration(String type) throws Exception {
        List<Map<String, Object>> file = new org.yaml.snakeyaml.Yaml().load(java.nio.file.Files.readString(
                java.nio.file.Path.of("routes-yaml", "event-types", type + ".camel.yaml")));
        Map<String, Object> templated = (Map<String, Object>) file.get(0).get("templatedRoute");
        Map<String, Object> declaration = new HashMap<>();
        for (Map<String, Object> parameter : (List<Map<String, Object>>) templated.get("parameters")) {
            declaration.put((String) parameter.get("name"), parameter.get("value"));
        }
        return declaration;
    }

    private List<StoreOutcome> write(EventTypeStore store, ValidEvent... events) {
        StoreChunk chunk = StoreChunk.of(List.of(events));
        transaction.executeWithoutResult(status -> {
            try {
                store.chunkWriter().process(exchangeOf(chunk));
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<StoreOutcome> outcomes = new ArrayList<>();
        chunk.forEachOutcome((event, outcome) -> outcomes.add(outcome));
        return outcomes;
    }

    private static org.apache.camel.Exchange exchangeOf(StoreChunk chunk) {
        org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(
                new org.apache.camel.impl.DefaultCamelContext());
        exchange.getMessage().setBody(chunk);
        return exchange;
    }

    /** A shipped type's store, from its file's declaration. */
    private EventTypeStore store(String eventType) {
        try {
            return stores.build(shippedDeclaration(eventType));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private ValidEvent created(String reviewId, int second, int rating, String text) {
        return Events.event("review_created", Events.id(), 1, T.plusSeconds(second),
                Map.of("review_id", reviewId, "rating", rating, "text", text), source());
    }

    private ValidEvent titled(String reviewId, int second, String title) {
        return Events.event("review_created", Events.id(), 2, T.plusSeconds(second),
                Map.of("review_id", reviewId, "rating", 2, "body", "body of " + reviewId, "title", title), source());
    }

    private ValidEvent updated(String reviewId, int second, int rating, String text) {
        return Events.event("review_updated", Events.id(), 1, T.plusSeconds(second),
                Map.of("review_id", reviewId, "rating", rating, "text", text), source());
    }

    private ValidEvent deleted(String reviewId, int second) {
        return Events.event("review_deleted", Events.id(), 1, T.plusSeconds(second), Map.of("review_id", reviewId),
                source());
    }

    private EventSource source() {
        return new EventSource.KafkaRecord("events.main", 0, offset++);
    }

    private long count(String sql) {
        return jdbc.queryForObject(sql, Long.class);
    }
}
