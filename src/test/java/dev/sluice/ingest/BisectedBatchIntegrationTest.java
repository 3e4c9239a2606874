package dev.sluice.ingest;

import java.util.UUID;

import dev.sluice.support.KafkaOffsets;
import dev.sluice.support.PipelineTables;
import dev.sluice.support.RefusedRows;
import dev.sluice.support.Reconciliation;
import dev.sluice.tools.LoadGenerator;
import dev.sluice.tools.ReviewEvents;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One row PostgreSQL refuses in a full batch of 500 costs about 2·log2(500) store transactions, not 500: the batch is
 * halved around it, the halves without it are written once, and the row is dead-lettered alone. The batch is made
 * whole by stopping the consumer while it is produced.
 */
@SpringBootTest(properties = {"sluice.consumer.batching-interval-ms=3000", "sluice.consumer.poll-timeout-ms=3000"})
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 1, topics = {"events.main", "events.dlq"})
@DirtiesContext
class BisectedBatchIntegrationTest {

    private static final int BATCH = 500;

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EmbeddedKafkaBroker broker;
    @Autowired
    CamelContext camel;
    @Autowired
    MeterRegistry registry;

    @Test
    void oneRefusedRowInAFullBatchCostsAtMostTwentyStoreTransactions() throws Exception {
        jdbc.execute(PipelineTables.TRUNCATE_ALL);
        RefusedRows.install(jdbc);
        camel.getRouteController().stopRoute("ingest");
        try (Producer<String, byte[]> producer = LoadGenerator.createProducer(broker.getBrokersAsString())) {
            for (int i = 0; i < BATCH; i++) {
                UUID id = UUID.randomUUID();
                // Valid JSON, valid schema, refused by the database.
                String text = i == 317 ? RefusedRows.PREFIX + " here" : "row " + i;
                producer.send(new ProducerRecord<>("events.main", "user:" + i % 13,
                        ReviewEvents.valid(id, "user:" + i % 13, "r-" + id, 1 + i % 5, text)));
            }
        }
        long transactionsBefore = storeTransactions();
        camel.getRouteController().startRoute("ingest");

        try (KafkaOffsets offsets = new KafkaOffsets(broker.getBrokersAsString())) {
            Reconciliation.awaitExact(jdbc, offsets, 1, BATCH - 1, 1);
        }
        long transactions = storeTransactions() - transactionsBefore;
        RefusedRows.remove(jdbc);
        assertThat(jdbc.queryForObject("SELECT reason FROM dlq_events", String.class)).isEqualTo("rejected_by_database");
        System.out.printf("Bisected batch: %d records, 1 refused by PostgreSQL: %d store transactions%n", BATCH,
                transactions);
        assertThat(transactions).isBetween(2L, 20L);
    }

    private long storeTransactions() {
        return registry.get("db.query.duration").tag("query", "store_transaction").timer().count();
    }
}
