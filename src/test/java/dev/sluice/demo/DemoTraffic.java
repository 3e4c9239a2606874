package dev.sluice.demo;

import java.time.Duration;

import dev.sluice.tools.LoadGenerator;
import org.apache.kafka.clients.producer.Producer;

/**
 * The demo's events: the load generator on a thread of its own, hot keys, 5 % duplicates and 1 % invalid events, until
 * it has sent its count or the demo stops.
 */
public final class DemoTraffic implements AutoCloseable {

    private final int rate;
    private final Producer<String, byte[]> producer;
    private final Thread thread;
    private volatile boolean stopping;

    private DemoTraffic(String kafka, int rate, long events) {
        this.rate = rate;
        this.producer = LoadGenerator.createProducer(kafka);
        LoadGenerator.Options options = new LoadGenerator.Options(kafka, "events.main", rate, Duration.ofDays(365), events,
                80, 5, 1, System.nanoTime());
        this.thread = new Thread(() -> produce(options), "demo-traffic");
        thread.setDaemon(true);
    }

    public static DemoTraffic start(String kafka, int rate, long events) {
        DemoTraffic traffic = new DemoTraffic(kafka, rate, events);
        traffic.thread.start();
        return traffic;
    }

    private void produce(LoadGenerator.Options options) {
        try {
            // No progress lines of its own: the status line says what was produced.
            System.out.println("[demo] traffic done: " + LoadGenerator.run(options, producer, null));
        } catch (RuntimeException e) {
            if (!stopping) {
                System.out.println("[demo] traffic stopped: " + e);
            }
        }
    }

    /** Events per second; 0 is as fast as the broker takes them. */
    public int rate() {
        return rate;
    }

    /** Records sent to the broker so far, by the producer's own count ({@code record-send-total}). */
    public long produced() {
        return producer.metrics().entrySet().stream()
                .filter(metric -> metric.getKey().name().equals("record-send-total")
                        && metric.getKey().group().equals("producer-metrics"))
                .mapToLong(metric -> ((Number) metric.getValue().metricValue()).longValue())
                .sum();
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.interrupt();
        thread.join(Duration.ofSeconds(5).toMillis());
        producer.close(Duration.ofSeconds(5));
    }
}
