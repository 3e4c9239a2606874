package dev.sluice;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.config.SluiceProperties;
import dev.sluice.deadletter.DeadLetterDescriber;
import dev.sluice.deadletter.OutageGuard;
import dev.sluice.dedupe.PostgresMessageIdRepository;
import dev.sluice.ingest.BatchAdmission;
import dev.sluice.ingest.KafkaBatch;
import dev.sluice.ingest.OneByOne;
import dev.sluice.sink.AttemptTransactionPolicy;
import dev.sluice.sink.BreakerPausesConsumers;
import dev.sluice.sink.DatabaseCircuitBreaker;
import dev.sluice.sink.RowParameters;
import dev.sluice.validate.EventSchemas;
import dev.sluice.validate.EventValidator;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** The typed beans the YAML routes refer to by name. */
@Configuration(proxyBeanMethods = false)
class PipelineConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PipelineConfiguration.class);

    @Bean
    EventSchemas eventSchemas(SluiceProperties properties) {
        EventSchemas schemas = EventSchemas.loadFrom(properties.validation().schemasDirectory());
        log.info("Event schemas loaded from {}: {}", properties.validation().schemasDirectory(), schemas.describe());
        return schemas;
    }

    @Bean
    EventValidator eventValidator(ObjectMapper mapper, EventSchemas schemas, SluiceProperties properties) {
        return new EventValidator(mapper, schemas, properties.validation().maxEventBytes());
    }

    @Bean
    BatchAdmission batchAdmission(EventValidator eventValidator) {
        return new BatchAdmission(eventValidator);
    }

    @Bean
    OneByOne oneByOne() {
        return new OneByOne();
    }

    @Bean
    KafkaBatch kafkaBatch() {
        return new KafkaBatch();
    }

    /** One repository for every event type: event ids are UUIDs, unique across types. */
    @Bean
    PostgresMessageIdRepository eventIdRepository(JdbcTemplate jdbcTemplate, TransactionTemplate transactionTemplate,
                                                  SluiceProperties properties, MeterRegistry registry) {
        return new PostgresMessageIdRepository(jdbcTemplate, transactionTemplate, properties.consumer().groupId(),
                queryTimer(registry, "insert_idempotency_markers"));
    }

    @Bean
    RowParameters rowParameters() {
        return new RowParameters();
    }

    @Bean
    AttemptTransactionPolicy attemptTransaction(TransactionTemplate transactionTemplate, MeterRegistry registry) {
        return new AttemptTransactionPolicy(transactionTemplate, queryTimer(registry, "store_transaction"));
    }

    private static Timer queryTimer(MeterRegistry registry, String query) {
        return Timer.builder("db.query.duration").tag("query", query).register(registry);
    }

    @Bean
    CircuitBreaker databaseCircuitBreaker(SluiceProperties properties) {
        return DatabaseCircuitBreaker.create(properties.circuitBreaker());
    }

    @Bean
    DeadLetterDescriber deadLetterDescriber() {
        return new DeadLetterDescriber();
    }

    @Bean
    OutageGuard outageGuard() {
        return new OutageGuard();
    }

    @Bean
    BreakerPausesConsumers breakerPausesConsumers(CircuitBreaker databaseCircuitBreaker, CamelContext camel) {
        return new BreakerPausesConsumers(databaseCircuitBreaker, camel);
    }
}
