package dev.sluice.observe;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * {@code consumer_lag{topic,partition}}: the broker's log-end offset minus the group's committed offset, asked of
 * the broker every 10 s. Committed offsets are what a restart resumes from, so this is the lag that matters, and it
 * is right even while this instance is stuck or has lost its partitions to another.
 */
public class ConsumerLagSampler {

    private static final Logger log = LoggerFactory.getLogger(ConsumerLagSampler.class);

    private final Admin admin;
    private final String group;
    private final String topic;
    private final MultiGauge lag;

    public ConsumerLagSampler(Admin admin, String group, String topic, MeterRegistry registry) {
        this.admin = admin;
        this.group = group;
        this.topic = topic;
        this.lag = MultiGauge.builder("consumer.lag").description("Log-end offset minus committed offset")
                .register(registry);
    }

    @Scheduled(fixedDelayString = "${sluice.observability.lag-sample-interval:10s}", initialDelay = 0)
    public void sample() {
        try {
            lag.register(lagByPartition().entrySet().stream()
                    .map(entry -> MultiGauge.Row.of(Tags.of("topic", entry.getKey().topic(),
                            "partition", String.valueOf(entry.getKey().partition())), entry.getValue()))
                    .collect(Collectors.toList()), true);
        } catch (Exception e) {
            // Keep the last values: a gap in the series would look like "no lag" on a dashboard.
            log.warn("Could not sample consumer lag for group {} on {}: {}", group, topic, e.toString());
        }
    }

    Map<TopicPartition, Long> lagByPartition() throws Exception {
        List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS)
                .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, Long> ends = admin.listOffsets(partitions.stream()
                        .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                .all().get(5, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
        return partitions.stream().collect(Collectors.toMap(p -> p, p -> {
            OffsetAndMetadata done = committed.get(p);
            return Math.max(0, ends.get(p) - (done == null ? 0 : done.offset()));
        }));
    }
}
