package dev.sluice.bench;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Creates or deletes a benchmark topic. Created before the consumer subscribes: a consumer that subscribes to a topic
 * that does not exist yet may only notice it at its next metadata refresh, which would show up as latency.
 *
 * <pre>
 * java -cp ... dev.sluice.bench.BenchTopic create|delete --bootstrap=localhost:19092 --topic=t [--partitions=6]
 * </pre>
 */
public final class BenchTopic {

    private BenchTopic() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = null;
        String topic = null;
        int partitions = 6;
        for (String arg : List.of(args).subList(1, args.length)) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            switch (pair[0]) {
                case "bootstrap" -> bootstrap = pair[1];
                case "topic" -> topic = pair[1];
                case "partitions" -> partitions = Integer.parseInt(pair[1]);
                default -> throw new IllegalArgumentException("Unknown option " + arg);
            }
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            switch (args[0]) {
                case "create" -> admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
                case "delete" -> admin.deleteTopics(List.of(topic)).all().get();
                default -> throw new IllegalArgumentException("usage: BenchTopic create|delete --bootstrap=... --topic=...");
            }
        }
    }
}
