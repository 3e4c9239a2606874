package dev.sluice.ingest;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PromptHandOverConsumerTest {

    private static final Duration REQUESTED = Duration.ofMillis(5);

    private final PromptHandOverConsumer.HandOver handOver = new PromptHandOverConsumer.HandOver();

    @Test
    void theFirstPollWaitsAsAsked() {
        assertThat(handOver.nextTimeout(REQUESTED)).isEqualTo(REQUESTED);
    }

    @Test
    void thePollAfterRecordsReturnsAtOnceSoTheirBatchLeaves() {
        handOver.polled(true);

        assertThat(handOver.nextTimeout(REQUESTED)).isZero();
    }

    @Test
    void thePollAfterAnEmptyOneWaitsAsAskedSoAnIdleConsumerNeverSpins() {
        handOver.polled(true);
        handOver.polled(false);

        assertThat(handOver.nextTimeout(REQUESTED)).isEqualTo(REQUESTED);
    }
}
