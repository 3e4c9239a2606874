package dev.sluice.observe;

import java.time.Duration;
import java.util.Map;

import dev.sluice.config.KafkaClientSecurity;
import dev.sluice.config.SluiceProperties;
import dev.sluice.store.EventTypes;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import org.apache.camel.CamelContext;
import org.apache.camel.observation.MicrometerObservationTracer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Metrics, lag sampling and the Kafka health check. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class ObservabilityConfiguration {

    @Bean
    PipelineMetrics pipelineMetrics(MeterRegistry registry) {
        return new PipelineMetrics(registry);
    }

    /** Signs in as camel-kafka's clients do: the same SLUICE_KAFKA_* settings (KafkaClientSecurity). */
    @Bean(destroyMethod = "close")
    Admin kafkaAdmin(@Value("${camel.component.kafka.brokers}") String brokers, Environment environment) {
        return Admin.create(KafkaClientSecurity.from(environment::getProperty).appliedTo(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.CLIENT_ID_CONFIG, "sluice-observability")));
    }

    @Bean
    ConsumerLagSampler consumerLagSampler(Admin kafkaAdmin, SluiceProperties properties, MeterRegistry registry) {
        return new ConsumerLagSampler(kafkaAdmin, properties.consumer().groupId(), properties.topics().events(), registry);
    }

    @Bean
    ReviewStatsFreshness reviewStatsFreshness(JdbcTemplate jdbc, MeterRegistry registry) {
        return new ReviewStatsFreshness(jdbc, registry);
    }

    @Bean
    RowsAwaitingCreation rowsAwaitingCreation(JdbcTemplate jdbc, EventTypes eventTypes, MeterRegistry registry,
                                              SluiceProperties properties) {
        return new RowsAwaitingCreation(jdbc, eventTypes, registry,
                properties.observability().awaitingCreationMaxAge());
    }

    /**
     * Camel's tracer on Spring Boot's Micrometer Tracing (and so its OpenTelemetry bridge and OTLP exporter). Declared
     * here because camel-observation-starter's auto-configuration backs off whenever Spring Boot's actuator
     * observation support is on the classpath, which it always is here.
     */
    @Bean
    @ConditionalOnProperty(name = "management.tracing.enabled", havingValue = "true")
    MicrometerObservationTracer camelTracer(CamelContext camel, Tracer tracer, ObservationRegistry observations) {
        MicrometerObservationTracer camelTracer = new MicrometerObservationTracer();
        camelTracer.setTracer(tracer);
        camelTracer.setObservationRegistry(observations);
        camelTracer.init(camel);
        return camelTracer;
    }

    @Bean
    KafkaHealthIndicator kafkaHealthIndicator(Admin kafkaAdmin) {
        return new KafkaHealthIndicator(kafkaAdmin, Duration.ofSeconds(3));
    }

    @Bean
    Gauge inflightWorkers(CamelContext camel, MeterRegistry registry) {
        return Gauge.builder("inflight.workers", camel, context -> context.getInflightRepository().size())
                .description("Events being processed right now").register(registry);
    }

    /** 0 closed, 1 half-open, 2 open (forced open too); disabled and metrics-only count as closed. */
    @Bean
    Gauge circuitBreakerState(CircuitBreaker databaseCircuitBreaker, MeterRegistry registry) {
        return Gauge.builder("circuit.breaker.state", databaseCircuitBreaker, breaker -> switch (breaker.getState()) {
                    case HALF_OPEN -> 1;
                    case OPEN, FORCED_OPEN -> 2;
                    default -> 0;
                }).tag("name", databaseCircuitBreaker.getName())
                .description("Database circuit breaker: 0 closed, 1 half-open, 2 open").register(registry);
    }
}
