package dev.sluice.demo;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StatusLineTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void oneLineWithTheCountsAndTheEventsFinishedPerSecondSinceTheLineBefore() {
        PipelineCounts earlier = new PipelineCounts(150, 100, 5, 1, 30, T0);
        PipelineCounts now = new PipelineCounts(1_200, 1_050, 55, 11, 42, T0.plusSeconds(5));

        assertThat(StatusLine.format(earlier, now)).isEqualTo(
                "[demo] produced 1,200 | written 1,050 | duplicates 55 | dead letters 11 | lag 42 | 202 events/s");
    }

    @Test
    void nothingFinishedIsZeroEventsPerSecond() {
        PipelineCounts stuck = new PipelineCounts(1_200, 1_050, 55, 11, 84, T0);

        assertThat(StatusLine.format(stuck, new PipelineCounts(1_400, 1_050, 55, 11, 284, T0.plusSeconds(5))))
                .endsWith("| lag 284 | 0 events/s");
        assertThat(StatusLine.format(stuck, stuck)).endsWith("| 0 events/s");
    }
}
