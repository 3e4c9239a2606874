package dev.sluice.backfill;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.sluice.config.SluiceProperties;
import dev.sluice.ingest.IngestRoutes;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Sluice as a command: with {@code sluice.backfill.file} set ({@code SLUICE_BACKFILL_FILE}, or
 * {@code --sluice.backfill.file=events.ndjson}), it backfills that file through the backfill route instead of reading
 * the topic, prints its progress and a summary, and exits: 0 when every line was written or dead-lettered, 1 when the
 * run stopped (the database is away, the file cannot be read), in which case the same command resumes from the
 * checkpoint.
 */
public class BackfillCommand implements ApplicationRunner, CamelContextConfiguration {

    private static final Logger log = LoggerFactory.getLogger(BackfillCommand.class);

    private final SluiceProperties.Backfill settings;
    private final int maxEventBytes;
    private final CamelContext camel;
    private final BackfillCheckpoints checkpoints;
    private final ConfigurableApplicationContext context;
    private final PrintStream out;
    private volatile Map<String, Long> lastRun = Map.of();

    public BackfillCommand(SluiceProperties properties, CamelContext camel, BackfillCheckpoints checkpoints,
                           ConfigurableApplicationContext context, PrintStream out) {
        this(properties.backfill(), properties.validation().maxEventBytes(), camel, checkpoints, context, out);
    }

    /** The same command, printing its progress and summary elsewhere. */
    BackfillCommand printingTo(PrintStream elsewhere) {
        return new BackfillCommand(settings, maxEventBytes, camel, checkpoints, context, elsewhere);
    }

    private BackfillCommand(SluiceProperties.Backfill settings, int maxEventBytes, CamelContext camel,
                            BackfillCheckpoints checkpoints, ConfigurableApplicationContext context, PrintStream out) {
        this.settings = settings;
        this.maxEventBytes = maxEventBytes;
        this.camel = camel;
        this.checkpoints = checkpoints;
        this.context = context;
        this.out = out;
    }

    /** What the last run read and what became of it: its summary's counts. */
    Map<String, Long> lastRun() {
        return lastRun;
    }

    private boolean requested() {
        return settings.file() != null && !settings.file().isBlank();
    }

    /** A backfill reads the file, not the topic: the Kafka route stays stopped. */
    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        if (requested()) {
            ((ModelCamelContext) camelContext).getRouteDefinition(IngestRoutes.INGEST).setAutoStartup("false");
        }
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
    }

    @Override
    public void run(ApplicationArguments arguments) {
        if (!requested()) {
            return;
        }
        int code = backfill(Path.of(settings.file()));
        System.exit(SpringApplication.exit(context, () -> code));
    }

    /** Runs the backfill; 0 if the whole file was done. */
    int backfill(Path file) {
        if (!Files.isRegularFile(file)) {
            out.println("backfill: no such file: " + file);
            return 1;
        }
        // One byte over the limit, so the validator refuses a longer line as too large, as it would on the topic.
        try (ProducerTemplate producer = camel.createProducerTemplate();
             BackfillRun run = open(file)) {
            out.printf("backfill %s: %,d bytes%s%n", file, Files.size(file), run.linesRead() > 0
                    ? ", resuming after line %,d (done by an earlier run)".formatted(run.linesRead()) : "");
            Exchange done = producer.send(BackfillRoutes.ENDPOINT, exchange -> {
                exchange.setProperty(BackfillRun.PROPERTY, run);
            });
            if (done.getException() != null) {
                log.error("Backfill of {} stopped", file, done.getException());
                out.printf("backfill %s stopped: %s. What was done is kept; the same command resumes after the last"
                        + " checkpoint.%n", file, rootCause(done.getException()));
                return 1;
            }
            lastRun = run.totals();
            out.println(run.summary());
            return 0;
        } catch (Exception e) {
            log.error("Backfill of {} failed", file, e);
            out.printf("backfill %s failed: %s%n", file, e);
            return 1;
        }
    }

    /** The innermost cause, which says what went wrong (the layers above it are Camel's splits). */
    private static String rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    private BackfillRun open(Path file) throws Exception {
        long size = Files.size(file);
        long linesDone = checkpoints.linesDone(file, size);
        EventFile events = new EventFile(camel, file, linesDone, settings.batchSize(), maxEventBytes + 1);
        return new BackfillRun(file, events, linesDone, checkpoints, out, settings.progressInterval());
    }
}
