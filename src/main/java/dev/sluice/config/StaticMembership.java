package dev.sluice.config;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import jakarta.annotation.PreDestroy;

import dev.sluice.ingest.PromptHandOverConsumer;
import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The ingest endpoint's Kafka clients ({@code kafkaClientFactory}): {@link PromptHandOverConsumer}s, and Kafka static
 * membership (KIP-345) when {@code sluice.consumer.instance-id} is set (Kubernetes: the pod's name). A
 * member that dies without leaving the group keeps its partitions until its session times out; a static member that
 * comes back within the session, under the same id, takes them back at once, without a rebalance of the others.
 * <ul>
 *   <li>camel-kafka 4.17 gives every consumer thread of the endpoint the configured {@code group.instance.id}
 *   ({@code KafkaConsumer.getProps}), and two members with one id fence each other. Each thread gets its own here: the
 *   id plus {@code -0}, {@code -1}, ... up to {@code sluice.consumer.threads}. camel-kafka hands a thread's same
 *   {@code Properties} back when it reconnects it, so a thread keeps its id.</li>
 *   <li>A static member does not leave the group when it closes. A pod stopped on purpose (a rollout, a scale-in) comes
 *   back under another name, if at all, so on a graceful stop the members are removed, after Camel has closed the
 *   consumers: the group rebalances at once, as it does for dynamic members. Only a crash keeps them.</li>
 * </ul>
 */
@Component("staticMembership")
public class StaticMembership extends DefaultKafkaClientFactory {

    private static final Logger log = LoggerFactory.getLogger(StaticMembership.class);

    private final SluiceProperties.Consumer consumer;
    private final Supplier<Admin> admin;
    private final Map<Properties, String> idOfThread = Collections.synchronizedMap(new IdentityHashMap<>());
    private final AtomicInteger threadsSeen = new AtomicInteger();

    @Autowired
    public StaticMembership(SluiceProperties properties, Admin kafkaAdmin) {
        this(properties, () -> kafkaAdmin);
    }

    /** The Camel CLI's: an Admin client is made only if the members have to leave the group. */
    public StaticMembership(SluiceProperties properties, Supplier<Admin> kafkaAdmin) {
        this.consumer = properties.consumer();
        this.admin = kafkaAdmin;
    }

    @Override
    public Consumer getConsumer(Properties kafkaProps) {
        if (!consumer.instanceId().isBlank()) {
            kafkaProps.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, idOfThread.computeIfAbsent(kafkaProps,
                    props -> consumer.instanceId() + "-" + threadsSeen.getAndIncrement() % consumer.threads()));
        }
        // Its batches handed over at once, not at the next poll's timeout.
        return new PromptHandOverConsumer(kafkaProps);
    }

    @PreDestroy
    void leaveGroup() {
        if (consumer.instanceId().isBlank()) {
            return;
        }
        List<MemberToRemove> members = IntStream.range(0, consumer.threads())
                .mapToObj(thread -> new MemberToRemove(consumer.instanceId() + "-" + thread)).toList();
        try {
            admin.get().removeMembersFromConsumerGroup(consumer.groupId(), new RemoveMembersFromConsumerGroupOptions(members))
                    .all().get(5, TimeUnit.SECONDS);
            log.info("Left consumer group {} as static members {}-0..{}", consumer.groupId(), consumer.instanceId(),
                    consumer.threads() - 1);
        } catch (ExecutionException | TimeoutException e) {
            // The session timeout frees the partitions anyway; it only takes longer.
            log.warn("Could not leave consumer group {} as static members {}: {}", consumer.groupId(), consumer.instanceId(),
                    e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
