package dev.sluice.reload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.apache.camel.model.TemplatedRouteParameterDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.ResourceReload;
import org.apache.camel.spi.RoutesLoader;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sluice.store.StoreRouteTemplate;

/**
 * What Camel's route watcher does with an edited routes file, made safe for a running pipeline. Camel's own reload
 * removes the running route first and then builds the new one, so an edit that does not build (bad YAML, an unknown
 * endpoint or bean) leaves a hole where the route was, and events routed there are dead-lettered as unroutable.
 * Here the edit is first built as a stopped copy under another id; only if that succeeds is it swapped in (Camel
 * stops the old route gracefully, in-flight events finish, and the Kafka consumer commits what was written; the
 * other Kafka consumers pause for the swap). If the swap itself fails, the last good version of the file is put back. A
 * deleted file removes its routes. An event type's file ({@code templatedRoute}) is checked and swapped the same way.
 * The knobs file ({@link LiveTuning}) is applied whole, or refused.
 */
public class ValidatedRouteReload implements ResourceReload {

    private static final Logger log = LoggerFactory.getLogger(ValidatedRouteReload.class);
    static final String CANDIDATE_SUFFIX = "-reload-check";

    private final CamelContext camel;
    private final RouteReloadStatus status;
    private final LiveTuning tuning;
    /** The text each routes file had when it last loaded successfully, to fall back to. */
    private final Map<Path, String> lastGood = new ConcurrentHashMap<>();
    /**
     * The routes each file made from a route template (an event type's store route). Camel does not record the file
     * on such a route, so a deleted or renamed one is found here.
     */
    private final Map<Path, Set<String>> templatedRoutesOf = new ConcurrentHashMap<>();

    public ValidatedRouteReload(CamelContext camel, RouteReloadStatus status, LiveTuning tuning) {
        this.camel = camel;
        this.status = status;
        this.tuning = tuning;
    }

    /** Remembers the files as they were loaded at startup. */
    void rememberLoaded(Path file) throws Exception {
        Path normalized = file.toAbsolutePath().normalize();
        String text = Files.readString(file);
        lastGood.put(normalized, text);
        Set<String> templated = new LinkedHashSet<>();
        for (TemplatedRouteDefinition route : templatedRoutes(text, "file:" + normalized)) {
            templated.add(route.getRouteId());
        }
        templatedRoutesOf.put(normalized, templated);
    }

    @Override
    public void onReload(String name, Resource resource) {
        Path file = Path.of(name).toAbsolutePath().normalize();
        if (file.equals(tuning.file())) {
            retune(file);
            return;
        }
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
                Set<String> ids = apply(file, text, resource.getLocation());
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

    /** The knobs file changed: applied whole, or not at all. */
    private void retune(Path file) {
        try {
            tuning.apply();
            status.applied(file, Set.of());
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
        List<String> templatedCandidates = new ArrayList<>();
        try {
            model.addRouteDefinitions(candidates);
            for (TemplatedRouteDefinition route : templatedRoutes(text, location)) {
                replacing.add(route.getRouteId());
                templatedCandidates.add(fromTemplate(route, route.getRouteId() + CANDIDATE_SUFFIX, false));
            }
        } finally {
            for (RouteDefinition candidate : candidates) {
                if (camel.getRoute(candidate.getRouteId()) != null) {
                    model.removeRouteDefinition(candidate);
                }
            }
            for (String candidate : templatedCandidates) {
                camel.removeRoute(candidate);
            }
        }
        return replacing;
    }

    /**
     * Applies a file that built: its plain routes through Camel's loader, which replaces routes by id, and its
     * templated routes here, because Camel's reload leaves those out ({@code RouteBuilder.updateRoutesToCamelContext}
     * populates routes, not templated routes). A templated route the file no longer declares is removed.
     */
    private Set<String> apply(Path file, String text, String location) throws Exception {
        Set<String> ids = new LinkedHashSet<>(loader().updateRoutes(List.of(ResourceHelper.fromString(location, text))));
        Set<String> templated = new LinkedHashSet<>();
        for (TemplatedRouteDefinition route : templatedRoutes(text, location)) {
            remove(route.getRouteId());
            fromTemplate(route, route.getRouteId(), true);
            templated.add(route.getRouteId());
        }
        for (String gone : templatedRoutesOf.getOrDefault(file, Set.of())) {
            if (!templated.contains(gone)) {
                remove(gone);
            }
        }
        templatedRoutesOf.put(file, templated);
        ids.addAll(templated);
        return ids;
    }

    /** The templatedRoute entries of a routes file, without adding anything to Camel. */
    private List<TemplatedRouteDefinition> templatedRoutes(String text, String location) throws Exception {
        List<TemplatedRouteDefinition> routes = new ArrayList<>();
        for (var builder : loader().findRoutesBuilders(ResourceHelper.fromString(location, text))) {
            RouteBuilder routeBuilder = (RouteBuilder) builder;
            routeBuilder.configureRoutes(camel);
            routes.addAll(routeBuilder.getTemplatedRouteCollection().getTemplatedRoutes());
        }
        return routes;
    }

    /** Adds the route a templatedRoute entry describes, under the given id; started only if asked. */
    private String fromTemplate(TemplatedRouteDefinition route, String routeId, boolean start) {
        Map<String, Object> parameters = new HashMap<>();
        for (TemplatedRouteParameterDefinition parameter : route.getParameters()) {
            parameters.put(parameter.getName(), parameter.getValue());
        }
        parameters.put(StoreRouteTemplate.AUTO_STARTUP, Boolean.toString(start));
        TemplatedRouteBuilder builder = TemplatedRouteBuilder.builder(camel, route.getRouteTemplateRef())
                .routeId(routeId)
                .parameters(parameters);
        if (!start) {
            // Another node prefix too: the running route keeps its node ids.
            builder.prefixId("reload-check-");
        } else if (route.getPrefixId() != null) {
            builder.prefixId(route.getPrefixId());
        }
        return builder.add();
    }

    private void remove(String routeId) throws Exception {
        if (camel.getRoute(routeId) != null) {
            camel.getRouteController().stopRoute(routeId);
            camel.removeRoute(routeId);
        }
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
            apply(file, text, location);
        } catch (Exception e) {
            log.error("Route reload: could not restore the last good version of {}: {}", file, e.toString());
        }
    }

    private void removeRoutesOf(Path file) throws Exception {
        List<String> removed = new ArrayList<>();
        for (Route route : List.copyOf(camel.getRoutes())) {
            Resource source = route.getSourceResource();
            if (source != null && file.equals(pathOf(source))) {
                remove(route.getRouteId());
                removed.add(route.getRouteId());
            }
        }
        for (String templated : templatedRoutesOf.getOrDefault(file, Set.of())) {
            if (camel.getRoute(templated) != null) {
                remove(templated);
                removed.add(templated);
            }
        }
        templatedRoutesOf.remove(file);
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
