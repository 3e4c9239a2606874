package dev.sluice.reload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import dev.sluice.config.SluiceProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Live route reload, on when {@code camel.main.routes-reload-enabled=true} (the default; production turns it off
 * with {@code SLUICE_ROUTES_RELOAD=false}). Camel creates the directory watcher from its own properties; this hands
 * each change to {@link ValidatedRouteReload} instead of Camel's unchecked reload.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "camel.main.routes-reload-enabled", havingValue = "true")
class RouteReloadConfiguration {

    @Bean
    RouteReloadStatus routesReload(MeterRegistry registry) {
        return new RouteReloadStatus(registry);
    }

    @Bean
    CamelContextConfiguration validatedRouteReload(RouteReloadStatus status, SluiceProperties properties,
                                                   LiveTuning tuning) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                RouteWatcherReloadStrategy watcher = camel.hasService(RouteWatcherReloadStrategy.class);
                if (watcher == null) {
                    return;
                }
                ValidatedRouteReload reload = new ValidatedRouteReload(camel, status, tuning);
                // event-types/ included: the watcher is recursive.
                try (Stream<Path> files = Files.walk(properties.routesDirectory())) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                        reload.rememberLoaded(file);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (Exception e) {
                    throw new IllegalStateException("Sluice cannot start: a routes file does not parse: " + e, e);
                }
                watcher.setResourceReload(reload);
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
            }
        };
    }
}
