package dev.sluice.deadletter;

import java.time.Instant;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.event.Correlation;
import dev.sluice.event.FailureReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterLogTest {

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("dead-letter");
    private final DeadLetterLog deadLetters = new DeadLetterLog();

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
        deadLetters.close();
    }

    @Test
    void theFirstDeadLetterOfEachReasonIsLoggedWholeAndTheRestAreCountedInOneLine() {
        for (int offset = 0; offset < 50; offset++) {
            deadLetters.deadLettered(deadLetter(offset, "invalid"));
        }
        deadLetters.deadLettered(deadLetter(50, "malformed"));
        deadLetters.deadLettered(deadLetter(51, "malformed"));

        deadLetters.flush();

        List<String> logged = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(logged).containsExactly(
                "Dead-lettered events.main-0@0 event_id=e-0 reason=invalid exception=X attempts=1",
                "Dead-lettered events.main-0@50 event_id=e-50 reason=malformed exception=X attempts=1",
                "Dead-lettered 50 more in the last 10 s, not logged one by one (dlq_events has them): "
                        + "{invalid=49, malformed=1}");
    }

    @Test
    void aNewIntervalLogsItsFirstDeadLetterWholeAgain() {
        deadLetters.deadLettered(deadLetter(1, "invalid"));
        deadLetters.flush();
        deadLetters.deadLettered(deadLetter(2, "invalid"));

        assertThat(lines.list).hasSize(2).allSatisfy(line -> assertThat(line.getFormattedMessage()).contains("@"));
    }

    @Test
    void theLineCarriesTheLettersOwnEventIdWhateverTheThreadWasDoing() {
        MDC.put(Correlation.EVENT_ID, "another-event");
        try {
            deadLetters.deadLettered(deadLetter(7, "invalid"));

            assertThat(lines.list).singleElement()
                    .satisfies(line -> assertThat(line.getMDCPropertyMap()).containsEntry(Correlation.EVENT_ID, "e-7"));
            assertThat(MDC.get(Correlation.EVENT_ID)).as("the thread's own id is left as it was")
                    .isEqualTo("another-event");
        } finally {
            MDC.remove(Correlation.EVENT_ID);
        }
    }

    private static DeadLetter deadLetter(long offset, String reason) {
        return new DeadLetter(FailureReason.valueOf(reason.toUpperCase(java.util.Locale.ROOT)), "X", "why",
                "e-" + offset, "review_created", "events.main", 0, offset, null, null, null, 1,
                Instant.parse("2026-12-01T00:00:00Z"), 0);
    }
}
