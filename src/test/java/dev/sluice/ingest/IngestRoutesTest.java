package dev.sluice.ingest;

import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sluice.config.SluiceProperties;
import dev.sluice.deadletter.DeadLetterHeaders;
import dev.sluice.failure.DatabaseUnavailableException;
import dev.sluice.store.EventTypes;
import dev.sluice.support.RefusedRows;
import dev.sluice.tools.ReviewEvents;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The pipeline's route logic, with the Kafka consumer replaced by {@code direct:ingest} (fed batches of record
 * exchanges, as camel-kafka's batching consumer hands them over), the offset commit and the dead-letter topic by mocks.
 * The idempotent repository and the SQL sink stay real (PostgreSQL), so "written once" means one row. Each store
 * attempt, batched or one by one, passes {@code mock:written} once.
 */
@CamelSpringBootTest
@SpringBootTest(properties = "sluice.throttle.max-events-per-second=50")
@ActiveProfiles("test")
@UseAdviceWith
class IngestRoutesTest {

    private static final String INGEST = "direct:ingest";

    @Autowired
    CamelContext camel;
    @Autowired
    ProducerTemplate producer;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CircuitBreaker databaseCircuitBreaker;
    @Autowired
    SluiceProperties properties;

    @EndpointInject("mock:written")
    MockEndpoint written;
    @EndpointInject("mock:dead-letter-topic")
    MockEndpoint deadLetterTopic;
    @EndpointInject("mock:committed")
    MockEndpoint committed;

    @BeforeEach
    void adviseRoutesOnce() throws Exception {
        if (!camel.isStarted()) {
            AdviceWith.adviceWith(camel, "ingest", route -> {
                route.replaceFromWith(INGEST);
                route.weaveById("commit-offsets").replace().to("mock:committed");
            });
            AdviceWith.adviceWith(camel, "store-review_created", route -> {
                route.weaveById("write-chunk").after().to("mock:written");
                route.weaveById("write-one").after().to("mock:written");
            });
            AdviceWith.adviceWith(camel, "dead-letter-record",
                    route -> route.weaveById("dlq-topic").replace().to("mock:dead-letter-topic"));
            // A batch's dead letters reach the topic as one list; the mock sees each record.
            AdviceWith.adviceWith(camel, "dead-letter-batch", route -> route.weaveById("dlq-topic-records").replace()
                    .split(route.body()).to("mock:dead-letter-topic"));
            AdviceWith.adviceWith(camel, "dead-letter-minimal",
                    route -> route.weaveById("dlq-topic-minimal").replace().to("mock:dead-letter-topic"));
            camel.start();
        }
        MockEndpoint.resetMocks(camel);
        databaseCircuitBreaker.reset();
        RefusedRows.install(jdbc);
    }

    @AfterEach
    void noRowRefusedForTheNextTestClass() {
        RefusedRows.remove(jdbc);
    }

    @Test
    void validEventIsWrittenWithItsLineage() throws Exception {
        UUID eventId = UUID.randomUUID();
        written.expectedMessageCount(1);

        long offset = send(review(eventId, 4, "great"));

        written.assertIsSatisfied();
        deadLetterTopic.expectedMessageCount(0);
        deadLetterTopic.assertIsSatisfied();
        Map<String, Object> row = jdbc.queryForMap(
                "SELECT rating, review_text, source_topic, source_offset FROM reviews WHERE event_id = ?", eventId);
        assertThat(row).containsEntry("rating", 4).containsEntry("review_text", "great")
                .containsEntry("source_topic", "events.main").containsEntry("source_offset", offset);
    }

    @Test
    void malformedJsonGoesToDeadLetterWithoutRedelivery() throws Exception {
        byte[] garbage = "{\"event_id\": oops".getBytes(StandardCharsets.UTF_8);
        deadLetterTopic.expectedMessageCount(1);

        send(garbage);

        deadLetterTopic.assertIsSatisfied();
        Exchange deadLetter = deadLetterTopic.getReceivedExchanges().get(0);
        assertThat(deadLetter.getMessage().getBody(byte[].class)).isEqualTo(garbage);
        assertThat(deadLetter.getMessage().getHeaders())
                .containsEntry(DeadLetterHeaders.REASON, "malformed")
                .containsEntry(DeadLetterHeaders.ATTEMPTS, "1");
        assertThat(written.getReceivedCounter()).isZero();
    }

