package dev.sluice.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import dev.sluice.event.FailureReason;
import dev.sluice.event.RejectedEventException;
import dev.sluice.support.CountingDataSource;
import dev.sluice.support.PipelineTables;
import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch's dead letters on the real {@code dlq_events}: one statement for all their rows, the bytes exactly as they
 * arrived, and a re-read of the same records (a crash before the offset commit) adds no row and publishes nothing.
 */
@SpringBootTest
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 1, topics = {"events.main", "events.dlq"})
@DirtiesContext
class DeadLetterRowsIntegrationTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    CamelContext camel;
    @Autowired
    DeadLetterDescriber describer;

    private final AtomicInteger statements = new AtomicInteger();
    private DeadLetterRows rows;
    private TransactionTemplate transaction;

    @BeforeEach
    void emptyTables() {
        jdbc.execute(PipelineTables.TRUNCATE_ALL);
        DataSource counting = CountingDataSource.of(dataSource, statements);
        rows = new DeadLetterRows(new JdbcTemplate(counting));
        transaction = new TransactionTemplate(new DataSourceTransactionManager(counting));
    }

    @Test
    void aBatchsDeadLettersAreOneStatementWithTheirBytesAsTheyArrived() {
        byte[] nulAndInvalidUtf8 = {'{', 0, (byte) 0xC3, (byte) 0x28, '}'};
        List<PreparedDeadLetter> letters = List.of(
                letter(10, nulAndInvalidUtf8, FailureReason.MALFORMED),
                letter(11, "{\"rating\": 9}".getBytes(StandardCharsets.UTF_8), FailureReason.INVALID),
                letter(12, new byte[0], FailureReason.MALFORMED));
        statements.set(0);

        List<Message> published = transaction.execute(status -> rows.insertNew(letters));

        assertThat(statements).as("statements prepared for the batch's dead letters").hasValue(1);
        assertThat(published).containsExactly(letters.get(0).topicRecord(), letters.get(1).topicRecord(),
                letters.get(2).topicRecord());
        assertThat(jdbc.queryForList("SELECT source_offset FROM dlq_events ORDER BY id", Long.class))
                .containsExactly(10L, 11L, 12L);
        assertThat(jdbc.queryForObject("SELECT original_value FROM dlq_events WHERE source_offset = 10", byte[].class))
                .isEqualTo(nulAndInvalidUtf8);
        assertThat(jdbc.queryForMap("SELECT reason, attempts, record_key, original_key, event_type FROM dlq_events"
                + " WHERE source_offset = 11"))
                .containsEntry("reason", "invalid").containsEntry("attempts", 1).containsEntry("record_key", "user:11")
                .containsEntry("event_type", "review_created");
    }

    @Test
    void recordsReadAgainAfterTheirDeadLettersCommittedAreNeitherWrittenNorPublishedTwice() {
        List<PreparedDeadLetter> first = List.of(letter(20, "a".getBytes(), FailureReason.MALFORMED),
                letter(21, "b".getBytes(), FailureReason.MALFORMED));
        transaction.execute(status -> rows.insertNew(first));
        List<PreparedDeadLetter> reread = new ArrayList<>(List.of(letter(20, "a".getBytes(), FailureReason.MALFORMED),
                letter(21, "b".getBytes(), FailureReason.MALFORMED), letter(22, "c".getBytes(), FailureReason.MALFORMED)));

        List<Message> published = transaction.execute(status -> rows.insertNew(reread));

        assertThat(published).containsExactly(reread.get(2).topicRecord());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dlq_events", Integer.class)).isEqualTo(3);
    }

    @Test
    void deadLettersRolledBackWithTheirTransactionAreWrittenWhenTheBatchIsReadAgain() {
        List<PreparedDeadLetter> letters = List.of(letter(30, "x".getBytes(), FailureReason.MALFORMED));
        transaction.execute(status -> {
            rows.insertNew(letters);
            // The topic did not acknowledge: the rows must not stay.
            status.setRollbackOnly();
            return null;
        });

        List<Message> published = transaction.execute(status -> rows.insertNew(letters));

        assertThat(published).hasSize(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dlq_events", Integer.class)).isEqualTo(1);
    }

    private PreparedDeadLetter letter(long offset, byte[] value, FailureReason reason) {
        Message record = new DefaultMessage(camel);
        record.setBody(value);
        record.setHeader(KafkaConstants.TOPIC, "events.main");
        record.setHeader(KafkaConstants.PARTITION, 0);
        record.setHeader(KafkaConstants.OFFSET, offset);
        record.setHeader(KafkaConstants.KEY, ("user:" + offset).getBytes(StandardCharsets.UTF_8));
        record.setHeader(dev.sluice.event.EventHeaders.EVENT_TYPE, "review_created");
        return describer.prepare(record, new RejectedEventException(reason, "refused at offset " + offset));
    }
}
