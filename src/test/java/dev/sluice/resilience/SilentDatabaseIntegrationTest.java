package dev.sluice.resilience;

import dev.sluice.support.ConsoleTee;
import dev.sluice.support.DatabaseFaultUnderLoad;
import dev.sluice.support.TcpProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database that stops answering without closing its connections (a frozen server, a firewall dropping packets),
 * for 15 s under load, through a proxy that swallows everything. Only Sluice's own limits notice: the socket timeout
 * ends each wait, the breaker opens on the connection errors and pauses the consumers, and once the line works again
 * the stream finishes exact. The database limits are the shipped ones divided by ten.
 */
@SpringBootTest(properties = {
        "sluice.database.statement-timeout=1s",
        "sluice.database.lock-timeout=500ms",
        "sluice.database.transaction-timeout=2s",
        "sluice.database.socket-timeout=4s",
        "sluice.consumer.batch-deadline=6s",
        "sluice.consumer.max-poll-interval-ms=30000",
        "sluice.circuit-breaker.wait-duration-in-open-state=3s",
        "spring.datasource.hikari.connection-timeout=2000"})
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 6, topics = {"events.main", "events.dlq"})
@DirtiesContext
class SilentDatabaseIntegrationTest {

    private static final ConsoleTee CONSOLE = ConsoleTee.start();
    private static final TcpProxy LINE_TO_DATABASE = TcpProxy.toTestDatabase();

    @DynamicPropertySource
    static void throughTheProxy(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", LINE_TO_DATABASE::testDatabaseUrl);
    }

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EmbeddedKafkaBroker broker;

    @AfterAll
    static void closeProxy() {
        LINE_TO_DATABASE.close();
        CONSOLE.close();
    }

    @Test
    void aDatabaseThatStopsAnsweringWithoutClosingConnectionsFinishesExactWithFewRebalances() throws Exception {
        DatabaseFaultUnderLoad drill = new DatabaseFaultUnderLoad(jdbc, broker.getBrokersAsString(), CONSOLE);
        drill.startLoad(23);
        LINE_TO_DATABASE.blackHole();
        try {
            Thread.sleep(15_000);
        } finally {
            LINE_TO_DATABASE.restore();
        }
        int rebalances = drill.reconcile("silent database (black hole for 15 s)");
        // A restart per breaker probe (BreakerPausesConsumers) and per batch past its deadline; a handful in 15 s.
        assertThat(rebalances).isLessThanOrEqualTo(20);
    }
}
