package dev.sluice;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.config.SluiceProperties;
import dev.sluice.deadletter.DeadLetterDescriber;
import dev.sluice.deadletter.DeadLetterLog;
import dev.sluice.deadletter.DeadLetterRows;
import dev.sluice.deadletter.DeadLetterTopicRecord;
import dev.sluice.failure.OutageGuard;
import dev.sluice.ingest.BatchAdmission;
import dev.sluice.ingest.BatchGate;
import dev.sluice.ingest.ChunkedWrite;
import dev.sluice.ingest.EventRateLimit;
import dev.sluice.ingest.EventTypeAgreement;
import dev.sluice.ingest.KafkaBatch;
import dev.sluice.ingest.OneByOne;
import dev.sluice.ingest.RejectedRecords;
import dev.sluice.ingest.RouteCalls;
import dev.sluice.ingest.WriteChunkSize;
import dev.sluice.observe.QueryTimers;
import dev.sluice.reload.LiveTuning;
import dev.sluice.store.AttemptTransactionPolicy;
import dev.sluice.store.BreakerPausesConsumers;
import dev.sluice.store.DatabaseCircuitBreaker;
import dev.sluice.store.DatabaseLimits;
import dev.sluice.store.EventTypeStores;
import dev.sluice.store.EventTypes;
import dev.sluice.store.MarkerRetention;
import dev.sluice.store.PostgresMessageIdRepository;
import dev.sluice.store.ReviewStatsCompaction;
import dev.sluice.store.RowParameters;
import dev.sluice.validate.EventSchemas;
import dev.sluice.validate.EventValidator;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The pipeline's beans, which its routes refer to by name: made here once, for the app by Spring, and for the Camel
 * CLI by {@code dev.sluice.cli.CliPipeline}, which calls the same methods.
 */
