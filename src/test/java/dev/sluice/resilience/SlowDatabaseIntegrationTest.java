package dev.sluice.resilience;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import dev.sluice.support.ConsoleTee;
import dev.sluice.support.DatabaseFaultUnderLoad;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drill "slow database", short enough for CI: under load, a trigger makes every insert into {@code reviews} sleep
 * 50 ms for 15 s, so a 500-row transaction would take 25 s. No consumer thread may wait on it past
 * {@code max.poll.interval.ms}: statements time out, chunks shrink, a batch past its deadline commits what it wrote
 * and reads the rest again. It ends exact, with a bounded number of rebalances. The database limits are the shipped
 * ones divided by ten.
 */
@SpringBootTest(properties = {
        "sluice.database.statement-timeout=1s",
        "sluice.database.lock-timeout=500ms",
        "sluice.database.transaction-timeout=2s",
        "sluice.database.socket-timeout=4s",
        "sluice.consumer.batch-deadline=6s",
        "sluice.consumer.max-poll-interval-ms=30000"})
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 6, topics = {"events.main", "events.dlq"})
@DirtiesContext
class SlowDatabaseIntegrationTest {

    private static final ConsoleTee CONSOLE = ConsoleTee.start();

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EmbeddedKafkaBroker broker;
    @Autowired
    Environment environment;

    @AfterAll
    static void stopCopying() {
        CONSOLE.close();
    }

    @Test
    void everyPipelineConnectionCarriesTheTimeoutsAndKeepsGenericPlans() {
        assertThat(jdbc.queryForObject("SHOW statement_timeout", String.class)).isEqualTo("1s");
        assertThat(jdbc.queryForObject("SHOW lock_timeout", String.class)).isEqualTo("500ms");
        assertThat(jdbc.queryForObject("SHOW plan_cache_mode", String.class)).isEqualTo("force_generic_plan");
    }

    @Test
    void aDatabaseThatSleepsOnEveryRowFinishesExactWithFewRebalances() throws Exception {
        DatabaseFaultUnderLoad drill = new DatabaseFaultUnderLoad(jdbc, broker.getBrokersAsString(), CONSOLE);
        drill.startLoad(17);
        // As an operator would, from a session of its own: the pipeline's pool has a 500 ms lock timeout.
        operatorSql("CREATE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$"
                + " BEGIN PERFORM pg_sleep(0.05); RETURN NEW; END $$;"
                + " CREATE TRIGGER slow_insert BEFORE INSERT ON reviews FOR EACH ROW EXECUTE FUNCTION slow_insert()");
        try {
            Thread.sleep(15_000);
        } finally {
            operatorSql("DROP TRIGGER slow_insert ON reviews; DROP FUNCTION slow_insert()");
        }
        int rebalances = drill.reconcile("slow database (50 ms a row for 15 s)");
        // Two consumer threads: a rebalance per batch past its deadline, a handful in 15 s.
        assertThat(rebalances).isLessThanOrEqualTo(20);
    }

    private void operatorSql(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(environment.getRequiredProperty("spring.datasource.url"),
                environment.getRequiredProperty("spring.datasource.username"),
                environment.getProperty("spring.datasource.password", ""));
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
