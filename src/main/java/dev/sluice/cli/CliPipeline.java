package dev.sluice.cli;

import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.PipelineConfiguration;
import dev.sluice.config.KafkaClientSecurity;
import dev.sluice.config.SluiceProperties;
import dev.sluice.config.StaticMembership;
import dev.sluice.deadletter.DeadLetterDescriber;
import dev.sluice.deadletter.DeadLetterLog;
import dev.sluice.ingest.OneByOne;
import dev.sluice.ingest.RouteCalls;
import dev.sluice.ingest.WriteChunkSize;
import dev.sluice.observe.PipelineMetrics;
import dev.sluice.store.EventTypes;
import dev.sluice.validate.EventSchemas;
import dev.sluice.validate.EventValidator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.spi.Registry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The pipeline's beans under the Camel CLI ({@code camel run}, {@code cli/beans.camel.yaml}), where there is no Spring
 * context: each is made by the app's own {@link PipelineConfiguration}, from the {@code sluice.*} settings of the CLI's
 * properties file bound to the same {@link SluiceProperties} by Spring Boot's binder, and bound in Camel's registry
 * under the name the routes call it by. One transaction manager over the one DataSource, so the idempotency marker and
 * the row still commit together. Metrics stay in a local registry: the CLI shows Camel's own statistics.
 */
public class CliPipeline implements CamelContextAware {

    private CamelContext camel;

    @Override
    public CamelContext getCamelContext() {
        return camel;
    }

    @Override
    public void setCamelContext(CamelContext camel) {
        this.camel = camel;
        bind(camel.getRegistry());
    }

    private void bind(Registry registry) {
        Map<String, Object> settings = new java.util.HashMap<>();
        for (String key : camel.getPropertiesComponent().loadPropertiesAsMap(k -> k.startsWith("sluice.")).keySet()) {
            // Resolved, so a setting's {{env:...}} default is the value and not its text.
            settings.put(key, camel.resolvePropertyPlaceholders("{{" + key + "}}"));
        }
        SluiceProperties properties = new Binder(new MapConfigurationPropertySource(settings))
                .bind("sluice", SluiceProperties.class).orElseThrow(() -> new IllegalStateException(
                        "cli/sluice-cli.properties gives no sluice.* settings"));
        PipelineConfiguration pipeline = new PipelineConfiguration();
        MeterRegistry metrics = new SimpleMeterRegistry();
        ObjectMapper mapper = new ObjectMapper();
        DataSource dataSource = dataSource(settings);
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        PlatformTransactionManager transactions = new DataSourceTransactionManager(dataSource);

        EventSchemas schemas = pipeline.eventSchemas(properties);
        EventValidator validator = pipeline.eventValidator(mapper, schemas, properties);
        EventTypes eventTypes = pipeline.eventTypes();
        RouteCalls routeCalls = pipeline.routeCalls();
        WriteChunkSize chunkSize = pipeline.writeChunkSize(properties, metrics);
        OneByOne oneByOne = pipeline.oneByOne(routeCalls);
        registry.bind("sluiceProperties", properties);
        registry.bind("dataSource", dataSource);
        registry.bind("eventValidator", validator);
        registry.bind("eventTypes", eventTypes);
        registry.bind("eventTypeStores",
                pipeline.eventTypeStores(dataSource, schemas, eventTypes, properties, metrics));
        registry.bind("batchAdmission", pipeline.batchAdmission(validator, eventTypes, properties));
        registry.bind("routeCalls", routeCalls);
        registry.bind("oneByOne", oneByOne);
        registry.bind("chunkedWrite", pipeline.chunkedWrite(chunkSize, oneByOne, routeCalls));
        registry.bind("eventRateLimit", pipeline.eventRateLimit(properties));
        registry.bind("kafkaBatch", pipeline.kafkaBatch());
        registry.bind("batchGate", pipeline.batchGate(properties));
        registry.bind("eventIdRepository", pipeline.eventIdRepository(jdbc, properties, metrics));
        registry.bind("rowParameters", pipeline.rowParameters());
        registry.bind("attemptTransaction", pipeline.attemptTransaction(transactions, properties, metrics));
        registry.bind("deadLetterTransaction", pipeline.deadLetterTransaction(transactions, properties, metrics));
        registry.bind("databaseCircuitBreaker", pipeline.databaseCircuitBreaker(properties));
        DeadLetterDescriber describer = pipeline.deadLetterDescriber(properties);
        DeadLetterLog deadLetterLog = pipeline.deadLetterLog();
        registry.bind("deadLetterDescriber", describer);
        registry.bind("deadLetterLog", deadLetterLog);
        registry.bind("deadLetterRows", pipeline.deadLetterRows(jdbc));
        registry.bind("rejectedRecords", pipeline.rejectedRecords(describer, deadLetterLog, oneByOne, routeCalls));
        registry.bind("outageGuard", pipeline.outageGuard());
        registry.bind("pipelineMetrics", new PipelineMetrics(metrics));
        // The consumers' client factory. Camel Main has no @PreDestroy, so a CLI run with SLUICE_CONSUMER_INSTANCE_ID
        // set keeps its static members until their session times out.
        String brokers = camel.resolvePropertyPlaceholders("{{camel.component.kafka.brokers}}");
        registry.bind("staticMembership", new StaticMembership(properties, () -> Admin.create(KafkaClientSecurity
                .fromEnvironment().appliedTo(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers)))));
    }

    private static DataSource dataSource(Map<String, Object> settings) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(String.valueOf(settings.get("sluice.db.url")));
        dataSource.setUsername(String.valueOf(settings.get("sluice.db.user")));
        dataSource.setPassword(String.valueOf(settings.getOrDefault("sluice.db.password", "")));
        dataSource.setMaximumPoolSize(4);
        return dataSource;
    }
}
