package dev.sluice.deadletter;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.sluice.event.Correlation;
import org.apache.camel.Body;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Dead letters in the log without a flood: the first dead letter of each reason in an interval is logged whole (where
 * it came from, event id, reason, exception, attempts), the others of that interval are counted, and one line at the
 * end of the interval gives the counts by reason. At 10,000 events/s with 1 % invalid that is a few lines every 10 s,
 * not 100 a second; every dead letter is in {@code dlq_events} in full.
 */
public class DeadLetterLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("dead-letter");
    private static final Duration INTERVAL = Duration.ofSeconds(10);

    private final Set<String> loggedThisInterval = new HashSet<>();
    private final Map<String, Integer> unloggedByReason = new TreeMap<>();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "dead-letter-log");
        thread.setDaemon(true);
        return thread;
    });

    public DeadLetterLog() {
        flusher.scheduleWithFixedDelay(this::flush, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void deadLettered(@Body DeadLetter letter) {
        String reason = letter.reason().label();
        synchronized (this) {
            if (!loggedThisInterval.add(reason)) {
                unloggedByReason.merge(reason, 1, Integer::sum);
                return;
            }
        }
        // The letter's own id as the line's structured field: batched dead letters are logged on a thread that
        // never handled the event, so the MDC there is not about it.
        String previous = MDC.get(Correlation.EVENT_ID);
        if (letter.eventId() == null) {
            MDC.remove(Correlation.EVENT_ID);
        } else {
            MDC.put(Correlation.EVENT_ID, letter.eventId());
        }
        try {
            log.warn("Dead-lettered {}-{}@{} event_id={} reason={} exception={} attempts={}", letter.sourceTopic(),
                    letter.sourcePartition(), letter.sourceOffset(), letter.eventId(), reason,
                    letter.exceptionClass(), letter.attempts());
        } finally {
            if (previous == null) {
                MDC.remove(Correlation.EVENT_ID);
            } else {
                MDC.put(Correlation.EVENT_ID, previous);
            }
        }
    }

    /** The counts of the interval that ended, if there were more dead letters than lines. */
    synchronized void flush() {
        loggedThisInterval.clear();
        if (unloggedByReason.isEmpty()) {
            return;
        }
        int total = unloggedByReason.values().stream().mapToInt(Integer::intValue).sum();
        log.warn("Dead-lettered {} more in the last {} s, not logged one by one (dlq_events has them): {}", total,
                INTERVAL.toSeconds(), unloggedByReason);
        unloggedByReason.clear();
    }

    @Override
    public void close() {
        flusher.shutdownNow();
        flush();
    }
}
