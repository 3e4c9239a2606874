package dev.sluice.tools;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.sluice.config.KafkaClientSecurity;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces review events at a given rate for a given duration (or count), with a share of hot keys, of exact
 * duplicates (same event_id, same bytes) and of invalid events. The summary says what a correct pipeline must end
 * with: {@code uniqueValid} rows and {@code invalid} dead letters.
 *
 * <pre>
 * java -cp ... dev.sluice.tools.LoadGenerator --bootstrap=localhost:9092 --rate=1000 --duration=30s \
 *     --hot-key-percent=80 --duplicate-percent=5 --invalid-percent=1
 * </pre>
 * {@code --update-percent=50 --out-of-order-percent=10 --same-key-percent=10} makes half the valid events updates of
 * recent reviews, a tenth of them stamped older than their review's last change, a tenth for the review updated
 * just before.
 */
public final class LoadGenerator {

    public record Options(String bootstrapServers, String topic, int ratePerSecond, Duration duration, long maxEvents,
                          int hotKeyPercent, double duplicatePercent, double invalidPercent, long seed,
                          Changes changes) {

        /** Creations only. */
        public Options(String bootstrapServers, String topic, int ratePerSecond, Duration duration, long maxEvents,
                       int hotKeyPercent, double duplicatePercent, double invalidPercent, long seed) {
            this(bootstrapServers, topic, ratePerSecond, duration, maxEvents, hotKeyPercent, duplicatePercent,
                    invalidPercent, seed, Changes.NONE);
        }

        public static Options parse(String... args) {
            Map<String, String> given = Arguments.parse(args);
            return new Options(
                    given.getOrDefault("bootstrap", System.getenv().getOrDefault("SLUICE_KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")),
                    given.getOrDefault("topic", "events.main"),
                    Integer.parseInt(given.getOrDefault("rate", "1000")),
                    Duration.parse("PT" + given.getOrDefault("duration", "30s").toUpperCase()),
                    Long.parseLong(given.getOrDefault("max-events", String.valueOf(Long.MAX_VALUE))),
                    Integer.parseInt(given.getOrDefault("hot-key-percent", "80")),
                    Double.parseDouble(given.getOrDefault("duplicate-percent", "5")),
                    Double.parseDouble(given.getOrDefault("invalid-percent", "1")),
                    Long.parseLong(given.getOrDefault("seed", String.valueOf(System.nanoTime()))),
                    new Changes(Double.parseDouble(given.getOrDefault("update-percent", "0")),
                            Double.parseDouble(given.getOrDefault("out-of-order-percent", "0")),
                            Double.parseDouble(given.getOrDefault("same-key-percent", "0"))));
        }
    }

    /**
     * Updates among the valid events ({@code updatePercent}); of those, {@code outOfOrderPercent} older than their
     * review's last change and {@code sameKeyPercent} for the review updated just before. {@link #NONE}: creations only.
     */
    public record Changes(double updatePercent, double outOfOrderPercent, double sameKeyPercent) {
        public static final Changes NONE = new Changes(0, 0, 0);
    }

    /**
     * What was sent. A correct pipeline ends with uniqueValid rows (one per review created), invalid dead letters, and
     * the updates older than their review's last change recorded as superseded.
     */
    public record Summary(long sent, long uniqueValid, long duplicates, long invalid, Duration elapsed, long updates,
                          long superseded) {

        public Summary(long sent, long uniqueValid, long duplicates, long invalid, Duration elapsed) {
            this(sent, uniqueValid, duplicates, invalid, elapsed, 0, 0);
        }

        @Override
        public String toString() {
            long millis = Math.max(1, elapsed.toMillis());
            return String.format("sent=%d uniqueValid=%d duplicates=%d invalid=%d elapsed=%.1fs rate=%.0f/s updates=%d"
                            + " superseded=%d", sent, uniqueValid, duplicates, invalid, millis / 1000.0,
                    sent * 1000.0 / millis, updates, superseded);
        }
    }

    private LoadGenerator() {
    }

    public static void main(String[] args) {
        Options options = Options.parse(args);
        System.out.printf("Producing to %s on %s at %s events/s for %s (hot keys %d%%, duplicates %.1f%%, invalid %.1f%%)%n",
                options.topic(), options.bootstrapServers(), options.ratePerSecond() == 0 ? "max" : options.ratePerSecond(),
                options.duration(), options.hotKeyPercent(), options.duplicatePercent(), options.invalidPercent());
        try (Producer<String, byte[]> producer = createProducer(options.bootstrapServers())) {
            Summary summary = run(options, producer, System.out);
            System.out.println("Done: " + summary);
        }
    }

    /** Secured as the SLUICE_KAFKA_* environment variables say (KafkaClientSecurity), like Sluice's own clients. */
    public static Producer<String, byte[]> createProducer(String bootstrapServers) {
        return new KafkaProducer<>(KafkaClientSecurity.fromEnvironment().appliedTo(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)));
    }

    public static Summary run(Options options, Producer<String, byte[]> producer, PrintStream progress) {
        ReviewTraffic traffic = new ReviewTraffic(options.seed(), options.hotKeyPercent(), options.duplicatePercent(),
                options.invalidPercent(), options.changes());
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        AtomicLong acknowledged = new AtomicLong();
        long sent = 0;
        long started = System.nanoTime();
        long deadline = started + options.duration().toNanos();
        long nextReport = started + Duration.ofSeconds(5).toNanos();

        while (sent < options.maxEvents() && System.nanoTime() < deadline) {
            pace(options.ratePerSecond(), sent, started);
            ReviewTraffic.Event event = traffic.next();
            producer.send(new ProducerRecord<>(options.topic(), event.key(), event.value()), (metadata, failure) -> {
                if (failure != null) {
                    sendFailure.compareAndSet(null, failure);
                } else {
                    acknowledged.incrementAndGet();
                }
            });
            sent++;
            if (progress != null && System.nanoTime() >= nextReport) {
                progress.printf("  ... sent %d (acknowledged %d)%n", sent, acknowledged.get());
                nextReport += Duration.ofSeconds(5).toNanos();
            }
        }
        producer.flush();
        if (sendFailure.get() != null) {
            throw new IllegalStateException("Some events were not acknowledged by Kafka", sendFailure.get());
        }
        return new Summary(sent, traffic.uniqueValid(), traffic.duplicates(), traffic.invalid(),
                Duration.ofNanos(System.nanoTime() - started), traffic.updates(), traffic.stale());
    }

    private static void pace(int ratePerSecond, long sent, long started) {
        if (ratePerSecond <= 0) {
            return;
        }
        long due = started + sent * 1_000_000_000L / ratePerSecond;
        long wait = due - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while pacing", e);
            }
        }
    }

}
