package dev.sluice.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Lets the tests run on any machine with a JDK and Maven: where PostgreSQL answers, the test database is created if it
 * is missing; where none answers (or the database can be neither used nor created), an embedded PostgreSQL is
 * started (once per JVM) and the datasource points at it. One line says which.
 */
public class TestDatabaseFallback implements EnvironmentPostProcessor {

    private static final String ENABLED = "sluice.test.embedded-database-fallback";
    private static EmbeddedPostgres embedded;
    private static final Map<String, Boolean> ready = new java.util.HashMap<>();
    private static final java.util.Set<String> announced = new java.util.HashSet<>();

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String url = environment.getProperty("spring.datasource.url");
        if (!environment.getProperty(ENABLED, Boolean.class, false) || url == null) {
            return;
        }
        boolean answers = answers(url);
        if (answers && databaseReady(url, environment.getProperty("spring.datasource.username", "postgres"),
                environment.getProperty("spring.datasource.password", ""))) {
            return;
        }
        if (!answers) {
            announceOnce("Tests: no PostgreSQL answers at " + withoutParameters(url) + "; starting an embedded one");
        }
        environment.getPropertySources().addFirst(new MapPropertySource("embedded-postgres", Map.of(
                "spring.datasource.url", embeddedUrl(),
                "spring.datasource.username", "postgres",
                "spring.datasource.password", "")));
    }

    /**
     * The database a test that talks to PostgreSQL over a connection of its own (a proxy in front of it, say) should
     * use: the given one if it answers and can be used, else the embedded one the application context falls back to.
     */
    public static String usableOrEmbedded(String url, String user, String password) {
        return answers(url) && databaseReady(url, user, password) ? url : embeddedUrl();
    }

    /** Starts the embedded PostgreSQL once per JVM and returns its JDBC URL. */
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

    /**
     * Whether the database the URL names can be used, creating it on a server that has no such database yet (a fresh
     * clone on a machine whose PostgreSQL never ran these tests). Says which, once per JVM.
     */
    static synchronized boolean databaseReady(String url, String user, String password) {
        if (ready.containsKey(url)) {
            return ready.get(url);
        }
        boolean usable;
        try (Connection ignored = DriverManager.getConnection(url, user, password)) {
            usable = true;
        } catch (SQLException missing) {
            usable = "3D000".equals(missing.getSQLState()) && create(url, user, password);
        }
        if (!usable) {
            System.out.println("Tests: PostgreSQL at " + withoutParameters(url) + " cannot be used; starting an embedded one");
        }
        ready.put(url, usable);
        return usable;
    }

    private static boolean create(String url, String user, String password) {
        URI uri = URI.create(url.substring("jdbc:".length()));
        String database = uri.getPath().substring(1);
        String server = url.substring(0, url.indexOf(uri.getPath())) + "/postgres";
        try (Connection admin = DriverManager.getConnection(server, user, password);
             Statement create = admin.createStatement()) {
            create.execute("CREATE DATABASE \"" + database.replace("\"", "") + "\"");
            System.out.println("Tests: created database " + database + " on the PostgreSQL at " + server);
            return true;
        } catch (SQLException e) {
            System.out.println("Tests: database " + database + " does not exist and cannot be created (" + e.getMessage() + ")");
            return false;
        }
    }

    /** A JDBC URL's parameters may carry a password (pgjdbc takes {@code ?password=}): never printed. */
    static String withoutParameters(String url) {
        int parameters = url.indexOf('?');
        return parameters < 0 ? url : url.substring(0, parameters);
    }

    private static synchronized void announceOnce(String line) {
        if (announced.add(line)) {
            System.out.println(line);
        }
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
