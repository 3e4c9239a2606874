package dev.sluice.demo;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * What the demo runs Sluice against: an in-process KRaft broker and, unless {@code SLUICE_DB_URL} names a PostgreSQL,
 * an embedded one. Both start while Sluice starts, just after Spring Boot has set up logging: started earlier, they
 * would log their start-up (the broker's config dump, initdb's output) before the local profile's log levels apply.
 * Their addresses reach Sluice as properties. They stop after Sluice, so its consumers can still commit.
 */
public final class DemoInfrastructure implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered,
        AutoCloseable {

    private final int kafkaPort;
    private EmbeddedKafkaKraftBroker broker;
    private EmbeddedPostgres postgres;

    public DemoInfrastructure(int kafkaPort) {
        this.kafkaPort = kafkaPort;
    }

    @Override
    public int getOrder() {
        return LoggingApplicationListener.DEFAULT_ORDER + 1;
    }

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        ConfigurableEnvironment environment = event.getEnvironment();
        Map<String, Object> addresses = new HashMap<>();
        if (environment.getProperty("SLUICE_DB_URL") == null) {
            postgres = startPostgres();
            addresses.put("spring.datasource.url", postgres.getJdbcUrl("postgres", "postgres"));
            addresses.put("spring.datasource.username", "postgres");
            addresses.put("spring.datasource.password", "");
        }
        broker = startKafka();
        addresses.put("camel.component.kafka.brokers", broker.getBrokersAsString());
        environment.getPropertySources().addFirst(new MapPropertySource("demo-infrastructure", addresses));
    }

    private EmbeddedPostgres startPostgres() {
        try {
            return EmbeddedPostgres.builder().start();
        } catch (IOException | RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            System.err.printf("Embedded PostgreSQL could not start (%s). Point Sluice at a running PostgreSQL instead: "
                    + "SLUICE_DB_URL=jdbc:postgresql://127.0.0.1:5432/sluice SLUICE_DB_USER=postgres mvn spring-boot:test-run%n",
                    reason);
            System.exit(2);
            return null;
        }
    }

    private EmbeddedKafkaKraftBroker startKafka() {
        EmbeddedKafkaKraftBroker kraft = new EmbeddedKafkaKraftBroker(1, 6, "events.main", "events.dlq");
        // kafkaPorts() is ignored in KRaft mode; the listener must be given in full.
        kraft.brokerProperty("listeners", "EXTERNAL://localhost:" + kafkaPort + ",CONTROLLER://localhost:0");
        kraft.afterPropertiesSet();
        return kraft;
    }

    @Override
    public void close() throws IOException {
        if (broker != null) {
            broker.destroy();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
