package dev.sluice.bench;

import java.util.HashMap;
import java.util.Map;

import dev.sluice.support.KafkaOffsets;

/**
 * The benchmark's Kafka-side timeline: one line a second, {@code <unix-ms> lag=<n> end=<n> }, where {@code end} is the
 * topic's record count and {@code lag} the group's unconsumed part of it. Unlike DrillMonitor's {@code watch} it asks
 * the broker only: a {@code count(*)} of a million-row table every second would tax the PostgreSQL being measured.
 * The line keeps DrillMonitor's {@code " lag=<n> "} shape, so its reconciliation reads the peak lag from it.
 *
 * <pre>
 * java -cp ... dev.sluice.bench.LagSampler --bootstrap=localhost:19092 --group=g --topic=t [--max-seconds=7200]
 * </pre>
 */
public final class LagSampler {

    private LagSampler() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            options.put(pair[0], pair.length == 2 ? pair[1] : "true");
        }
        String group = options.getOrDefault("group", "sluice");
        String topic = options.getOrDefault("topic", "events.main");
        long deadline = System.currentTimeMillis() + 1000L * Long.parseLong(options.getOrDefault("max-seconds", "7200"));
        try (KafkaOffsets offsets = new KafkaOffsets(options.get("bootstrap"))) {
            long next = System.currentTimeMillis();
            while (System.currentTimeMillis() < deadline) {
                try {
                    long end = offsets.recordCount(topic);
                    long committed = offsets.committed(group, topic).values().stream().mapToLong(Long::longValue).sum();
                    System.out.printf("%d lag=%d end=%d %n", System.currentTimeMillis(), end - committed, end);
                } catch (Exception unavailable) {
                    // The topic may not exist yet; the next second asks again.
                }
                System.out.flush();
                next += 1000;
                Thread.sleep(Math.max(0, next - System.currentTimeMillis()));
            }
        }
    }
}
