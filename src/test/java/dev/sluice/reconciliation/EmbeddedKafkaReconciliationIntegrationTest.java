package dev.sluice.reconciliation;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/** The reconciliation scenarios on an in-process KRaft broker and the machine's PostgreSQL. */
@SpringBootTest
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 6, topics = {ReconciliationScenarios.EVENTS, ReconciliationScenarios.DEAD_LETTERS})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class EmbeddedKafkaReconciliationIntegrationTest extends ReconciliationScenarios {

    @Autowired
    EmbeddedKafkaBroker broker;

    @Override
    protected String bootstrapServers() {
        return broker.getBrokersAsString();
    }
}
