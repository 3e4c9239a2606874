package dev.sluice.reload;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Spring Boot's own way to end a failed start with a short description and an action instead of a stack trace. */
class EventTypeFileRefusedAnalyzer extends AbstractFailureAnalyzer<EventTypeFileRefused> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, EventTypeFileRefused cause) {
        return new FailureAnalysis("Event type file " + cause.file() + " is refused: " + cause.problem(),
                "Fix the file (docs/write-modes.md says what an event type declares) or the table it names, and"
                        + " start Sluice again.", cause);
    }
}
