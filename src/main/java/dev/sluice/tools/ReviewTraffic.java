package dev.sluice.tools;

import java.util.Random;
import java.util.UUID;

/**
 * The load generator's traffic, one event at a time: valid review_created events, now and then one sent again (a
 * duplicate of a recent one, with its key) or broken (each of ReviewEvents' defects in turn). Hot keys take
 * {@code hotKeyPercent} of the events. With {@link LoadGenerator.Changes}, a share of the valid events are updates of recent reviews
 * instead, on their review's record key (so one partition orders them after its creation): some stamped older than
 * the review's last change (out of order: stale), some for the review updated just before (several changes to one key
 * close together). The load generator sends it to Kafka; the event-file writer writes it to a file.
 */
final class ReviewTraffic {

    /** A review created recently: its id, its record key, and the time of its last change applied. */
    private static final class Review {
        final String id;
        final String key;
        java.time.Instant last;

        Review(String id, String key, java.time.Instant last) {
            this.id = id;
            this.key = key;
            this.last = last;
        }
    }

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
    private final LoadGenerator.Changes changes;
    private final Event[] recent = new Event[RECENT];
    private final Review[] reviews = new Review[RECENT];
    private Review lastUpdated;
    private long uniqueValid;
    private long created;
    private long updates;
    private long stale;
    private long duplicates;
    private long invalid;

    ReviewTraffic(long seed, int hotKeyPercent, double duplicatePercent, double invalidPercent) {
        this(seed, hotKeyPercent, duplicatePercent, invalidPercent, LoadGenerator.Changes.NONE);
    }

    ReviewTraffic(long seed, int hotKeyPercent, double duplicatePercent, double invalidPercent,
                  LoadGenerator.Changes changes) {
        this.random = new Random(seed);
        this.hotKeyPercent = hotKeyPercent;
        this.duplicatePercent = duplicatePercent;
        this.invalidPercent = invalidPercent;
        this.changes = changes;
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
        Event event;
        if (created > 0 && random.nextDouble() * 100 < changes.updatePercent()) {
            event = update(eventId);
        } else {
            java.time.Instant now = java.time.Instant.now();
            event = new Event(key, ReviewEvents.valid(eventId, key, "r-" + eventId, 1 + random.nextInt(5),
                    "review " + uniqueValid));
            reviews[(int) (created++ % RECENT)] = new Review("r-" + eventId, key, now);
        }
        recent[(int) (uniqueValid++ % RECENT)] = event;
        return event;
    }

    /** An update of a recent review: newer than its last change, or, out of order, older (stale). */
    private Event update(UUID eventId) {
        Review review = lastUpdated != null && random.nextDouble() * 100 < changes.sameKeyPercent() ? lastUpdated
                : reviews[random.nextInt((int) Math.min(created, RECENT))];
        java.time.Instant at;
        if (random.nextDouble() * 100 < changes.outOfOrderPercent()) {
            at = review.last.minusMillis(1 + random.nextInt(1000));
            stale++;
        } else {
            java.time.Instant now = java.time.Instant.now();
            // Strictly later than its last change, by at least a millisecond, whatever the clock's resolution.
            at = now.isAfter(review.last.plusMillis(1)) ? now : review.last.plusMillis(1);
            review.last = at;
        }
        updates++;
        lastUpdated = review;
        return new Event(review.key, ReviewEvents.updated(eventId, review.key, review.id, 1 + random.nextInt(5),
                "update " + updates, at));
    }

    /** The rows a correct pipeline ends with: one per creation. */
    long uniqueValid() {
        return created;
    }

    /** Valid updates sent, and how many of them are older than their review's last change. */
    long updates() {
        return updates;
    }

    long stale() {
        return stale;
    }

    long duplicates() {
        return duplicates;
    }

    long invalid() {
        return invalid;
    }
}
