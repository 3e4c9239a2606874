package dev.sluice.drills;

import java.util.Map;
import java.util.TreeMap;

import dev.sluice.support.KafkaOffsets;

/**
 * How fast a consumer group drains a backlog once all its members have joined: from the moment the group is stable
 * with {@code --members} consumers, each holding partitions, to a lag of 0 on every partition, counting the events
 * committed in between (the broker's committed offsets, every 250 ms; bench/scale-out.sh). Starting the clock there
 * keeps the instances' staggered starts and the first rebalances out of the rate. Prints
 * {@code drained=380112 seconds=21.4 events_per_second=17762} and exits; exits 1 after --timeout-seconds.
 * <pre>DrainRate --bootstrap=localhost:19092 --group=sluice-3 --members=6 [--topic=events.main] [--timeout-seconds=600]</pre>
 */
public final class DrainRate {

    private DrainRate() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> given = new TreeMap<>();
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            given.put(pair[0], pair.length == 2 ? pair[1] : "");
        }
        String group = given.get("group");
        String topic = given.getOrDefault("topic", "events.main");
        long deadline = System.currentTimeMillis() + 1000L * Long.parseLong(given.getOrDefault("timeout-seconds", "600"));
        try (KafkaOffsets offsets = new KafkaOffsets(given.getOrDefault("bootstrap", "localhost:9092"))) {
            int members = Integer.parseInt(given.get("members"));
            long backlog = offsets.recordCount(topic);
            long stableAt = 0;
            long committedAtStable = 0;
            while (System.currentTimeMillis() < deadline) {
                if (stableAt == 0 && stable(offsets, group, members)) {
                    stableAt = System.currentTimeMillis();
                    committedAtStable = committed(offsets, group, topic);
                }
                long committed = committed(offsets, group, topic);
                if (stableAt > 0 && committed >= backlog) {
                    double seconds = (System.currentTimeMillis() - stableAt) / 1000.0;
                    System.out.printf("drained=%d seconds=%.1f events_per_second=%.0f (of a backlog of %d; %d committed "
                            + "before all %d consumers had joined)%n", committed - committedAtStable, seconds,
                            (committed - committedAtStable) / seconds, backlog, committedAtStable, members);
                    return;
                }
                Thread.sleep(250);
            }
            System.out.println("timed out before the backlog was drained");
            System.exit(1);
        }
    }

    private static boolean stable(KafkaOffsets offsets, String group, int members) {
        try {
            return offsets.isStable(group, members);
        } catch (Exception e) {
            return false;
        }
    }

    private static long committed(KafkaOffsets offsets, String group, String topic) throws Exception {
        return offsets.committed(group, topic).values().stream().mapToLong(Long::longValue).sum();
    }
}
