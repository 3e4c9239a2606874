package dev.sluice.observe;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The consumer group's position on each partition, asked of the broker every 10 s:
 * <ul>
 * <li>{@code consumer_lag{topic,partition}}: the log-end offset minus the group's committed offset. Committed offsets
 * are what a restart resumes from, so this is the lag that matters, and it is right even while this instance is stuck
 * or has lost its partitions to another.</li>
 * <li>{@code consumer_committed_offset{topic,partition}}: the committed offset itself. A flat lag cannot tell a stuck
 * partition from one that keeps pace with its producers; an offset that stops moving can.</li>
 * </ul>
 */
public class ConsumerLagSampler {

    private static final Logger log = LoggerFactory.getLogger(ConsumerLagSampler.class);

    private final Admin admin;
    private final String group;
    private final String topic;
    private final MultiGauge lag;
    private final MultiGauge committedOffset;

    public ConsumerLagSampler(Admin admin, String group, String topic, MeterRegistry registry) {
        this.admin = admin;
        this.group = group;
        this.topic = topic;
        this.lag = MultiGauge.builder("consumer.lag").description("Log-end offset minus committed offset")
                .register(registry);
        this.committedOffset = MultiGauge.builder("consumer.committed.offset")
                .description("Offset the consumer group committed; 0 before its first commit").register(registry);
    }

    @Scheduled(fixedDelayString = "${sluice.observability.lag-sample-interval:10s}", initialDelay = 0)
    public void sample() {
        try {
            List<PartitionOffsets> offsets = offsets();
            lag.register(rows(offsets, PartitionOffsets::lag), true);
            committedOffset.register(rows(offsets, PartitionOffsets::committed), true);
        } catch (Exception e) {
            // Keep the last values: a gap in the series would look like "no lag" on a dashboard.
            log.warn("Could not sample consumer lag for group {} on {}: {}", group, topic, e.toString());
        }
    }

    List<PartitionOffsets> offsets() throws Exception {
        List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS)
                .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, Long> ends = admin.listOffsets(partitions.stream()
                        .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                .all().get(5, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
        // A partition the group never committed counts as committed at 0, not absent: a consumer stuck on a
        // partition's first batch then shows a flat 0 under a positive lag, and SluicePartitionStuck fires for it.
        // Absent, the alert would have no series to watch in exactly that case.
        return partitions.stream().map(p -> {
            OffsetAndMetadata done = committed.get(p);
            return new PartitionOffsets(p, done == null ? 0 : done.offset(), ends.get(p));
        }).toList();
    }

    private static List<MultiGauge.Row<?>> rows(List<PartitionOffsets> offsets, ToLongFunction<PartitionOffsets> value) {
        return offsets.stream()
                .map(o -> MultiGauge.Row.of(Tags.of("topic", o.partition().topic(),
                        "partition", String.valueOf(o.partition().partition())), value.applyAsLong(o)))
                .collect(Collectors.toList());
    }

    record PartitionOffsets(TopicPartition partition, long committed, long end) {

        long lag() {
            return Math.max(0, end - committed);
        }
    }
}
