package dev.sluice.tools;

import java.util.Random;
import java.util.UUID;

/**
 * The load generator's traffic, one event at a time: valid review_created events, now and then one sent again (a
 * duplicate of a recent one, with its key) or broken (each of ReviewEvents' defects in turn). Hot keys take
 * {@code hotKeyPercent} of the events. The load generator sends it to Kafka; the event-file writer writes it to a file.
 */
final class ReviewTraffic {

    /** One event: its record key and its bytes. */
    record Event(String key, byte[] value) {
    }

    private static final int HOT_KEYS = 5;
    private static final int COLD_KEYS = 10_000;
    private static final int RECENT = 1024;

    private final Random random;
    private final int hotKeyPercent;
    private final double duplicatePercent;
    private final double invalidPercent;
    private final ReviewEvents.Defect[] defects = ReviewEvents.Defect.values();
    private final Event[] recent = new Event[RECENT];
    private long uniqueValid;
    private long duplicates;
    private long invalid;

    ReviewTraffic(long seed, int hotKeyPercent, double duplicatePercent, double invalidPercent) {
        this.random = new Random(seed);
        this.hotKeyPercent = hotKeyPercent;
        this.duplicatePercent = duplicatePercent;
        this.invalidPercent = invalidPercent;
    }

    Event next() {
        double dice = random.nextDouble() * 100;
        String key = random.nextInt(100) < hotKeyPercent
                ? "user:" + random.nextInt(HOT_KEYS)
                : "user:" + (HOT_KEYS + random.nextInt(COLD_KEYS));
        if (dice < invalidPercent) {
            return new Event(key, ReviewEvents.withDefect(defects[(int) (invalid++ % defects.length)], key));
        }
        if (dice < invalidPercent + duplicatePercent && uniqueValid > 0) {
            duplicates++;
            return recent[random.nextInt((int) Math.min(uniqueValid, RECENT))];
        }
        UUID eventId = new UUID(random.nextLong(), random.nextLong());
        Event event = new Event(key, ReviewEvents.valid(eventId, key, "r-" + eventId, 1 + random.nextInt(5),
                "review " + uniqueValid));
        recent[(int) (uniqueValid++ % RECENT)] = event;
        return event;
    }

    long uniqueValid() {
        return uniqueValid;
    }

    long duplicates() {
        return duplicates;
    }

    long invalid() {
        return invalid;
    }
}
