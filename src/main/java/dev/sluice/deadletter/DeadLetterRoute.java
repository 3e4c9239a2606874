package dev.sluice.deadletter;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.sql.SqlConstants;
import org.springframework.stereotype.Component;

/**
 * Where the dead-letter channel delivers: a row in {@code dlq_events} for querying, then a record on the dead-letter
 * topic for replay. Events that failed only because the database was unavailable are refused ({@link OutageGuard}). Both must succeed before the consumer commits the original offset; a failure here propagates
 * (see {@link PipelineErrorHandling#PROPAGATE_FAILURES}) and the record is read again.
 */
@Component
public class DeadLetterRoute extends RouteBuilder {

    /**
     * Bound by name from the row {@link DeadLetterDescriber#row} builds. A map body, not the record's bytes: camel-sql
     * tries to read the body as a map for every named parameter, and for bytes that is a type-converter miss that
     * searches every converter, twelve times per dead letter.
     */
    static final String INSERT_DLQ_EVENT = "sql:INSERT INTO dlq_events (reason, exception_class, exception_message,"
            + " event_id, source_topic, source_partition, source_offset, record_key, original_value, attempts,"
            + " first_failed_at, replay_count) VALUES (:#reason, :#exception_class, :#exception_message, :#event_id,"
            + " :#source_topic, CAST(:#source_partition AS integer), CAST(:#source_offset AS bigint), :#record_key,"
            + " :#original_value, CAST(:#attempts AS integer), CAST(:#first_failed_at AS timestamptz),"
            + " CAST(:#replay_count AS integer))"
            + " ON CONFLICT (source_topic, source_partition, source_offset) DO NOTHING"
            + "?noop=true&prepareStatementStrategy=#rowParameters";
    private static final String ORIGINAL_VALUE = "sluiceOriginalValue";

    @Override
    public void configure() {
        from(PipelineErrorHandling.DEAD_LETTER_ENDPOINT)
                .routeId("dead-letter")
                .routeConfigurationId(PipelineErrorHandling.PROPAGATE_FAILURES)
                .bean("outageGuard", "refuseIfDatabaseUnavailable").id("refuse-during-outage")
                .bean("deadLetterDescriber", "describe").id("describe-failure")
                .log(LoggingLevel.WARN, "Dead-lettered ${header." + DeadLetterHeaders.ORIGINAL_TOPIC + "}-${header."
                        + DeadLetterHeaders.ORIGINAL_PARTITION + "}@${header." + DeadLetterHeaders.ORIGINAL_OFFSET
                        + "} event_id=${header." + DeadLetterHeaders.EVENT_ID + "} reason=${header."
                        + DeadLetterHeaders.REASON + "} exception=${header." + DeadLetterHeaders.EXCEPTION_CLASS
                        + "} attempts=${header." + DeadLetterHeaders.ATTEMPTS + "}").id("log-dead-letter")
                .setProperty(ORIGINAL_VALUE, body())
                .bean("deadLetterDescriber", "row").id("dead-letter-row")
                // The row and the topic record in one transaction: the row commits only once the topic acknowledged the
                // record. A record read again after its dead letter was written (its batch failed later, or a crash
                // came before the offset commit) finds its row there and is not sent to the topic a second time.
                .policy("attemptTransaction").id("dead-letter-transaction")
                    .to(INSERT_DLQ_EVENT).id("dlq-table")
                    .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(1)).id("first-dead-letter-of-record")
                        .setBody(exchangeProperty(ORIGINAL_VALUE))
                        // The original record's kafka.* headers would steer the producer (topic, partition); keep the key.
                        .removeHeaders("kafka.*", KafkaConstants.KEY)
                        .to("kafka:{{sluice.topics.dead-letter}}").id("dlq-topic")
                    .end()
                .end();
    }
}