    @Test
    void ratingNineGoesToDeadLetterWithAReasonNamingRating() throws Exception {
        UUID eventId = UUID.randomUUID();
        byte[] event = review(eventId, 9, "off the scale");
        deadLetterTopic.expectedMessageCount(1);

        long offset = send(event);

        deadLetterTopic.assertIsSatisfied();
        Map<String, Object> headers = deadLetterTopic.getReceivedExchanges().get(0).getMessage().getHeaders();
        assertThat(headers).containsEntry(DeadLetterHeaders.REASON, "invalid")
                .containsEntry(DeadLetterHeaders.ATTEMPTS, "1")
                .containsEntry(DeadLetterHeaders.EVENT_ID, eventId.toString());
        assertThat((String) headers.get(DeadLetterHeaders.EXCEPTION_MESSAGE)).contains("payload.rating");
        Map<String, Object> row = jdbc.queryForMap(
                "SELECT reason, exception_message, original_value FROM dlq_events WHERE source_offset = ?", offset);
        assertThat(row.get("reason")).isEqualTo("invalid");
        assertThat((String) row.get("exception_message")).contains("rating");
        assertThat((byte[]) row.get("original_value")).isEqualTo(event);
    }

    @Test
    void duplicateEventIdIsWrittenOnce() throws Exception {
        UUID eventId = UUID.randomUUID();
        byte[] event = review(eventId, 5, "twice");

        send(event);
        send(event);

        assertThat(rowsFor(eventId)).isEqualTo(1);
        assertThat(markersFor(eventId)).isEqualTo(1);
        BatchOutcomes second = committed.getReceivedExchanges().get(1).getMessage().getBody(IngestBatch.class).outcomes();
        assertThat(second.duplicates()).isEqualTo(1);
        assertThat(second.writtenCount()).isZero();
        assertThat(deadLetterTopic.getReceivedCounter()).isZero();
    }

    @Test
    void transientFailuresFailTheBatchThenTheEventIsRedeliveredWithGrowingDelaysAndWrittenOnce() throws Exception {
        UUID eventId = UUID.randomUUID();
        List<Long> attemptTimes = new ArrayList<>();
        written.whenAnyExchangeReceived(exchange -> {
            attemptTimes.add(System.nanoTime());
            if (attemptTimes.size() <= 3) {
                throw new TransientDataAccessResourceException("connection reset after the insert");
            }
        });

        send(review(eventId, 3, "fourth time lucky"));

        // The batched attempt, then the event on its own: its first attempt and two redeliveries.
        assertThat(attemptTimes).hasSize(4);
        // Lower bounds only: the time between attempts also holds the attempts, which a loaded machine stretches. Camel
        // multiplies the previous delay as jittered, so the second is at least initial·(1-j)·multiplier·(1-j), which
        // is longer than the first delay can be: the delay grew.
        SluiceProperties.Redelivery policy = properties.redelivery();
        double initialNanos = policy.initialDelay().toNanos();
        double firstCeiling = initialNanos * (1 + policy.jitter());
        double secondFloor = initialNanos * (1 - policy.jitter()) * policy.multiplier() * (1 - policy.jitter());
        assertThat(secondFloor).as("the test's redelivery settings tell the two delays apart").isGreaterThan(firstCeiling);
        assertThat((double) (attemptTimes.get(2) - attemptTimes.get(1))).isGreaterThanOrEqualTo(
                initialNanos * (1 - policy.jitter()));
        assertThat((double) (attemptTimes.get(3) - attemptTimes.get(2))).isGreaterThanOrEqualTo(secondFloor);
        assertThat(rowsFor(eventId)).isEqualTo(1);
        assertThat(markersFor(eventId)).isEqualTo(1);
        assertThat(deadLetterTopic.getReceivedCounter()).isZero();
        assertThat(committed.getReceivedCounter()).isEqualTo(1);
    }

    @Test
    void poisonRecordInABatchIsDeadLetteredAloneAndTheRestIsWrittenOnceInOneAttempt() throws Exception {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        byte[] garbage = "not json at all".getBytes(StandardCharsets.UTF_8);
        byte[] firstEvent = review(first, 5, "first");

        sendBatch(firstEvent, garbage, review(second, 4, "second"), firstEvent);

        assertThat(written.getReceivedCounter()).isEqualTo(1);
        assertThat(rowsFor(first)).isEqualTo(1);
        assertThat(rowsFor(second)).isEqualTo(1);
        assertThat(deadLetterTopic.getReceivedCounter()).isEqualTo(1);
        Exchange deadLetter = deadLetterTopic.getReceivedExchanges().get(0);
        assertThat(deadLetter.getMessage().getBody(byte[].class)).isEqualTo(garbage);
        assertThat(deadLetter.getMessage().getHeaders()).containsEntry(DeadLetterHeaders.REASON, "malformed")
                .containsEntry(DeadLetterHeaders.ATTEMPTS, "1");
        assertThat(committed.getReceivedCounter()).isEqualTo(1);
    }