@Configuration(proxyBeanMethods = false)
public class PipelineConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PipelineConfiguration.class);

    @Bean
    public EventSchemas eventSchemas(SluiceProperties properties) {
        EventSchemas schemas = EventSchemas.loadFrom(properties.validation().schemasDirectory());
        log.info("Event schemas loaded from {}: {}", properties.validation().schemasDirectory(), schemas.describe());
        return schemas;
    }

    @Bean
    public EventValidator eventValidator(ObjectMapper mapper, EventSchemas schemas, SluiceProperties properties) {
        return new EventValidator(mapper, schemas, properties.validation().maxEventBytes());
    }

    /** The event types whose store routes run; the ingest routes ask it by this name. */
    @Bean
    public EventTypes eventTypes() {
        return new EventTypes();
    }

    /**
     * Where a batch's writes wait while live reload swaps a store route; a swap waits for the batch inside at most as
     * long as a batch may keep starting writes.
     */
    @Bean
    public BatchGate batchGate(SluiceProperties properties) {
        return new BatchGate(properties.consumer().batchDeadline());
    }

    /** What the store route template builds each event type's store with (by this name: StoreRouteTemplate.STORES). */
    @Bean
    public EventTypeStores eventTypeStores(DataSource dataSource, EventSchemas schemas, EventTypes eventTypes,
                                    SluiceProperties properties, MeterRegistry registry) {
        return new EventTypeStores(dataSource, schemas, eventTypes, properties.consumer().groupId(),
                query -> queryTimer(registry, query));
    }

    /** Also the {@code eventTypes} detail of /actuator/health (Spring names it after the bean, less the suffix). */
    @Bean(destroyMethod = "stopChecking")
    public EventTypeAgreement eventTypesHealthIndicator(EventSchemas schemas, EventTypes eventTypes,
                                                        MeterRegistry registry) {
        return new EventTypeAgreement(schemas, eventTypes, registry);
    }

    @Bean
    public BatchAdmission batchAdmission(EventValidator eventValidator, EventTypes eventTypes,
                                         SluiceProperties properties) {
        return new BatchAdmission(eventValidator, eventTypes, properties.consumer().batchDeadline());
    }

    @Bean
    public RouteCalls routeCalls() {
        return new RouteCalls();
    }

    @Bean
    public WriteChunkSize writeChunkSize(SluiceProperties properties, MeterRegistry registry) {
        WriteChunkSize chunkSize = new WriteChunkSize(properties.consumer().maxPollRecords(),
                properties.database().statementTimeout());
        Gauge.builder("write.chunk.size", chunkSize, WriteChunkSize::current)
                .description("Events per store transaction now: smaller while the database is slow").register(registry);
        return chunkSize;
    }

    @Bean
    public ChunkedWrite chunkedWrite(WriteChunkSize writeChunkSize, OneByOne oneByOne, RouteCalls routeCalls) {
        return new ChunkedWrite(writeChunkSize, oneByOne, routeCalls);
    }

    /** Bounded database time and the pool's size, on the pool before it opens (static: a bean post-processor). */
    @Bean
    public static DatabaseLimits databaseLimits(Environment environment) {
        return new DatabaseLimits(environment);
    }

    @Bean
    public OneByOne oneByOne(RouteCalls routeCalls) {
        return new OneByOne(routeCalls);
    }

    @Bean
    public RejectedRecords rejectedRecords(DeadLetterDescriber deadLetterDescriber, DeadLetterLog deadLetterLog,
                                           OneByOne oneByOne, RouteCalls routeCalls) {
        return new RejectedRecords(deadLetterDescriber, deadLetterLog, oneByOne, routeCalls);
    }

    @Bean
    public DeadLetterRows deadLetterRows(JdbcTemplate jdbcTemplate) {
        return new DeadLetterRows(jdbcTemplate);
    }

    /** The throttle; {@code routes-yaml/tuning.yaml}, when it sets a rate, wins over the configured one. */
    @Bean
    public EventRateLimit eventRateLimit(SluiceProperties properties) {
        return new EventRateLimit(Math.toIntExact(properties.throttle().maxEventsPerSecond()));
    }

    /** Applied once at startup here; live reload applies each edit after that (ValidatedRouteReload). */
    @Bean(initMethod = "apply")
    public LiveTuning liveTuning(SluiceProperties properties, EventRateLimit eventRateLimit) {
        return new LiveTuning(properties.routesDirectory(), eventRateLimit);
    }

    @Bean
    public KafkaBatch kafkaBatch() {
        return new KafkaBatch();
    }

    /** One repository for every event type: event ids are UUIDs, unique across types. */
    @Bean
    public PostgresMessageIdRepository eventIdRepository(JdbcTemplate jdbcTemplate, SluiceProperties properties,
                                                  MeterRegistry registry) {
        return new PostgresMessageIdRepository(jdbcTemplate, properties.consumer().groupId(),
                queryTimer(registry, "insert_idempotency_markers"));
    }

    @Bean
    public MarkerRetention markerRetention(JdbcTemplate jdbcTemplate, SluiceProperties properties,
                                           MeterRegistry registry) {
        return new MarkerRetention(jdbcTemplate, properties.idempotency().markerRetention(), registry);
    }

    @Bean
    public ReviewStatsCompaction reviewStatsCompaction(JdbcTemplate jdbcTemplate, MeterRegistry registry) {
        return new ReviewStatsCompaction(jdbcTemplate, registry);
    }

    @Bean
    public RowParameters rowParameters() {
        return new RowParameters();
    }

    /** One store attempt's transaction, with its deadline: every statement in it gets the time that is left. */
    @Bean
    public AttemptTransactionPolicy attemptTransaction(PlatformTransactionManager transactions,
                                                       SluiceProperties properties, MeterRegistry registry) {
        return new AttemptTransactionPolicy(boundedTransaction(transactions, properties),
                queryTimer(registry, "store_transaction"));
    }

    /** A dead letter's row and topic record, timed apart from the store attempts. */
    @Bean
    public AttemptTransactionPolicy deadLetterTransaction(PlatformTransactionManager transactions,
                                                   SluiceProperties properties, MeterRegistry registry) {
        return new AttemptTransactionPolicy(boundedTransaction(transactions, properties),
                queryTimer(registry, "dead_letter_transaction"));
    }

    private static TransactionTemplate boundedTransaction(PlatformTransactionManager transactions,
                                                          SluiceProperties properties) {
        TransactionTemplate transaction = new TransactionTemplate(transactions);
        transaction.setTimeout((int) Math.max(1, properties.database().transactionTimeout().toSeconds()));
        return transaction;
    }

    private static Timer queryTimer(MeterRegistry registry, String query) {
        return QueryTimers.of(registry, query);
    }

    @Bean
    public CircuitBreaker databaseCircuitBreaker(SluiceProperties properties) {
        return DatabaseCircuitBreaker.create(properties.circuitBreaker());
    }

    @Bean
    public DeadLetterDescriber deadLetterDescriber(SluiceProperties properties) {
        return new DeadLetterDescriber(new DeadLetterTopicRecord(properties.deadLetter().maxTopicRecordBytes()));
    }

    @Bean
    public DeadLetterLog deadLetterLog() {
        return new DeadLetterLog();
    }

    @Bean
    public OutageGuard outageGuard() {
        return new OutageGuard();
    }

    @Bean
    public BreakerPausesConsumers breakerPausesConsumers(CircuitBreaker databaseCircuitBreaker, CamelContext camel) {
        return new BreakerPausesConsumers(databaseCircuitBreaker, camel);
    }
}
