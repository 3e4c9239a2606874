package dev.sluice.backfill;

import dev.sluice.failure.PipelineErrorHandling;
import dev.sluice.ingest.IngestRoutes;
import dev.sluice.ingest.IngestBatch;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The backfill of a file, top to bottom as the stream's pipeline with the file in place of the topic:
 * <pre>
 *   a file of events -> in batches, streamed -> write the batch (the stream's own route: admit, dead-letter the
 *   rejected, throttle, store by event type, await the dead letters) -> checkpoint -> record outcomes
 * </pre>
 * The checkpoint takes the place of the offsets' commit: saved only after every event of the batch was written or
 * dead-lettered, it is where a run started again resumes. No rule is copied: the batch goes through
 * {@value IngestRoutes#WRITE_BATCH}, which the Kafka route uses too.
 */
@Component
public class BackfillRoutes extends RouteBuilder {

    public static final String BACKFILL = "backfill";
    public static final String ENDPOINT = "direct:backfill";

    @Override
    public void configure() {
        from(ENDPOINT).routeId(BACKFILL)
                // No error handler: a batch that fails (the database is away) stops the run at its checkpoint.
                .routeConfigurationId(PipelineErrorHandling.PROPAGATE_FAILURES)
                .split(BackfillRun.BATCHES).streaming().stopOnException().id("file-in-batches")
                    .to(IngestRoutes.WRITE_BATCH).id("write-lines")
                    .process(exchange -> BackfillRun.of(exchange)
                            .batchDone(exchange.getMessage().getBody(IngestBatch.class))).id("checkpoint")
                    .bean("pipelineMetrics", "recordOutcomes").id("record-line-outcomes")
                .end();
    }
}