    @Test
    void rowTheDatabaseRefusesIsDeadLetteredAloneAndTheRestOfItsBatchIsWrittenOnce() throws Exception {
        UUID before = UUID.randomUUID();
        UUID refused = UUID.randomUUID();
        UUID after = UUID.randomUUID();

        sendBatch(review(before, 5, "before"), review(refused, 2, RefusedRows.PREFIX + " inside"), review(after, 4, "after"));

        assertThat(rowsFor(before)).isEqualTo(1);
        assertThat(rowsFor(after)).isEqualTo(1);
        assertThat(rowsFor(refused)).isZero();
        assertThat(markersFor(refused)).isZero();
        assertThat(deadLetterTopic.getReceivedCounter()).isEqualTo(1);
        assertThat(deadLetterTopic.getReceivedExchanges().get(0).getMessage().getHeaders())
                .containsEntry(DeadLetterHeaders.REASON, "rejected_by_database")
                .containsEntry(DeadLetterHeaders.EVENT_ID, refused.toString());
        assertThat(committed.getReceivedCounter()).isEqualTo(1);
    }

    @Test
    void permanentDatabaseFailureGoesToDeadLetterAfterTheFirstAttempt() throws Exception {
        UUID eventId = UUID.randomUUID();
        deadLetterTopic.expectedMessageCount(1);

        send(review(eventId, 2, RefusedRows.PREFIX + " inside"));

        deadLetterTopic.assertIsSatisfied();
        assertThat(deadLetterTopic.getReceivedExchanges().get(0).getMessage().getHeaders())
                .containsEntry(DeadLetterHeaders.REASON, "rejected_by_database")
                .containsEntry(DeadLetterHeaders.ATTEMPTS, "1")
                .containsEntry(DeadLetterHeaders.EVENT_ID, eventId.toString());
        assertThat(rowsFor(eventId)).isZero();
        assertThat(markersFor(eventId)).isZero();
    }

    @Test
    void deadLetteredEventIdDoesNotBlockAFixedReplay() throws Exception {
        UUID eventId = UUID.randomUUID();
        send(review(eventId, 2, RefusedRows.PREFIX + " inside"));
        assertThat(deadLetterTopic.getReceivedCounter()).isEqualTo(1);

        send(review(eventId, 2, "fixed text"));

        assertThat(rowsFor(eventId)).isEqualTo(1);
        assertThat(deadLetterTopic.getReceivedCounter()).isEqualTo(1);
    }

    @Test
    void contentionThatOutlivesRedeliveriesGoesToDeadLetterWithTheAttemptCount() throws Exception {
        UUID eventId = UUID.randomUUID();
        written.whenAnyExchangeReceived(exchange -> {
            throw new CannotAcquireLockException("deadlock detected, every time");
        });
        deadLetterTopic.expectedMessageCount(1);

        send(review(eventId, 1, "never lands"));

        deadLetterTopic.assertIsSatisfied();
        // The batched attempt, then the event's own attempt and three redeliveries.
        assertThat(written.getReceivedCounter()).isEqualTo(5);
        assertThat(deadLetterTopic.getReceivedExchanges().get(0).getMessage().getHeaders())
                .containsEntry(DeadLetterHeaders.REASON, "retries_exhausted")
                .containsEntry(DeadLetterHeaders.ATTEMPTS, "4");
        assertThat(rowsFor(eventId)).isZero();
    }

    @Test
    void databaseUnavailableIsNeverDeadLetteredNorCommittedButFailsBackToTheConsumer() {
        UUID eventId = UUID.randomUUID();
        written.whenAnyExchangeReceived(exchange -> {
            throw new CannotGetJdbcConnectionException("connection refused");
        });

        assertThatThrownBy(() -> send(review(eventId, 3, "healthy event, sick database")))
                .hasRootCauseInstanceOf(CannotGetJdbcConnectionException.class)
                .hasStackTraceContaining(DatabaseUnavailableException.class.getName());

        assertThat(written.getReceivedCounter()).isEqualTo(5);
        assertThat(deadLetterTopic.getReceivedCounter()).isZero();
        assertThat(committed.getReceivedCounter()).isZero();
        assertThat(rowsFor(eventId)).isZero();
        assertThat(markersFor(eventId)).isZero();
    }

