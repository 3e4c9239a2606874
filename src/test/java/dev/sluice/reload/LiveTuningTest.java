package dev.sluice.reload;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.sluice.ingest.EventRateLimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** tuning.yaml on its own: a knob it sets wins, a knob it leaves out keeps its configured value, a bad edit changes nothing. */
class LiveTuningTest {

    @TempDir
    Path routes;

    private final EventRateLimit throttle = new EventRateLimit(50_000);

    @Test
    void aRateInTheFileWinsOverTheConfiguredOneAndRemovingItRestoresThatOne() throws Exception {
        LiveTuning tuning = new LiveTuning(routes, throttle);

        Files.writeString(routes.resolve("tuning.yaml"), "throttle:\n  max-events-per-second: 400\n");
        tuning.apply();
        assertThat(throttle.maxEventsPerSecond()).isEqualTo(400);

        Files.writeString(routes.resolve("tuning.yaml"), "throttle:\n  # max-events-per-second: 400\n");
        tuning.apply();
        assertThat(throttle.maxEventsPerSecond()).isEqualTo(50_000);
    }

    @Test
    void aMissingFileLeavesEveryKnobAtItsConfiguredValue() throws Exception {
        new LiveTuning(routes, throttle).apply();

        assertThat(throttle.maxEventsPerSecond()).isEqualTo(50_000);
    }

    @Test
    void theShippedFileSetsNothing() throws Exception {
        Files.copy(Path.of("routes-yaml", "tuning.yaml"), routes.resolve("tuning.yaml"));

        new LiveTuning(routes, throttle).apply();

        assertThat(throttle.maxEventsPerSecond()).isEqualTo(50_000);
    }

    @Test
    void anEditThatIsNotAWholePositiveNumberIsRefusedAndTheRateStays() throws Exception {
        LiveTuning tuning = new LiveTuning(routes, throttle);
        for (String rate : new String[] {"lots", "0", "-5", "12.5", "[1, 2]"}) {
            Files.writeString(routes.resolve("tuning.yaml"), "throttle:\n  max-events-per-second: " + rate + "\n");

            assertThatThrownBy(tuning::apply).as(rate).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("max-events-per-second");
            assertThat(throttle.maxEventsPerSecond()).isEqualTo(50_000);
        }
    }

    @Test
    void aFileThatIsNotAMappingIsRefused() throws Exception {
        Files.writeString(routes.resolve("tuning.yaml"), "- just\n- a list\n");

        assertThatThrownBy(new LiveTuning(routes, throttle)::apply).isInstanceOf(IllegalArgumentException.class);
    }
}
