package dev.sluice.cli;

import java.nio.file.Path;
import java.time.Duration;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.config.SluiceProperties;
import dev.sluice.ingest.BatchAdmission;
import dev.sluice.ingest.ChunkedWrite;
import dev.sluice.ingest.OneByOne;
import dev.sluice.ingest.RouteCalls;
import dev.sluice.ingest.WriteChunkSize;
import dev.sluice.observe.PipelineMetrics;
import dev.sluice.observe.QueryTimers;
import dev.sluice.store.AttemptTransactionPolicy;
import dev.sluice.store.DatabaseCircuitBreaker;
import dev.sluice.store.PostgresMessageIdRepository;
import dev.sluice.store.EventTypeStores;
import dev.sluice.store.EventTypes;
import dev.sluice.validate.EventSchemas;
import dev.sluice.validate.EventValidator;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.util.TimeUtils;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The beans the shared YAML routes call by name, for the Camel CLI ({@code camel run}, see {@code cli/beans.camel.yaml}),
 * where there is no Spring context: the same classes {@code PipelineConfiguration} wires, built from plain values.
 * One transaction manager over the routes' DataSource, so the idempotency marker and the row still commit together.
 * Metrics stay in a local registry: the CLI shows Camel's own statistics ({@code camel get route}).
 */
public final class CliBeans {

    private static final MeterRegistry LOCAL_METRICS = new SimpleMeterRegistry();

    private CliBeans() {
    }

    public static TransactionTemplate transactions(DataSource dataSource) {
        return new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    public static EventValidator eventValidator(String schemasDirectory, int maxEventBytes) {
        return new EventValidator(new ObjectMapper(), EventSchemas.loadFrom(Path.of(schemasDirectory)), maxEventBytes);
    }

    /** What the store route template builds each event type's store with, as in the app. */
    public static EventTypeStores eventTypeStores(DataSource dataSource, String schemasDirectory, EventTypes eventTypes,
                                                 String groupId) {
        return new EventTypeStores(dataSource, EventSchemas.loadFrom(Path.of(schemasDirectory)), eventTypes, groupId,
                CliBeans::timer);
    }

    public static PostgresMessageIdRepository eventIdRepository(DataSource dataSource, String groupId) {
        return new PostgresMessageIdRepository(new JdbcTemplate(dataSource), groupId,
                timer("insert_idempotency_markers"));
    }

    public static PipelineMetrics pipelineMetrics() {
        return new PipelineMetrics(LOCAL_METRICS);
    }

    public static AttemptTransactionPolicy attemptTransaction(TransactionTemplate transactions) {
        return new AttemptTransactionPolicy(transactions, timer("store_transaction"));
    }

    public static AttemptTransactionPolicy deadLetterTransaction(TransactionTemplate transactions) {
        return new AttemptTransactionPolicy(transactions, timer("dead_letter_transaction"));
    }

    public static BatchAdmission batchAdmission(EventValidator validator, EventTypes eventTypes, String batchDeadline) {
        return new BatchAdmission(validator, eventTypes, duration(batchDeadline));
    }

    public static ChunkedWrite chunkedWrite(int maxPollRecords, String statementTimeout, OneByOne oneByOne,
                                            RouteCalls routeCalls) {
        return new ChunkedWrite(new WriteChunkSize(maxPollRecords, duration(statementTimeout)), oneByOne, routeCalls);
    }

    public static CircuitBreaker databaseCircuitBreaker(int failureRateThreshold, int minimumNumberOfCalls,
                                                        int slidingWindowSize, String waitDurationInOpenState,
                                                        int permittedCallsInHalfOpenState) {
        return DatabaseCircuitBreaker.create(new SluiceProperties.CircuitBreaker(failureRateThreshold,
                minimumNumberOfCalls, slidingWindowSize, duration(waitDurationInOpenState), permittedCallsInHalfOpenState));
    }

    /** Durations as application.yaml writes them ({@code 200ms}, {@code 10s}). */
    static Duration duration(String text) {
        return Duration.ofMillis(TimeUtils.toMilliSeconds(text));
    }

    private static Timer timer(String query) {
        return QueryTimers.of(LOCAL_METRICS, query);
    }
}
