package dev.sluice.drills;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.sluice.support.KafkaOffsets;
import org.apache.kafka.common.TopicPartition;

/**
 * The longest time any partition went unconsumed: records waiting in it (lag above 0) while the group's committed
 * offset did not move. Sampled from the broker every 200 ms, so it sees what a restart, a crash or a rebalance costs
 * each partition, whoever owned it. As a program (the drills and bench scripts):
 * <pre>PartitionStalls --bootstrap=localhost:19092 [--group=sluice] [--topic=events.main]</pre>
 * prints one line every second and, when stopped (SIGTERM), {@code longest_unconsumed=12.3s partition=4}.
 */
public final class PartitionStalls implements AutoCloseable {

    private final KafkaOffsets offsets;
    private final String group;
    private final String topic;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    private final Map<TopicPartition, Long> committed = new TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
    private final Map<TopicPartition, Long> movingSince = new TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
    private volatile long longestMillis;
    private volatile int longestPartition = -1;

    public PartitionStalls(String bootstrapServers, String group, String topic) {
        this.offsets = new KafkaOffsets(bootstrapServers);
        this.group = group;
        this.topic = topic;
        sampler.scheduleWithFixedDelay(this::sample, 0, 200, TimeUnit.MILLISECONDS);
    }

    private synchronized void sample() {
        try {
            long now = System.currentTimeMillis();
            Map<TopicPartition, Long> lag = offsets.lag(group, topic);
            Map<TopicPartition, Long> nowCommitted = offsets.committed(group, topic);
            lag.forEach((partition, waiting) -> {
                Long position = nowCommitted.getOrDefault(partition, 0L);
                if (waiting == 0 || !position.equals(committed.get(partition))) {
                    movingSince.put(partition, now);
                }
                committed.put(partition, position);
                long stalled = now - movingSince.getOrDefault(partition, now);
                if (stalled > longestMillis) {
                    longestMillis = stalled;
                    longestPartition = partition.partition();
                }
            });
        } catch (Exception e) {
            // A sample the broker did not answer (it is restarting, say) is skipped; the next one catches up.
        }
    }

    public Duration longest() {
        return Duration.ofMillis(longestMillis);
    }

    public int longestPartition() {
        return longestPartition;
    }

    public String summary() {
        return String.format("longest_unconsumed=%.1fs partition=%d", longestMillis / 1000.0, longestPartition);
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        offsets.close();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> given = new TreeMap<>();
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            given.put(pair[0], pair.length == 2 ? pair[1] : "");
        }
        PartitionStalls stalls = new PartitionStalls(given.getOrDefault("bootstrap", "localhost:9092"),
                given.getOrDefault("group", "sluice"), given.getOrDefault("topic", "events.main"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println(stalls.summary());
            stalls.close();
        }));
        while (true) {
            Thread.sleep(1000);
            System.out.printf("%d %s%n", System.currentTimeMillis(), stalls.summary());
        }
    }
}
