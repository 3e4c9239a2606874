package dev.sluice;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.sluice.loadgen.LoadGenerator;
import dev.sluice.support.TestDatabaseFallback;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The embedded default: {@code mvn spring-boot:test-run}. Starts an in-process KRaft broker, a PostgreSQL (embedded,
 * or the one {@code SLUICE_DB_URL} names), Sluice itself and a trickle of demo traffic, then says where to look.
 */
public final class LocalSluice {

    private static final int KAFKA_PORT = Integer.parseInt(System.getenv().getOrDefault("SLUICE_DEMO_KAFKA_PORT", "9092"));
    private static final int DEMO_RATE = Integer.parseInt(System.getenv().getOrDefault("SLUICE_DEMO_RATE", "200"));
    private static final long DEMO_EVENTS = Long.parseLong(System.getenv().getOrDefault("SLUICE_DEMO_EVENTS", String.valueOf(Long.MAX_VALUE)));

    private LocalSluice() {
    }

    public static void main(String[] args) {
        String databaseUrl = System.getenv("SLUICE_DB_URL");
        if (databaseUrl == null) {
            databaseUrl = startEmbeddedPostgres();
        }
        String kafka = startKafka();
        System.setProperty("camel.component.kafka.brokers", kafka);
        System.setProperty("spring.datasource.url", databaseUrl);

        SpringApplication sluice = new SpringApplication(SluiceApplication.class);
        // application-local.yaml: the console without a login, for this machine only (it is not in the shipped jar).
        sluice.setAdditionalProfiles("local");
        ConfigurableApplicationContext app = sluice.run(args);
        startDemoTraffic(kafka);
        reportProgress(app.getBean(JdbcTemplate.class));
        System.out.printf("%nSluice is running.%n"
                + "  Kafka (in-process, KRaft): %s, topics events.main and events.dlq%n"
                + "  PostgreSQL: %s (tables reviews, dlq_events)%n"
                + "  Health: http://localhost:8080/actuator/health   Metrics: http://localhost:8080/actuator/prometheus%n"
                + "  Console (Hawtio, no login in this demo): http://localhost:8080/actuator/hawtio/camel/routes%n"
                + "  Demo traffic: %d events/s, 5%% duplicates, 1%% invalid. Ctrl-C stops everything.%n%n",
                kafka, databaseUrl.replaceAll("password=[^&]*", "password=***"), DEMO_RATE);
    }

    private static String startEmbeddedPostgres() {
        try {
            return TestDatabaseFallback.embeddedUrl();
        } catch (RuntimeException | Error e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String reason = cause.getMessage() == null ? cause.getClass().getSimpleName()
                    : cause.getMessage().lines().findFirst().orElse("");
            System.err.printf("Embedded PostgreSQL could not start (%s; it refuses to run as root). "
                    + "Point Sluice at a running PostgreSQL instead: "
                    + "SLUICE_DB_URL=jdbc:postgresql://127.0.0.1:5432/sluice SLUICE_DB_USER=postgres mvn spring-boot:test-run%n", reason);
            System.exit(2);
            return null;
        }
    }

    private static String startKafka() {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 6, "events.main", "events.dlq");
        // kafkaPorts() is ignored in KRaft mode; the listener must be given in full.
        broker.brokerProperty("listeners", "EXTERNAL://localhost:" + KAFKA_PORT + ",CONTROLLER://localhost:0");
        broker.afterPropertiesSet();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy));
        return broker.getBrokersAsString();
    }

    private static void startDemoTraffic(String kafka) {
        Thread traffic = new Thread(() -> System.out.println("[demo] traffic done: " + LoadGenerator.run(
                new LoadGenerator.Options(kafka, "events.main", DEMO_RATE, Duration.ofDays(365), DEMO_EVENTS,
                        80, 5, 1, System.nanoTime()),
                LoadGenerator.createProducer(kafka), System.out)), "demo-traffic");
        traffic.setDaemon(true);
        traffic.start();
    }

    private static void reportProgress(JdbcTemplate jdbc) {
        Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "demo-progress");
            thread.setDaemon(true);
            return thread;
        }).scheduleAtFixedRate(() -> System.out.printf("[demo] reviews=%d dead letters=%d%n",
                jdbc.queryForObject("SELECT count(*) FROM reviews", Long.class),
                jdbc.queryForObject("SELECT count(*) FROM dlq_events", Long.class)), 10, 10, TimeUnit.SECONDS);
    }
}
