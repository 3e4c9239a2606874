package dev.sluice.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.sluice.ingest.EventRateLimit;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code routes-yaml/tuning.yaml}: the knobs an operator turns while Sluice runs, applied at startup and, with live
 * reload on, within a second of an edit. Today that is the throttle's rate. A knob the file does not set keeps its
 * configured value ({@code sluice.throttle.max-events-per-second}, from {@code SLUICE_THROTTLE_MAX_EVENTS_PER_SECOND});
 * a knob the file sets wins over it, so deleting the line goes back to the configured value. An edit that does not
 * parse, or sets a value out of range, changes nothing and is reported like a routes file that does not build.
 */
public class LiveTuning {

    public static final String FILE_NAME = "tuning.yaml";

    private final Path file;
    private final EventRateLimit throttle;
    private final int configuredRate;

    public LiveTuning(Path routesDirectory, EventRateLimit throttle) {
        this.file = routesDirectory.resolve(FILE_NAME).toAbsolutePath().normalize();
        this.throttle = throttle;
        this.configuredRate = throttle.maxEventsPerSecond();
    }

    public Path file() {
        return file;
    }

    /** Reads the file and applies it; a missing file means every knob at its configured value. */
    public void apply() throws IOException {
        Map<?, ?> knobs = Files.exists(file) ? parse(Files.readString(file)) : Map.of();
        throttle.setMaxEventsPerSecond(rate(knobs));
    }

    private int rate(Map<?, ?> knobs) {
        if (!(knobs.get("throttle") instanceof Map<?, ?> throttleKnobs)
                || throttleKnobs.get("max-events-per-second") == null) {
            return configuredRate;
        }
        Object rate = throttleKnobs.get("max-events-per-second");
        if (rate instanceof Integer value && value >= 1) {
            return value;
        }
        throw new IllegalArgumentException(file + ": throttle.max-events-per-second must be a whole number of at"
                + " least 1, not '" + rate + "'");
    }

    private Map<?, ?> parse(String text) {
        Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        if (root == null) {
            return Map.of();
        }
        if (root instanceof Map<?, ?> knobs) {
            return knobs;
        }
        throw new IllegalArgumentException(file + ": must be a YAML mapping of knobs, like the shipped file");
    }
}
