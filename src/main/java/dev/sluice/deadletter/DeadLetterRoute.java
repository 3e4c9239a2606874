package dev.sluice.deadletter;

import java.util.List;

import dev.sluice.failure.PipelineErrorHandling;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.sql.SqlConstants;
import org.springframework.stereotype.Component;

/**
 * Where the dead-letter channel delivers: a row in {@code dlq_events} for querying, then a record on the dead-letter
 * topic for replay, both in one transaction. A batch's rejected records take a shorter way ({@value #WRITE_BATCH}):
 * all their rows and topic records in one transaction. Events that failed only because the database was unavailable are refused
 * ({@code failure.OutageGuard}): the failure reaches the consumer and the record is read again.
 * <p>
 * A dead letter that cannot be written for any other reason is retried a few times ({@value
 * PipelineErrorHandling#DEAD_LETTER_WRITES}), then replaced by a minimal one: the record's coordinates and why its
 * dead letter failed, no payload. The stream must not stop on a record whose dead letter cannot be written.
 */
@Component
public class DeadLetterRoute extends RouteBuilder {

    /** A batch's dead letters, {@link PreparedDeadLetter}s, all in one transaction. */
    public static final String WRITE_BATCH = "direct:dead-letter-batch";
    static final String WRITE_RECORD = "direct:dead-letter-record";
    static final String WRITE_MINIMAL = PipelineErrorHandling.DEAD_LETTER_MINIMAL_ENDPOINT;

    /**
     * Bound by name from the row {@link DeadLetterDescriber#row} builds. A map body, not the record's bytes: camel-sql
     * tries to read the body as a map for every named parameter, and for bytes that is a type-converter miss that
     * searches every converter, twelve times per dead letter.
     */
    static final String INSERT_DLQ_EVENT = "sql:INSERT INTO dlq_events (reason, exception_class, exception_message,"
            + " event_id, event_type, source_topic, source_partition, source_offset, record_key, original_key,"
            + " original_value, attempts, first_failed_at, replay_count) VALUES (:#reason, :#exception_class,"
            + " :#exception_message, :#event_id, :#event_type, :#source_topic, CAST(:#source_partition AS integer),"
            + " CAST(:#source_offset AS bigint), :#record_key, :#original_key, :#original_value,"
            + " CAST(:#attempts AS integer), CAST(:#first_failed_at AS timestamptz), CAST(:#replay_count AS integer))"
            + " ON CONFLICT (source_topic, source_partition, source_offset) DO NOTHING"
            + "?noop=true&prepareStatementStrategy=#rowParameters";
    /**
     * Keys stay bytes on the way out too, so a dead letter's key is the one that arrived. A list body (a batch's dead
     * letters) is sent as one record per message, each with its own headers, not the list exchange's.
     */
    private static final String DEAD_LETTER_TOPIC = "kafka:{{sluice.topics.dead-letter}}"
            + "?keySerializer=org.apache.kafka.common.serialization.ByteArraySerializer"
            + "&batchWithIndividualHeaders=true";

    @Override
    public void configure() {
        from(PipelineErrorHandling.DEAD_LETTER_ENDPOINT)
                .routeId("dead-letter")
                .routeConfigurationId(PipelineErrorHandling.DEAD_LETTER_WRITES)
                .bean("outageGuard", "refuseIfDatabaseUnavailable").id("refuse-during-outage")
                .bean("deadLetterDescriber", "describe").id("describe-failure")
                .bean("deadLetterLog", "deadLettered").id("log-dead-letter")
                .to(WRITE_RECORD).id("write-dead-letter")
                // What the record became, for whoever sent it here: its dead letter, typed.
                .setBody(exchangeProperty(DeadLetterDescriber.LETTER)).id("dead-lettered");

        // Its own route, so that a retry starts a new transaction rather than repeating one step of a failed one.
        from(WRITE_RECORD)
                .routeId("dead-letter-record")
                .routeConfigurationId(PipelineErrorHandling.PROPAGATE_FAILURES)
                .bean("deadLetterDescriber", "row").id("dead-letter-row")
                // The row and the topic record in one transaction: the row commits only once the topic acknowledged the
                // record. A record read again after its dead letter was written (its batch failed later, or a crash
                // came before the offset commit) finds its row there and is not sent to the topic a second time.
                .policy("deadLetterTransaction").id("dead-letter-transaction")
                    .to(INSERT_DLQ_EVENT).id("dlq-table")
                    .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(1)).id("first-dead-letter-of-record")
                        .setBody(exchangeProperty(DeadLetterDescriber.TOPIC_VALUE))
                        // The original record's kafka.* headers would steer the producer (topic, partition); keep the key.
                        .removeHeaders("kafka.*", KafkaConstants.KEY)
                        .to(DEAD_LETTER_TOPIC).id("dlq-topic")
                    .end()
                .end();

        // The rejected records of a batch (dev.sluice.ingest.RejectedRecords): their rows in one statement and their
        // topic records, in one transaction as above. A failure fails it all; the caller then sends each record down
        // the dead-letter channel on its own, where retries and the minimal dead letter are.
        from(WRITE_BATCH)
                .routeId("dead-letter-batch")
                .routeConfigurationId(PipelineErrorHandling.PROPAGATE_FAILURES)
                .policy("deadLetterTransaction").id("dead-letter-batch-transaction")
                    .bean("deadLetterRows", "insertNew").id("dlq-table-rows")
                    // One topic record per message of the list, each acknowledged before the rows commit.
                    .filter(exchange -> !exchange.getMessage().getBody(List.class).isEmpty())
                        .to(DEAD_LETTER_TOPIC).id("dlq-topic-records")
                    .end()
                .end();

        from(WRITE_MINIMAL)
                .routeId("dead-letter-minimal")
                .routeConfigurationId(PipelineErrorHandling.PROPAGATE_FAILURES)
                .bean("deadLetterDescriber", "describeMinimal").id("describe-dead-letter-failure")
                .log(LoggingLevel.ERROR, "Dead letter of ${header." + DeadLetterHeaders.ORIGINAL_TOPIC + "}-${header."
                        + DeadLetterHeaders.ORIGINAL_PARTITION + "}@${header." + DeadLetterHeaders.ORIGINAL_OFFSET
                        + "} could not be written (${header." + DeadLetterHeaders.EXCEPTION_MESSAGE + "}); a minimal"
                        + " one stands in for it and the stream goes on").id("log-minimal-dead-letter")
                .bean("deadLetterDescriber", "row")
                .policy("deadLetterTransaction")
                    .to(INSERT_DLQ_EVENT).id("dlq-table-minimal")
                    .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(1))
                        .setBody(constant(new byte[0]))
                        .to(DEAD_LETTER_TOPIC).id("dlq-topic-minimal")
                    .end()
                .end()
                .setBody(exchangeProperty(DeadLetterDescriber.LETTER)).id("minimal-dead-lettered");
    }
}
