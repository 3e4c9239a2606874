package dev.sluice.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.ResourceReload;
import org.apache.camel.spi.RoutesLoader;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Camel's route watcher does with an edited routes file, made safe for a running pipeline. Camel's own reload
 * removes the running route first and then builds the new one, so an edit that does not build (bad YAML, an unknown
 * endpoint or bean) leaves a hole where the route was, and events routed there are dead-lettered as unroutable.
 * Here the edit is first built as a stopped copy under another id; only if that succeeds is it swapped in (Camel
 * stops the old route gracefully, in-flight events finish, and the Kafka consumer commits what was written; the
 * other Kafka consumers pause for the swap). If the swap itself fails, the last good version of the file is put back. A deleted file removes its routes.
 */
public class ValidatedRouteReload implements ResourceReload {

    private static final Logger log = LoggerFactory.getLogger(ValidatedRouteReload.class);
    static final String CANDIDATE_SUFFIX = "-reload-check";

    private final CamelContext camel;
    private final RouteReloadStatus status;
    /** The text each routes file had when it last loaded successfully, to fall back to. */
    private final Map<Path, String> lastGood = new ConcurrentHashMap<>();

    public ValidatedRouteReload(CamelContext camel, RouteReloadStatus status) {
        this.camel = camel;
        this.status = status;
    }

    /** Remembers the files as they were loaded at startup. */
    void rememberLoaded(Path file) throws IOException {
        lastGood.put(file.toAbsolutePath().normalize(), Files.readString(file));
    }

    @Override
    public void onReload(String name, Resource resource) {
        Path file = Path.of(name).toAbsolutePath().normalize();
        try {
            if (!Files.exists(file)) {
                removeRoutesOf(file);
                return;
            }
            // One snapshot of the text for the check and the swap: an editor still writing cannot slip in between.
            String text = Files.readString(file);
            Set<String> replacing;
            try {
                replacing = buildStoppedCopy(text, resource.getLocation());
            } catch (Exception e) {
                status.rejected(file, e);
                return;
            }
            List<String> paused = pauseOtherKafkaConsumers(replacing);
            try {
                Set<String> ids = loader().updateRoutes(List.of(ResourceHelper.fromString(resource.getLocation(), text)));
                lastGood.put(file, text);
                status.applied(file, ids);
            } catch (Exception e) {
                restoreLastGood(file, resource.getLocation());
                status.rejected(file, e);
            } finally {
                resume(paused);
            }
        } catch (Exception e) {
            status.rejected(file, e);
        }
    }

    /** Builds the edit as stopped copies and removes them again; returns the ids of the routes the edit replaces. */
    private Set<String> buildStoppedCopy(String text, String location) throws Exception {
        Set<String> replacing = new LinkedHashSet<>();
        List<RouteDefinition> candidates = new ArrayList<>();
        for (var builder : loader().findRoutesBuilders(ResourceHelper.fromString(location, text))) {
            for (RouteDefinition route : ((RouteBuilder) builder).configureRoutes(camel).getRoutes()) {
                replacing.add(route.getRouteId());
                // Another id and node prefix, never started: the running route keeps its consumer and its ids.
                route.setId((route.getRouteId() == null ? "route" : route.getRouteId()) + CANDIDATE_SUFFIX);
                route.setNodePrefixId("reload-check-");
                route.setAutoStartup("false");
                candidates.add(route);
            }
        }
        ModelCamelContext model = (ModelCamelContext) camel;
        try {
            model.addRouteDefinitions(candidates);
        } finally {
            for (RouteDefinition candidate : candidates) {
                if (camel.getRoute(candidate.getRouteId()) != null) {
                    model.removeRouteDefinition(candidate);
                }
            }
        }
        return replacing;
    }

    /**
     * Camel stops a replaced route while the routes that call it keep sending: an event that enters the old route as
     * its services shut down fails (RejectedExecutionException) and would be dead-lettered. So the Kafka consumers of
     * the routes that stay are paused for the swap (suspending waits for their exchanges in flight; their partitions
     * are paused, the group does not rebalance) and resumed after it. A replaced Kafka route is stopped by Camel
     * itself, gracefully.
     */
    private List<String> pauseOtherKafkaConsumers(Set<String> replacing) {
        List<String> paused = new ArrayList<>();
        for (Route route : List.copyOf(camel.getRoutes())) {
            String id = route.getRouteId();
            if (route.getEndpoint() instanceof KafkaEndpoint && !replacing.contains(id)
                    && camel.getRouteController().getRouteStatus(id).isStarted()) {
                try {
                    camel.getRouteController().suspendRoute(id);
                    paused.add(id);
                } catch (Exception e) {
                    log.error("Route reload: could not pause route {} for the swap: {}", id, e.toString());
                }
            }
        }
        return paused;
    }

    private void resume(List<String> paused) {
        for (String id : paused) {
            try {
                camel.getRouteController().resumeRoute(id);
            } catch (Exception e) {
                log.error("Route reload: could not resume route {} after the swap: {}", id, e.toString());
            }
        }
    }

    private void restoreLastGood(Path file, String location) {
        String text = lastGood.get(file);
        if (text == null) {
            return;
        }
        try {
            loader().updateRoutes(List.of(ResourceHelper.fromString(location, text)));
        } catch (Exception e) {
            log.error("Route reload: could not restore the last good version of {}: {}", file, e.toString());
        }
    }

    private void removeRoutesOf(Path file) throws Exception {
        List<String> removed = new ArrayList<>();
        for (Route route : List.copyOf(camel.getRoutes())) {
            Resource source = route.getSourceResource();
            if (source != null && file.equals(pathOf(source))) {
                camel.getRouteController().stopRoute(route.getRouteId());
                camel.removeRoute(route.getRouteId());
                removed.add(route.getRouteId());
            }
        }
        lastGood.remove(file);
        status.removed(file, removed);
    }

    private static Path pathOf(Resource resource) {
        String location = resource.getLocation().replaceFirst("^file:", "");
        return Path.of(location).toAbsolutePath().normalize();
    }

    private RoutesLoader loader() {
        return PluginHelper.getRoutesLoader(camel);
    }
}
