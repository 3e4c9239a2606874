package dev.sluice.demo;

import java.time.Instant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the demo produced and what the pipeline made of it, at one instant. All but {@code produced} come from the
 * pipeline's own metrics ({@link dev.sluice.observe.PipelineMetrics}, {@link dev.sluice.observe.ConsumerLagSampler}),
 * so they count this run's committed outcomes: a database that outlives the demo holds more rows.
 */
record PipelineCounts(long produced, long written, long duplicates, long deadLetters, long lag, Instant at) {

    /**
     * Reads the pipeline's meters. {@code get} rather than {@code find} for the ones PipelineMetrics registers up
     * front: renamed, they fail here (and in PipelineCountsTest) instead of showing a silent 0.
     */
    static PipelineCounts read(MeterRegistry registry, long produced, Instant at) {
        return new PipelineCounts(produced,
                count(registry.get("events.processed").tag("result", "success").counter()),
                count(registry.get("events.processed").tag("result", "duplicate").counter()),
                registry.get("dlq.events").counters().stream().mapToLong(PipelineCounts::count).sum(),
                // Sampled every few seconds; absent until the first sample.
                registry.find("consumer.lag").gauges().stream().mapToLong(gauge -> (long) gauge.value()).sum(),
                at);
    }

    /** Events the pipeline is done with: written, skipped as duplicates, or dead-lettered. */
    long finished() {
        return written + duplicates + deadLetters;
    }

    private static long count(Counter counter) {
        return (long) counter.count();
    }
}
