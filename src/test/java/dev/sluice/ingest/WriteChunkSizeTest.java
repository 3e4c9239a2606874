package dev.sluice.ingest;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WriteChunkSizeTest {

    private static final long FAST = Duration.ofMillis(100).toNanos();
    private static final long SLOW = Duration.ofSeconds(5).toNanos();

    private final WriteChunkSize size = new WriteChunkSize(500, Duration.ofSeconds(10));

    @Test
    void startsAtTheBatchSize() {
        assertThat(size.current()).isEqualTo(500);
    }

    @Test
    void aTimeoutHalvesItDownToOne() {
        size.timedOut(500);
        assertThat(size.current()).isEqualTo(250);
        for (int i = 0; i < 20; i++) {
            size.timedOut(size.current());
        }
        assertThat(size.current()).isEqualTo(1);
    }

    @Test
    void fastChunksGrowItBackToTheBatchSizeAndSlowOnesDoNot() {
        size.timedOut(500);
        size.timedOut(250);
        size.wrote(125, SLOW);
        assertThat(size.current()).isEqualTo(125);
        size.wrote(125, FAST);
        assertThat(size.current()).isEqualTo(250);
        size.wrote(250, FAST);
        size.wrote(500, FAST);
        assertThat(size.current()).isEqualTo(500);
    }

    @Test
    void aSmallTailChunkDoesNotGrowIt() {
        size.timedOut(500);
        size.wrote(7, FAST);
        assertThat(size.current()).isEqualTo(250);
    }
}
