package dev.sluice.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sluice.event.FailureReason;
import dev.sluice.ingest.BatchOutcomes;
import dev.sluice.ingest.IngestBatch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.Body;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.component.sql.SqlEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * The pipeline's own metrics. What events became (written, duplicate, dead-lettered and why, their latency) is recorded
 * by the ingest route's {@code record-outcomes} step, from the batch's {@link BatchOutcomes}, once its offsets are
 * committed: each outcome counted once, after the transaction behind it. What happens along the way (records consumed,
 * redeliveries, statement times) is read off Camel's exchange events, so the routes stay free of metric steps.
 */
public class PipelineMetrics extends EventNotifierSupport {

    /** Results of a consumed event, the {@code result} label of {@code events_processed_total}. */
    public static final Set<String> RESULTS = Set.of("success", "duplicate", "superseded", "dlq",
            "retry_exhausted");

    /** A change's statement is wrapped in {@code WITH applied AS (...)}: it is named by the statement inside. */
    private static final Pattern STATEMENT = Pattern.compile("^\\s*(?:with\\s+\\w+\\s+as\\s*\\(\\s*)?"
            + "(insert\\s+into|update|delete\\s+from|select\\b.*?\\bfrom)\\s+(\\w+)",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private final MeterRegistry registry;
    private final Counter consumed;
    private final Map<String, Counter> processedByResult = new ConcurrentHashMap<>();
    private final Map<FailureReason, Counter> deadLettersByReason = new ConcurrentHashMap<>();
    private final Map<BatchOutcomes.Superseded, Counter> superseded = new ConcurrentHashMap<>();
    private final Counter retries;
    private final Timer processingDuration;
    private final Timer endToEndLatency;
    private final Map<Endpoint, Timer> queryTimers = new ConcurrentHashMap<>();
    private final AtomicLong lastSuccessEpochSecond = new AtomicLong();

    public PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.consumed = Counter.builder("events.consumed").description("Events read from Kafka").register(registry);
        for (String result : RESULTS) {
            processedByResult.put(result, Counter.builder("events.processed").tag("result", result)
                    .description("Events finished, by result").register(registry));
        }
        for (FailureReason reason : FailureReason.values()) {
            deadLettersByReason.put(reason, Counter.builder("dlq.events").tag("reason", reason.label())
                    .description("Events sent to the dead-letter channel, by reason").register(registry));
        }
        this.retries = Counter.builder("retries").description("Redelivery attempts").register(registry);
        // Histogram buckets for these timers are switched on in application.yaml (management.metrics.distribution).
        this.processingDuration = Timer.builder("processing.duration")
                .description("From consuming an event to finishing it").register(registry);
        this.endToEndLatency = Timer.builder("end.to.end.latency")
                .description("From the event's ts to its row committed").register(registry);
        Gauge.builder("pipeline.last.success.timestamp", lastSuccessEpochSecond,
                AtomicLong::doubleValue).baseUnit("seconds").description("When the last row was committed").register(registry);
    }

    /**
     * Camel times a send, and so emits its "sent" event, only when some notifier takes its "sending" event: this one
     * takes it for SQL endpoints, or db.query.duration would depend on another notifier (camel-cli-connector's, until
     * it was switched off) being there.
     */
    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeCreatedEvent
                || event instanceof CamelEvent.ExchangeRedeliveryEvent
                || event instanceof CamelEvent.ExchangeSentEvent
                || event instanceof CamelEvent.ExchangeSendingEvent sending && sending.getEndpoint() instanceof SqlEndpoint;
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelEvent.ExchangeSentEvent sent) {
            recordQuery(sent);
        } else if (event instanceof CamelEvent.ExchangeRedeliveryEvent) {
            retries.increment();
        } else if (event instanceof CamelEvent.ExchangeCreatedEvent created
                && created.getExchange().getFromEndpoint() instanceof KafkaEndpoint
                && created.getExchange().getMessage().getBody() instanceof List<?> batch) {
            consumed.increment(batch.size());
        }
    }

    /**
     * The ingest route's step after the offset commit: what the batch's events became, each outcome added once its
     * own transaction had committed ({@link BatchOutcomes}). A batch that fails before this step counts nothing: its
     * records are not committed and are read again.
     */
    @Handler
    public void recordOutcomes(@Body IngestBatch batch, Exchange exchange) {
        BatchOutcomes outcomes = batch.outcomes();
        Duration processing = Duration.ofMillis(exchange.getClock().elapsed());
        outcomes.deadLetters().forEach((reason, count) -> {
            deadLettersByReason.get(reason).increment(count);
            processedByResult.get(reason == FailureReason.RETRIES_EXHAUSTED ? "retry_exhausted" : "dlq")
                    .increment(count);
        });
        outcomes.superseded().forEach((kind, count) -> {
            superseded.computeIfAbsent(kind, k -> Counter.builder("events.superseded").tag("event_type", k.eventType())
                    .tag("reason", k.reason()).description("Events claimed that changed nothing, by event type and "
                            + "reason (conflict: created before; stale: older than the row)").register(registry))
                    .increment(count);
            processedByResult.get("superseded").increment(count);
        });
        List<Instant> written = outcomes.writtenEventTimes();
        processedByResult.get("duplicate").increment(outcomes.duplicates());
        processedByResult.get("success").increment(written.size());
        for (int i = outcomes.count(); i > 0; i--) {
            processingDuration.record(processing);
        }
        if (!written.isEmpty()) {
            Instant now = Instant.now();
            lastSuccessEpochSecond.set(now.getEpochSecond());
            for (Instant ts : written) {
                endToEndLatency.record(Duration.between(ts, now));
            }
        }
    }

    private void recordQuery(CamelEvent.ExchangeSentEvent sent) {
        if (sent.getEndpoint() instanceof SqlEndpoint sql) {
            queryTimers.computeIfAbsent(sql, endpoint -> QueryTimers.of(registry, queryLabel(sql.getQuery())))
                    .record(Duration.ofMillis(sent.getTimeTaken()));
        }
    }

    /** {@code insert_reviews} for {@code INSERT INTO reviews ...}: a small fixed set, never the statement text. */
    static String queryLabel(String sql) {
        Matcher statement = STATEMENT.matcher(sql);
        if (!statement.find()) {
            return "other";
        }
        String verb = statement.group(1).toLowerCase(Locale.ROOT).split("\\s+")[0];
        return verb + "_" + statement.group(2).toLowerCase(Locale.ROOT);
    }
}
