package dev.sluice.demo;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.core.env.Environment;

/**
 * What the demo prints once the pipeline runs: where to look and how to stop. Every address is this run's, read from
 * the environment of the started app (the port Tomcat took, the database the datasource uses, the broker Camel uses),
 * so the embedded PostgreSQL's random port and a {@code --server.port} show as they are.
 */
public final class FirstScreen {

    private static final Pattern POSTGRES_URL = Pattern.compile("^jdbc:postgresql://([^/:?,]+)(?::(\\d+))?/([^?]+)");

    private FirstScreen() {
    }

    public static String text(Environment app, int demoRate) {
        String web = "http://localhost:" + app.getRequiredProperty("local.server.port");
        // A separate management port (management.server.port) moves the actuator, and Hawtio with it.
        String management = "http://localhost:" + app.getProperty("local.management.port", app.getRequiredProperty("local.server.port"));
        String actuator = management + app.getProperty("management.endpoints.web.base-path", "/actuator");
        return String.join(System.lineSeparator(),
                "",
                "Sluice is running: demo events go from Kafka through the pipeline's routes into PostgreSQL.",
                "",
                "  Routes (Hawtio)   " + actuator + "/hawtio/camel/routes   (no login in the demo)",
                "  Metrics           " + actuator + "/prometheus",
                "  Readiness         " + readiness(app, web, management, actuator),
                "  Rows              " + psql(app) + " -c 'SELECT review_id, user_key, rating, ingested_at FROM reviews ORDER BY ingested_at DESC LIMIT 5'",
                "  Dead letters      " + psql(app) + " -c 'SELECT reason, count(*) FROM dlq_events GROUP BY reason'",
                "  Kafka             " + app.getProperty("camel.component.kafka.brokers") + " (in-process, KRaft), topics events.main and events.dlq",
                "  Demo traffic      " + (demoRate == 0 ? "as fast as the broker takes it" : demoRate + " events/s")
                        + ", 5 % duplicates, 1 % invalid (they become dead letters)",
                "  Docs              docs/operating.md",
                "  Stop              Ctrl+C",
                "",
                "A status line follows every few seconds.",
                "");
    }

    /** The readiness group's own path ({@code server:/readyz}) where it has one, else the actuator's. */
    private static String readiness(Environment app, String web, String management, String actuator) {
        String additional = app.getProperty("management.endpoint.health.group.readiness.additional-path", "");
        if (additional.startsWith("server:")) {
            return web + additional.substring("server:".length());
        }
        if (additional.startsWith("management:")) {
            return management + additional.substring("management:".length());
        }
        return actuator + "/health/readiness";
    }

    /** psql to the datasource's database; its password, if any, psql asks for. */
    private static String psql(Environment app) {
        String url = app.getRequiredProperty("spring.datasource.url");
        Matcher postgres = POSTGRES_URL.matcher(url);
        if (!postgres.find()) {
            return "psql (connect as for " + url + ")";
        }
        String port = postgres.group(2) == null ? "5432" : postgres.group(2);
        return "psql -h " + postgres.group(1) + " -p " + port + " -U " + app.getProperty("spring.datasource.username", "postgres")
                + " -d " + postgres.group(3);
    }
}
