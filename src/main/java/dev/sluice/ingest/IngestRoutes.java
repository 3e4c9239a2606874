package dev.sluice.ingest;

import dev.sluice.event.EventHeaders;
import dev.sluice.failure.PipelineErrorHandling;
import dev.sluice.store.EventTypes;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommitFactory;
import org.apache.camel.model.RouteDefinition;
import org.springframework.stereotype.Component;

/**
 * The ingest orchestration, top to bottom as the pipeline it is:
 * <pre>
 *   events topic -> write the batch -> commit offsets -> record outcomes -> re-read what was deferred
 *   write-batch:    admit -> dead-letter the rejected -> throttle -> store by event type, in chunks
 *                   -> await the dead letters
 * </pre>
 * {@value #WRITE_BATCH} is its own route because a file's backfill ({@code dev.sluice.backfill.BackfillRoutes}) writes
 * its batches through it too, with a checkpoint in place of the commit.
 * The order is the guarantee (offsets are committed only after every record of the batch was written or
 * dead-lettered), so it lives here, in Java, where a live edit of {@code routes-yaml/} cannot move it. What operators
 * tune stays configuration: batch sizes, threads and timeouts ({@code sluice.consumer.*}), the throttle's rate
 * ({@code sluice.throttle.*}, live in {@code routes-yaml/tuning.yaml}), and the event types' store routes
 * ({@code routes-yaml/event-types/}).
 * <p>
 * Each step is a bean taking the batch, an {@link IngestBatch}, as its body. Ids are stable, for AdviceWith and
 * Hawtio.
 */
@Component
public class IngestRoutes extends RouteBuilder {

    public static final String INGEST = "ingest";
    public static final String INGEST_ONE = "ingest-one";
    /** A batch's writes, from admission to its dead letters: the stream's and the file backfill's. */
    public static final String WRITE_BATCH = "direct:write-batch";

    @Override
    public void configure() {
        RouteDefinition ingest = from(eventsTopic());
        ingest.getInput().setId("events-topic");
        ingest.routeId(INGEST)
                // No error handler: a failure fails the batch, its offsets stay uncommitted, and camel-kafka (with
                // breakOnFirstError) reconnects and reads it again from the committed offsets. Records are
                // dead-lettered as what they are (the batch's rejected ones, or one by one on ingest-one), never
                // because their batch failed.
                .routeConfigurationId(PipelineErrorHandling.PROPAGATE_FAILURES)
                .to(WRITE_BATCH).id("write")
                .bean("kafkaBatch", "commitOffsets").id("commit-offsets")
                .bean("pipelineMetrics", "recordOutcomes").id("record-outcomes")
                .bean("kafkaBatch", "rereadDeferred").id("reread-deferred");

        from(WRITE_BATCH).routeId("write-batch")
                .routeConfigurationId(PipelineErrorHandling.PROPAGATE_FAILURES)
                // A live reload swaps a store route between batches, never under one.
                .routePolicyRef("batchGate")
                .bean("batchAdmission").id("admit")
                // Started now, awaited before the commit: they run while the batch is written.
                .bean("rejectedRecords", "deadLetter").id("dead-letter-rejected")
                .bean("eventRateLimit").id("throttle")
                .split(IngestBatch.SLICES).stopOnException().id("by-event-type")
                    // In chunks, one transaction each; a chunk that fails is halved until the row the database
                    // refuses is alone, and that row goes to ingest-one. An unavailable database fails the batch.
                    .bean("chunkedWrite").id("write-in-chunks")
                .end()
                .bean("rejectedRecords", "awaitDeadLetters").id("await-dead-letters");

        // One record at a time, under the dead-letter channel: permanent failures are dead-lettered at once with the
        // record's bytes, transient ones redelivered with exponential backoff and jitter (sluice.redelivery.*) first.
        from(OneByOne.ENDPOINT).routeId(INGEST_ONE)
                .routeConfigurationId(PipelineErrorHandling.DEAD_LETTER_CHANNEL)
                .bean("eventValidator").id("validate")
                .bean("eventTypes", "requireRunning").id("require-store-route")
                .bean("batchAdmission", "oneRecord").id("to-chunk")
                // Ends with the store route's chunk of one, which says what the record became.
                .toD("direct:" + EventTypes.routeId("${header." + EventHeaders.EVENT_TYPE + "}"))
                        .id("store-one");
    }

    /**
     * Commit after write: Kafka never commits in the background, and {@code commit-offsets} commits each partition
     * past its last record, synchronously, on the consumer thread (camel-kafka 4.17's batch auto-commit commits
     * prefetched records, CAMEL-23994, and its async manual commit in batching mode never reaches Kafka, #24686).
     * allowManualCommit and the factory hand every record camel-kafka's commit handle, which is how that step reaches
     * the consumer.
     */
    private static String eventsTopic() {
        return "kafka:{{sluice.topics.events}}"
                + "?groupId={{sluice.consumer.group-id}}"
                + "&autoOffsetReset=earliest"
                + "&batching=true"
                + "&maxPollRecords={{sluice.consumer.max-poll-records}}"
                + "&batchingIntervalMs={{sluice.consumer.batching-interval-ms}}"
                + "&pollTimeoutMs={{sluice.consumer.poll-timeout-ms}}"
                + "&consumersCount={{sluice.consumer.threads}}"
                // A batch is done (written, or deferred past its deadline) well inside this: sluice.consumer.batch-deadline.
                + "&maxPollIntervalMs={{sluice.consumer.max-poll-interval-ms}}"
                // No producer can set a header in Sluice's namespace (an event id, a dead-letter reason).
                + "&headerFilterStrategy=#class:" + ProducerHeaderFilter.class.getName()
                + "&autoCommitEnable=false"
                + "&allowManualCommit=true"
                + "&kafkaManualCommitFactory=#class:" + DefaultKafkaManualCommitFactory.class.getName()
                + "&breakOnFirstError=true"
                // An exception from the Kafka client itself (an offset commit timing out while the broker is away)
                // closes the consumer and reconnects it, so it resumes from the committed offsets. The default,
                // ERROR_HANDLER, seeks past the current position: the rest of the poll is skipped, which lost 41
                // events in the broker-restart drill (postmortems/).
                + "&pollOnError=RECONNECT"
                // Static membership when sluice.consumer.instance-id is set (dev.sluice.config.StaticMembership).
                + "&groupInstanceId={{sluice.consumer.instance-id}}"
                + "&sessionTimeoutMs={{sluice.consumer.session-timeout-ms}}"
                + "&kafkaClientFactory=#staticMembership";
    }
}
