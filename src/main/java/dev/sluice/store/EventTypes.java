package dev.sluice.store;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import dev.sluice.event.EventHeaders;
import dev.sluice.event.FailureReason;
import dev.sluice.event.RejectedEventException;
import org.apache.camel.Header;

/**
 * The event types whose store route runs, and what each declares. An event is admitted only if its type's route runs;
 * otherwise it is dead-lettered at once as {@code unroutable}, never sent to a route that is not there (an operator
 * deleted or renamed its file while live reload is on, stopped it in the console, or added the schema first). A route
 * stopped only a moment ago (restarted in the console) is waited for, not taken for missing; live reload needs no such
 * wait, as it swaps routes between batches ({@code dev.sluice.ingest.BatchGate}). Each store route tells this registry
 * itself when it starts and stops ({@link EventTypeStore}), so a route built only to check an edit is never counted.
 */
public class EventTypes {

    /** Longer than a console restart of one route, and what covers a reload swap that outwaited the batch gate. */
    static final Duration SWAP_GRACE = Duration.ofSeconds(3);
    private static final String ROUTE_PREFIX = "store-";

    private final Map<String, EventType> running = new ConcurrentHashMap<>();
    private final Map<String, Long> stoppedAt = new ConcurrentHashMap<>();

    /** The id of an event type's store route, and of the {@code direct:} endpoint it reads. */
    public static String routeId(String eventType) {
        return ROUTE_PREFIX + eventType;
    }

    /** A store route started (its policy says so, EventTypeStore). */
    public void started(EventType type) {
        running.put(type.name(), type);
        stoppedAt.remove(type.name());
    }

    /** A store route stopped or was removed. */
    public void stopped(EventType type) {
        if (running.remove(type.name(), type)) {
            stoppedAt.put(type.name(), System.nanoTime());
        }
    }

    /**
     * The type's declaration if its store route runs. A route stopped less than {@link #SWAP_GRACE} ago is waited for,
     * up to that grace: a route restarted in the console, or swapped by a reload that gave up waiting for a stuck batch
     * at the gate, comes back within it, and an event caught in between must not be dead-lettered. A route gone for
     * longer (deleted, renamed, never there) is answered at once.
     */
    public Optional<EventType> running(String eventType) {
        while (true) {
            EventType type = running.get(eventType);
            if (type != null) {
                return Optional.of(type);
            }
            Long stopped = stoppedAt.get(eventType);
            if (stopped == null || System.nanoTime() - stopped > SWAP_GRACE.toNanos()) {
                return Optional.empty();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /** The types whose route runs now, without waiting for a swap. */
    public Set<String> runningNow() {
        return new TreeSet<>(running.keySet());
    }

    /** The tables the running types write, each with the modes writing it. */
    public Map<String, Set<WriteMode>> modesByTable() {
        Map<String, Set<WriteMode>> tables = new java.util.TreeMap<>();
        running.values().forEach(type -> tables.computeIfAbsent(type.table(), t -> java.util.EnumSet.noneOf(
                WriteMode.class)).add(type.mode()));
        return tables;
    }

    /** A step of the per-record route: fails the event as unroutable unless its store route runs. */
    public void requireRunning(@Header(EventHeaders.EVENT_TYPE) String eventType) {
        if (running(eventType).isEmpty()) {
            throw unroutable(eventType);
        }
    }

    /** Why an event of a type without a running store route is dead-lettered. */
    public static RejectedEventException unroutable(String eventType) {
        return new RejectedEventException(FailureReason.UNROUTABLE, "event_type: '" + eventType
                + "' has a schema but no running store route (" + routeId(eventType) + ")");
    }
}
