package dev.sluice.store;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backpressure from the database to Kafka: while the database breaker is open, the routes that consume from Kafka are
 * suspended, which pauses their consumers (they keep polling with every partition paused, so the group sees them
 * alive and does not rebalance). When the breaker half-opens they restart, the next batch probes the database, and
 * the breaker either closes or opens again.
 * <p>
 * Suspending waits for the exchange in flight, which may be the one whose failure opened the breaker, so it runs on
 * a thread of its own, never on the consumer's.
 */
public class BreakerPausesConsumers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BreakerPausesConsumers.class);

    private final CamelContext camel;
    private final ExecutorService controller = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "breaker-pauses-consumers");
        thread.setDaemon(true);
        return thread;
    });

    public BreakerPausesConsumers(CircuitBreaker breaker, CamelContext camel) {
        this.camel = camel;
        breaker.getEventPublisher().onStateTransition(this::onTransition);
    }

    private void onTransition(CircuitBreakerOnStateTransitionEvent event) {
        boolean open = switch (event.getStateTransition().getToState()) {
            case OPEN, FORCED_OPEN -> true;
            default -> false;
        };
        controller.execute(() -> {
            for (String routeId : kafkaRoutes()) {
                try {
                    if (open) {
                        log.warn("Database circuit breaker {}: pausing the Kafka consumer of route {}",
                                event.getStateTransition(), routeId);
                        camel.getRouteController().suspendRoute(routeId);
                    } else if (camel.getRouteController().getRouteStatus(routeId).isSuspended()) {
                        log.info("Database circuit breaker {}: resuming the Kafka consumer of route {}",
                                event.getStateTransition(), routeId);
                        // A restart, not resumeRoute: camel-kafka (4.17) ends its polling thread for good if the route
                        // is suspended at the moment a failed batch makes the thread reconnect, which is exactly when
                        // the breaker opens. resumeRoute then resumes nothing and the pipeline stalls; a restart
                        // starts a new consumer from the committed offsets (the cost: one rebalance per probe).
                        camel.getRouteController().stopRoute(routeId);
                        camel.getRouteController().startRoute(routeId);
                    }
                } catch (Exception e) {
                    log.error("Could not {} route {}", open ? "suspend" : "resume", routeId, e);
                }
            }
        });
    }

    private List<String> kafkaRoutes() {
        return camel.getRoutes().stream()
                .filter(route -> route.getEndpoint() instanceof KafkaEndpoint)
                .map(Route::getRouteId)
                .toList();
    }

    @Override
    public void close() {
        controller.shutdownNow();
    }
}
