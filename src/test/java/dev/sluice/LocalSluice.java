package dev.sluice;

import java.time.Duration;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;

import dev.sluice.demo.DemoInfrastructure;
import dev.sluice.demo.DemoTraffic;
import dev.sluice.demo.FirstScreen;
import dev.sluice.demo.StatusLine;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import sun.misc.Signal;

/**
 * The embedded default: {@code mvn spring-boot:test-run}. Starts an in-process KRaft broker, a PostgreSQL (embedded,
 * or the one {@code SLUICE_DB_URL} names), Sluice itself and a trickle of demo traffic, then says where to look and
 * prints a status line every few seconds.
 */
public final class LocalSluice {

    private static final int KAFKA_PORT = Integer.parseInt(System.getenv().getOrDefault("SLUICE_DEMO_KAFKA_PORT", "9092"));
    private static final int DEMO_RATE = Integer.parseInt(System.getenv().getOrDefault("SLUICE_DEMO_RATE", "200"));
    private static final long DEMO_EVENTS = Long.parseLong(System.getenv().getOrDefault("SLUICE_DEMO_EVENTS", String.valueOf(Long.MAX_VALUE)));
    private static final Duration STATUS_EVERY = Duration.ofSeconds(5);

    /** What was started, last on top. */
    private static final Deque<AutoCloseable> started = new ConcurrentLinkedDeque<>();

    private LocalSluice() {
    }

    public static void main(String[] args) {
        // Ctrl+C, kill, or the terminal going away stops everything in reverse order: the traffic first, then Sluice
        // (its consumers finish their batch and commit), and only then the broker and the database it needed for that.
        // It does so before the JVM's shutdown hooks start, because those run all at once, and two of them would pull
        // the ground from under Sluice: Kafka's test kit deletes the broker's log directories (TestUtils.tempDirectory)
        // and the embedded PostgreSQL stops itself. Under Maven all three signals come: Maven quits on Ctrl+C, stops
        // this JVM with SIGTERM, and the shell that ran Maven may hang up. Any other exit stops what it can in a hook.
        for (String stop : new String[] {"INT", "TERM", "HUP"}) {
            Signal.handle(new Signal(stop), signal -> {
                stopAll();
                System.exit(0);
            });
        }
        Runtime.getRuntime().addShutdownHook(new Thread(LocalSluice::stopAll, "demo-stop"));
        DemoInfrastructure infrastructure = new DemoInfrastructure(KAFKA_PORT);
        started.push(infrastructure);

        SpringApplication sluice = new SpringApplication(SluiceApplication.class);
        // application-local.yaml: the console without a login and human-readable logs, for this machine only (it is
        // not in the shipped jar).
        sluice.setAdditionalProfiles("local");
        sluice.addListeners(infrastructure);
        sluice.setRegisterShutdownHook(false);
        ConfigurableApplicationContext app;
        try {
            app = sluice.run(withCamelCli(args));
        } catch (RuntimeException e) {
            stopAll(); // Spring Boot has logged why
            System.exit(1);
            return;
        }
        started.push(app);

        DemoTraffic traffic = DemoTraffic.start(app.getEnvironment().getRequiredProperty("camel.component.kafka.brokers"),
                DEMO_RATE, DEMO_EVENTS);
        started.push(traffic);
        System.out.println(FirstScreen.text(app.getEnvironment(), traffic.rate()));
        started.push(StatusLine.start(app.getBean(MeterRegistry.class), traffic::produced, System.out, STATUS_EVERY));
    }

    /**
     * The demo is where people try the Camel CLI ({@code ./camel get route}), so its connector is on here unless
     * SLUICE_CAMEL_CLI says otherwise; the shipped default is off (docs/performance.md).
     */
    private static String[] withCamelCli(String[] args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = "--camel.cli.enabled=" + System.getenv().getOrDefault("SLUICE_CAMEL_CLI", "true");
        return all;
    }

    /** One caller at a time: the signals above can come together. */
    private static synchronized void stopAll() {
        for (AutoCloseable next = started.poll(); next != null; next = started.poll()) {
            try {
                next.close();
            } catch (Exception e) {
                System.err.println("[demo] while stopping " + next.getClass().getSimpleName() + ": " + e);
            }
        }
    }
}
