package dev.sluice.ingest;

import dev.sluice.deadletter.FailureReason;
import dev.sluice.validate.EventHeaders;
import dev.sluice.validate.RejectedEventException;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Header;
import org.apache.camel.ServiceStatus;

/**
 * The store route of each event type ({@code store-<event_type>}), and whether it runs. An event is admitted only if
 * its type has a running store route; otherwise it is dead-lettered at once as {@code unroutable}, never sent to a
 * route that is not there (an operator deleted or renamed its file while live reload is on, or added the schema
 * first).
 */
public class StoreRoutes implements CamelContextAware {

    public static final String PREFIX = "store-";

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

    public boolean isRunning(String eventType) {
        ServiceStatus status = camel.getRouteController().getRouteStatus(routeId(eventType));
        return status != null && status.isStarted();
    }

    /** A step of the per-record route: fails the event as unroutable unless its store route runs. */
    public void requireRunning(@Header(EventHeaders.EVENT_TYPE) String eventType) {
        if (!isRunning(eventType)) {
            throw new RejectedEventException(FailureReason.UNROUTABLE, "event_type: '" + eventType
                    + "' has a schema but no running store route (" + routeId(eventType) + ")");
        }
    }
}
