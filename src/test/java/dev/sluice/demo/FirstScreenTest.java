package dev.sluice.demo;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class FirstScreenTest {

    /** As the demo runs on the embedded PostgreSQL, with another HTTP port than the default. */
    private final MockEnvironment app = new MockEnvironment()
            .withProperty("local.server.port", "18080")
            .withProperty("spring.datasource.url", "jdbc:postgresql://localhost:44677/postgres?user=postgres")
            .withProperty("spring.datasource.username", "postgres")
            .withProperty("camel.component.kafka.brokers", "localhost:19092")
            .withProperty("management.endpoint.health.group.readiness.additional-path", "server:/readyz");

    @Test
    void pointsAtThisRunsPortDatabaseAndBroker() {
        String screen = FirstScreen.text(app, 200);

        assertThat(screen)
                .contains("http://localhost:18080/actuator/hawtio/camel/routes")
                .contains("http://localhost:18080/actuator/prometheus")
                .contains("http://localhost:18080/readyz")
                .contains("psql -h localhost -p 44677 -U postgres -d postgres -c 'SELECT review_id")
                .contains("psql -h localhost -p 44677 -U postgres -d postgres -c 'SELECT reason, count(*) FROM dlq_events")
                .contains("localhost:19092 (in-process, KRaft)")
                .contains("200 events/s")
                .contains("docs/operating.md")
                .contains("Ctrl+C")
                .doesNotContain("localhost:8080")
                .doesNotContain("5432");
    }

    @Test
    void aDatabaseUrlWithoutPortMeansPostgresDefaultPort() {
        app.setProperty("spring.datasource.url", "jdbc:postgresql://db.internal/sluice");
        app.setProperty("spring.datasource.username", "sluice_app");

        assertThat(FirstScreen.text(app, 200)).contains("psql -h db.internal -p 5432 -U sluice_app -d sluice -c ");
    }

    @Test
    void aSeparateManagementPortMovesTheActuatorButNotTheServerPathReadiness() {
        app.setProperty("local.management.port", "18081");

        assertThat(FirstScreen.text(app, 200))
                .contains("http://localhost:18081/actuator/hawtio/camel/routes")
                .contains("http://localhost:18081/actuator/prometheus")
                .contains("http://localhost:18080/readyz");
    }
}
