package dev.sluice.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Reads {@code sluice.routes-directory} through its symbolic links, once, as Sluice starts. Kubernetes mounts a
 * ConfigMap as links into a hidden, versioned directory ({@code routes-yaml -> ..data/routes-yaml},
 * {@code ..data -> ..2026_12_06_...}), and Camel's scan for route files (camel-support 4.17,
 * {@code ResourceHelper.findInFileSystem}: a {@code Files.walk} that does not follow links) finds nothing under a
 * linked directory: every event type's store route went missing and every event was dead-lettered as unroutable
 * (RolloutIntegrationTest, before this). With the real path, the include patterns, the schemas and tuning.yaml all
 * resolve under a plain directory, and the instance keeps the version it started with: a new version of the routes
 * comes with a rollout (docs/kubernetes.md). A directory reached without links is left as configured.
 */
public class RoutesDirectoryLink implements EnvironmentPostProcessor, Ordered {

    static final String PROPERTY = "sluice.routes-directory";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String configured = environment.getProperty(PROPERTY);
        if (configured == null || !Files.isDirectory(Path.of(configured))) {
            return;
        }
        try {
            Path real = Path.of(configured).toRealPath();
            if (!real.equals(Path.of(configured).toAbsolutePath().normalize())) {
                environment.getPropertySources().addFirst(new MapPropertySource("routesDirectoryRealPath",
                        Map.of(PROPERTY, real.toString())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** After the configuration files and the environment have been read. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
