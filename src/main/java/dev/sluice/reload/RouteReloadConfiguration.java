package dev.sluice.reload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import dev.sluice.config.SluiceProperties;
import dev.sluice.ingest.BatchGate;
import dev.sluice.store.EventTypeRefused;
import dev.sluice.store.EventTypeStores;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The operators' files under {@code routes-yaml/}: the event types are loaded at startup ({@link EventTypeFiles}), and,
 * when {@code camel.main.routes-reload-enabled=true} (the default; production turns it off with
 * {@code SLUICE_ROUTES_RELOAD=false}), every later edit goes to {@link ValidatedRouteReload} instead of Camel's
 * unchecked reload. Camel creates the directory watcher from its own properties.
 */
@Configuration(proxyBeanMethods = false)
class RouteReloadConfiguration {

    static final String EVENT_TYPES = "event-types";

    @Bean
    RouteReloadStatus routesReload(MeterRegistry registry) {
        return new RouteReloadStatus(registry);
    }

    @Bean
    CamelContextConfiguration eventTypeFiles(RouteReloadStatus status, SluiceProperties properties, LiveTuning tuning,
                                             EventTypeStores stores, BatchGate batchGate) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                EventTypeFiles files = new EventTypeFiles(camel, stores);
                ValidatedRouteReload reload = new ValidatedRouteReload(camel, files, status, tuning, batchGate);
                for (Map.Entry<Path, String> file : eventTypeFiles(properties.routesDirectory()).entrySet()) {
                    load(files, reload, file.getKey(), file.getValue());
                }
                RouteWatcherReloadStrategy watcher = camel.hasService(RouteWatcherReloadStrategy.class);
                if (watcher != null) {
                    watcher.setResourceReload(reload);
                }
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
            }
        };
    }

    /** One file at startup: refused, Sluice does not start, with one line naming the file and the problem. */
    private static void load(EventTypeFiles files, ValidatedRouteReload reload, Path file, String text) {
        try {
            List<EventTypeFiles.Declared> declared = files.read(file, text);
            java.util.Set<String> types = new java.util.LinkedHashSet<>();
            for (EventTypeFiles.Declared type : declared) {
                files.checkAgainstDatabase(type);
                files.add(type, true, "");
                types.add(type.eventType());
            }
            reload.loaded(file, text, types);
        } catch (EventTypeRefused e) {
            throw new EventTypeFileRefused(file, e.getMessage());
        } catch (Exception e) {
            throw new EventTypeFileRefused(file, e.toString());
        }
    }

    private static Map<Path, String> eventTypeFiles(Path routesDirectory) {
        Path directory = routesDirectory.resolve(EVENT_TYPES);
        Map<Path, String> texts = new TreeMap<>();
        if (!Files.isDirectory(directory)) {
            return texts;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                texts.put(file.toAbsolutePath().normalize(), Files.readString(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return texts;
    }
}
