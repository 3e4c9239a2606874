package dev.sluice.ingest;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.sluice.store.EventTypes;
import dev.sluice.validate.EventSchemas;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Whether the event types with a schema and the running store routes agree, checked at startup and after every route
 * change (live reload, a route stopped or started by hand): a schema without a running store route
 * means its events are dead-lettered as {@code unroutable}; a store route without a schema is never used. A disagreement is logged once (and once more when it is resolved), shown as a
 * detail of {@code /actuator/health} ({@code eventTypes}) and counted in {@code event_types_unroutable} and
 * {@code event_types_without_schema}. It does not make the instance unready: the other types keep flowing.
 */
public class EventTypeAgreement extends EventNotifierSupport implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(EventTypeAgreement.class);

    /** What disagrees: both empty when every type with a schema has a store route and the other way round. */
    public record Report(Set<String> schemasWithoutStoreRoute, Set<String> storeRoutesWithoutSchema) {
        public boolean agrees() {
            return schemasWithoutStoreRoute.isEmpty() && storeRoutesWithoutSchema.isEmpty();
        }
    }

    private final EventSchemas schemas;
    private final EventTypes eventTypes;
    private final ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "event-type-agreement");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Report last = new Report(Set.of(), Set.of());
    private ScheduledFuture<?> pending;

    /**
     * No CamelContext here: Camel registers the event notifiers it finds while its own context bean is being made, and
     * a notifier that needed that context then was never registered (the gauge stayed stale after a route was
     * removed). Camel hands the context over when it registers this one.
     */
    public EventTypeAgreement(EventSchemas schemas, EventTypes eventTypes, MeterRegistry registry) {
        this.schemas = schemas;
        this.eventTypes = eventTypes;
        Gauge.builder("event.types.unroutable", this, agreement -> agreement.last.schemasWithoutStoreRoute().size())
                .description("Event types with a schema but no store route: their events are dead-lettered")
                .register(registry);
        Gauge.builder("event.types.without.schema", this, agreement -> agreement.last.storeRoutesWithoutSchema().size())
                .description("Store routes whose event type has no schema: never used").register(registry);
    }

    public void stopChecking() {
        checker.shutdownNow();
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStartedEvent || event instanceof CamelEvent.RouteAddedEvent
                || event instanceof CamelEvent.RouteRemovedEvent || event instanceof CamelEvent.RouteStartedEvent
                || event instanceof CamelEvent.RouteStoppedEvent;
    }

    /** A reload removes and adds routes one by one: checked once it settled, not at each step. */
    @Override
    public synchronized void notify(CamelEvent event) {
        if (pending != null) {
            pending.cancel(false);
        }
        pending = checker.schedule(this::checkLogged, 1, TimeUnit.SECONDS);
    }

    /** On the checker's thread, where an exception would vanish with the task and leave the gauges stale. */
    private void checkLogged() {
        try {
            check();
        } catch (RuntimeException e) {
            log.error("Could not compare event types with store routes; event_types_unroutable may be stale", e);
        }
    }

    public synchronized Report check() {
        // Running, as admission asks: a store route stopped by hand (Hawtio, the CLI) dead-letters its type too.
        Set<String> routes = eventTypes.runningNow();
        Set<String> types = schemas.types();
        Set<String> withoutRoute = new TreeSet<>(types);
        withoutRoute.removeAll(routes);
        Set<String> withoutSchema = new TreeSet<>(routes);
        withoutSchema.removeAll(types);
        Report report = new Report(Set.copyOf(withoutRoute), Set.copyOf(withoutSchema));
        if (!report.equals(last)) {
            if (report.agrees()) {
                log.info("Event types and store routes agree again: {}", types);
            } else {
                log.warn("Event types and store routes disagree: schemas without a store route {} (their events are "
                        + "dead-lettered as unroutable); store routes without a schema {} (never used)",
                        withoutRoute, withoutSchema);
            }
        }
        last = report;
        return report;
    }

    @Override
    public Health health() {
        Report report = last;
        return Health.up()
                .withDetail("agree", report.agrees())
                .withDetail("schemasWithoutStoreRoute", new TreeSet<>(report.schemasWithoutStoreRoute()))
                .withDetail("storeRoutesWithoutSchema", new TreeSet<>(report.storeRoutesWithoutSchema()))
                .build();
    }
}
