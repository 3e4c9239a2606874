package dev.sluice.demo;

import java.time.Instant;

import dev.sluice.observe.PipelineMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineCountsTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void readsTheMetersThePipelineRegisters() {
        new PipelineMetrics(registry);
        registry.get("events.processed").tag("result", "success").counter().increment(1_050);
        registry.get("events.processed").tag("result", "duplicate").counter().increment(55);
        registry.get("dlq.events").tag("reason", "invalid").counter().increment(8);
        registry.get("dlq.events").tag("reason", "malformed").counter().increment(3);
        Gauge.builder("consumer.lag", () -> 40).tags("topic", "events.main", "partition", "0").register(registry);
        Gauge.builder("consumer.lag", () -> 2).tags("topic", "events.main", "partition", "1").register(registry);

        PipelineCounts counts = PipelineCounts.read(registry, 1_200, Instant.EPOCH);

        assertThat(counts).isEqualTo(new PipelineCounts(1_200, 1_050, 55, 11, 42, Instant.EPOCH));
        assertThat(counts.finished()).isEqualTo(1_116);
    }

    @Test
    void noLagBeforeTheFirstSample() {
        new PipelineMetrics(registry);

        assertThat(PipelineCounts.read(registry, 0, Instant.EPOCH).lag()).isZero();
    }
}
