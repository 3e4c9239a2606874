package dev.sluice.support;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Reads offsets from the broker, the way an operator's tooling would: nothing estimated locally. */
public final class KafkaOffsets implements AutoCloseable {

    private final Admin admin;

    public KafkaOffsets(String bootstrapServers) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /**
     * Whether the group has settled with this many members, each holding its partitions: records produced from then
     * on are read by one consumer each, with no rebalance failing a batch's commit (and its events read again).
     */
    public boolean isStable(String group, int members) throws ExecutionException, InterruptedException {
        var description = admin.describeConsumerGroups(java.util.List.of(group)).all().get().get(group);
        return description.state() == org.apache.kafka.common.ConsumerGroupState.STABLE
                && description.members().size() == members
                && description.members().stream().allMatch(member -> !member.assignment().topicPartitions().isEmpty());
    }

    /** Log-end offset of every partition of the topic. */
    public Map<TopicPartition, Long> endOffsets(String topic) throws ExecutionException, InterruptedException {
        var partitions = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get().get(topic).partitions();
        Map<TopicPartition, OffsetSpec> latest = partitions.stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** Records ever written to the topic (no compaction or retention in tests, so the sum of end offsets). */
    public long recordCount(String topic) throws ExecutionException, InterruptedException {
        return endOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Log-end minus committed offset, per partition; a partition the group never committed counts from 0. */
    public Map<TopicPartition, Long> lag(String group, String topic) throws ExecutionException, InterruptedException {
        Map<TopicPartition, Long> committed = committed(group, topic);
        return endOffsets(topic).entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                end -> end.getValue() - committed.getOrDefault(end.getKey(), 0L)));
    }

    /** The group's committed offset (the next record it will read) of every partition of the topic it committed. */
    public Map<TopicPartition, Long> committed(String group, String topic) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        return committed.entrySet().stream()
                .filter(entry -> entry.getKey().topic().equals(topic) && entry.getValue() != null)
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().offset()));
    }

    @Override
    public void close() {
        admin.close();
    }

}
