package dev.sluice.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.sluice.support.Patience;
import dev.sluice.support.PipelineTables;
import dev.sluice.tools.LoadGenerator;
import dev.sluice.tools.ReviewEvents;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A batch leaves in the poll that read it, not when the next poll times out (PromptHandOverConsumer). With a poll
 * timeout of 4 s and one event at a time, camel-kafka 4.17 on its own writes each event about 4 s after it was read.
 */
@SpringBootTest(properties = "sluice.consumer.poll-timeout-ms=4000")
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 1, topics = {"events.main", "events.dlq"})
@DirtiesContext
class PromptHandOverIntegrationTest {

    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(4);

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EmbeddedKafkaBroker broker;

    @BeforeEach
    void emptyTables() {
        jdbc.execute(PipelineTables.TRUNCATE_ALL);
    }

    @Test
    void anEventAloneIsWrittenWellBeforeTheNextPollWouldTimeOut() throws Exception {
        try (Producer<String, byte[]> producer = LoadGenerator.createProducer(broker.getBrokersAsString())) {
            sendAndWaitForItsRow(producer, 1); // the consumer joins its group and warms up
            List<Duration> writtenAfter = new ArrayList<>();
            for (int event = 2; event <= 6; event++) {
                writtenAfter.add(sendAndWaitForItsRow(producer, event));
            }
            System.out.println("One event at a time, send to row: " + writtenAfter);
            assertThat(writtenAfter).allSatisfy(took -> assertThat(took).isLessThan(POLL_TIMEOUT.dividedBy(2)));
        }
    }

    private Duration sendAndWaitForItsRow(Producer<String, byte[]> producer, long rows) throws Exception {
        UUID id = UUID.randomUUID();
        long started = System.nanoTime();
        producer.send(new ProducerRecord<>("events.main", "user:1", ReviewEvents.valid(id, "user:1", "r-" + id, 4, "ok")))
                .get();
        await().atMost(Patience.PIPELINE).pollInterval(Duration.ofMillis(10))
                .until(() -> PipelineTables.count(jdbc, "reviews") == rows);
        return Duration.ofNanos(System.nanoTime() - started);
    }
}