    @Test
    void openCircuitBreakerFailsFastAndNeitherCommitsNorDeadLettersTheEvent() {
        UUID eventId = UUID.randomUUID();
        databaseCircuitBreaker.transitionToForcedOpenState();

        assertThatThrownBy(() -> send(review(eventId, 4, "breaker is open")))
                .hasRootCauseInstanceOf(CallNotPermittedException.class);

        assertThat(written.getReceivedCounter()).isZero();
        assertThat(deadLetterTopic.getReceivedCounter()).isZero();
        assertThat(committed.getReceivedCounter()).isZero();
        assertThat(rowsFor(eventId)).isZero();
    }

    @Test
    void permanentFailuresDoNotOpenTheCircuitBreaker() throws Exception {
        for (int i = 0; i < 25; i++) {
            send(review(UUID.randomUUID(), 2, RefusedRows.PREFIX + " " + i));
        }

        assertThat(databaseCircuitBreaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(deadLetterTopic.getReceivedCounter()).isEqualTo(25);
    }

    @Test
    void committedBatchesAreNotKeptAliveByTheBatchesAfterThem() {
        for (int i = 0; i < 40; i++) {
            sendBatch(review(UUID.randomUUID(), 4, "batch " + i), review(UUID.randomUUID(), 4, "batch " + i));
        }
        // The first ten. Camel's event console keeps its last 25 exchange events (a few batches) by design; nothing
        // else may keep a batch. Simple's ${body.slices} did: camel-bean's BeanInfo cache (1,000 entries) keys on the
        // object a method is called on, and kept the last thousand batches with all their records.
        List<WeakReference<IngestBatch>> batches = committed.getReceivedExchanges().subList(0, 10).stream()
                .map(batch -> new WeakReference<>(batch.getMessage().getBody(IngestBatch.class))).toList();
        assertThat(batches).allSatisfy(batch -> assertThat(batch.get()).isNotNull());
        MockEndpoint.resetMocks(camel);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            System.gc();
            return batches.stream().allMatch(batch -> batch.get() == null);
        });
    }

    @Test
    void throttleHoldsTheConfiguredRate() throws Exception {
        // 50 events/s in one-second cycles: 150 events span at least two cycle boundaries after the first 50, however
        // far into its cycle the test starts.
        long started = System.nanoTime();
        for (int i = 0; i < 150; i++) {
            send(review(UUID.randomUUID(), 5, "burst " + i));
        }
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(written.getReceivedCounter()).isEqualTo(150);
        assertThat(elapsedMillis).isGreaterThanOrEqualTo(900);
    }

    @Test
    void everyEventTypeInRoutesYamlHasItsStoreRouteStarted() throws Exception {
        Pattern eventType = Pattern.compile("(?m)- name: eventType\\s*\\n\\s+value:\\s*(\\S+)");
        List<String> declared = new ArrayList<>();
        try (var files = Files.list(Path.of("routes-yaml", "event-types"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                Matcher type = eventType.matcher(Files.readString(file));
                assertThat(type.find()).as("%s declares an event type", file).isTrue();
                declared.add(type.group(1));
            }
        }

        assertThat(declared).isNotEmpty().allSatisfy(type -> assertThat(camel.getRouteController()
                .getRouteStatus(EventTypes.routeId(type))).as("store route of %s", type).isEqualTo(ServiceStatus.Started));
    }

    /** One record, as a batch of one; returns its offset. */
    private long send(byte[] recordValue) {
        return sendBatch(recordValue).get(0);
    }

    private List<Long> sendBatch(byte[]... recordValues) {
        List<Exchange> records = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        for (byte[] value : recordValues) {
            long offset = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
            Exchange record = new DefaultExchange(camel);
            record.getMessage().setBody(value);
            record.getMessage().setHeaders(new HashMap<>(Map.of(
                    KafkaConstants.TOPIC, "events.main",
                    KafkaConstants.PARTITION, 0,
                    KafkaConstants.OFFSET, offset,
                    KafkaConstants.KEY, "user:1")));
            records.add(record);
            offsets.add(offset);
        }
        producer.sendBody(INGEST, records);
        return offsets;
    }

    private static byte[] review(UUID eventId, int rating, String text) {
        return ReviewEvents.valid(eventId, "user:1", "r-" + eventId, rating, text);
    }

    private int rowsFor(UUID eventId) {
        return jdbc.queryForObject("SELECT count(*) FROM reviews WHERE event_id = ?", Integer.class, eventId);
    }

    private int markersFor(UUID eventId) {
        return jdbc.queryForObject("SELECT count(*) FROM idempotency_markers WHERE message_id = ?", Integer.class,
                eventId.toString());
    }
}
