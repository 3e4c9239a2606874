package dev.sluice.reload;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.sluice.store.EventTypeRefused;
import dev.sluice.store.EventTypeStores;
import dev.sluice.store.EventTypes;
import dev.sluice.store.StoreRouteTemplate;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.apache.camel.model.TemplatedRouteParameterDefinition;
import org.apache.camel.spi.RoutesLoader;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * The files under {@code routes-yaml/event-types/}, each a {@code templatedRoute} of the store route template: read,
 * checked against the database, and made into routes, at startup and on every reload alike. Sluice loads them itself
 * rather than through {@code camel.main.routes-include-pattern}, so that a declaration the live table cannot take is
 * refused naming its file, before anything is added.
 */
public final class EventTypeFiles {

    /** Where a file's declarations came from, for the line that names a refused one. */
    public record Declared(Path file, TemplatedRouteDefinition route) {

        public String eventType() {
            return String.valueOf(parameters().get("eventType"));
        }

        Map<String, Object> parameters() {
            Map<String, Object> parameters = new HashMap<>();
            for (TemplatedRouteParameterDefinition parameter : route.getParameters()) {
                parameters.put(parameter.getName(), parameter.getValue());
            }
            return parameters;
        }
    }

    private final CamelContext camel;
    private final EventTypeStores stores;

    public EventTypeFiles(CamelContext camel, EventTypeStores stores) {
        this.camel = camel;
        this.stores = stores;
    }

    /** The file's declarations, without adding anything to Camel; refused if one is not of the store template. */
    public List<Declared> read(Path file, String text) throws Exception {
        List<Declared> declared = new ArrayList<>();
        for (var builder : loader().findRoutesBuilders(ResourceHelper.fromString("file:" + file, text))) {
            RouteBuilder routes = (RouteBuilder) builder;
            routes.configureRoutes(camel);
            if (!routes.getRouteCollection().getRoutes().isEmpty()) {
                throw new EventTypeRefused("holds a route; an event type's file holds one templatedRoute of "
                        + StoreRouteTemplate.ID + " and nothing else");
            }
            for (TemplatedRouteDefinition route : routes.getTemplatedRouteCollection().getTemplatedRoutes()) {
                declared.add(check(file, route));
            }
        }
        return declared;
    }

    private Declared check(Path file, TemplatedRouteDefinition route) {
        if (!StoreRouteTemplate.ID.equals(route.getRouteTemplateRef())) {
            throw new EventTypeRefused("routeTemplateRef is '" + route.getRouteTemplateRef() + "'; an event type is a "
                    + StoreRouteTemplate.ID);
        }
        Declared declared = new Declared(file, route);
        if (route.getRouteId() != null && !route.getRouteId().equals(EventTypes.routeId(declared.eventType()))) {
            throw new EventTypeRefused("routeId '" + route.getRouteId() + "': the route's id comes from its event"
                    + " type (" + EventTypes.routeId(declared.eventType()) + "); leave it out");
        }
        return declared;
    }

    /** Whether it can be stored as declared, against the live table, without adding a route. */
    public void checkAgainstDatabase(Declared declared) {
        stores.check(declared.parameters());
    }

    /**
     * Adds its route; {@code start} false builds it stopped, under its id plus {@code idSuffix}, with other node ids, to
     * check that an edit builds while the running route keeps its own. A route that failed to build is taken out
     * again: a failed build must not leave a half-made route behind.
     */
    public String add(Declared declared, boolean start, String idSuffix) throws Exception {
        String routeId = EventTypes.routeId(declared.eventType()) + idSuffix;
        Map<String, Object> parameters = declared.parameters();
        parameters.put(StoreRouteTemplate.AUTO_STARTUP, Boolean.toString(start));
        TemplatedRouteBuilder builder = TemplatedRouteBuilder.builder(camel, StoreRouteTemplate.ID)
                .routeId(routeId)
                .parameters(parameters);
        if (!start) {
            builder.prefixId("reload-check-");
        }
        try {
            return builder.add();
        } catch (Exception e) {
            removeDefinition(routeId);
            throw e;
        }
    }

    /** Stops and removes a route, if it is there. */
    public void remove(String routeId) throws Exception {
        if (camel.getRoute(routeId) != null) {
            camel.getRouteController().stopRoute(routeId);
            camel.removeRoute(routeId);
        }
        removeDefinition(routeId);
    }

    private void removeDefinition(String routeId) throws Exception {
        ModelCamelContext model = (ModelCamelContext) camel;
        RouteDefinition definition = model.getRouteDefinition(routeId);
        if (definition != null) {
            model.removeRouteDefinition(definition);
        }
    }

    private RoutesLoader loader() {
        return PluginHelper.getRoutesLoader(camel);
    }
}
