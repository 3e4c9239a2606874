package dev.sluice.reload;

import java.nio.file.Path;

/** An event type's file that cannot be loaded at startup: Sluice does not start, and says which file and why. */
public class EventTypeFileRefused extends IllegalStateException {

    private final Path file;
    private final String problem;

    public EventTypeFileRefused(Path file, String problem) {
        super("Sluice cannot start: event type file " + file + " is refused: " + problem);
        this.file = file;
        this.problem = problem;
    }

    public Path file() {
        return file;
    }

    public String problem() {
        return problem;
    }
}
