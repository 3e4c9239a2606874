package dev.sluice.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.sluice.event.EventHeaders;
import dev.sluice.event.FailureReason;
import dev.sluice.event.RejectedEventException;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Header;
import org.apache.camel.ServiceStatus;

/**
 * The store route of each event type ({@code store-<event_type>}), and whether it runs. An event is admitted only if
 * its type has a running store route; otherwise it is dead-lettered at once as {@code unroutable}, never sent to a
 * route that is not there (an operator deleted or renamed its file while live reload is on, or added the schema
 * first). A route that live reload is swapping is waited for, not taken for missing.
 */
public class StoreRoutes implements CamelContextAware {

    public static final String PREFIX = "store-";

    /** Longer than a live-reload swap of one route (a few hundred milliseconds here). */
    static final Duration SWAP_GRACE = Duration.ofSeconds(3);

    private final Map<String, Long> lastSeenRunning = new ConcurrentHashMap<>();
    private CamelContext camel;

    @Override
    public void setCamelContext(CamelContext camel) {
        this.camel = camel;
    }

    @Override
    public CamelContext getCamelContext() {
        return camel;
    }

    public static String routeId(String eventType) {
        return PREFIX + eventType;
    }

    /**
     * Whether the type's store route runs. A route seen running less than {@link #SWAP_GRACE} ago is waited for, up to
     * that grace: live reload swaps a route by removing and re-adding it, and an event caught in between must not be
     * dead-lettered. A route gone for longer (deleted, renamed, never there) is answered at once.
     */
    public boolean isRunning(String eventType) {
        String routeId = routeId(eventType);
        while (true) {
            ServiceStatus status = camel.getRouteController().getRouteStatus(routeId);
            long now = System.nanoTime();
            if (status != null && status.isStarted()) {
                lastSeenRunning.put(routeId, now);
                return true;
            }
            Long seen = lastSeenRunning.get(routeId);
            if (seen == null || now - seen > SWAP_GRACE.toNanos()) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** A step of the per-record route: fails the event as unroutable unless its store route runs. */
    public void requireRunning(@Header(EventHeaders.EVENT_TYPE) String eventType) {
        if (!isRunning(eventType)) {
            throw new RejectedEventException(FailureReason.UNROUTABLE, "event_type: '" + eventType
                    + "' has a schema but no running store route (" + routeId(eventType) + ")");
        }
    }
}
