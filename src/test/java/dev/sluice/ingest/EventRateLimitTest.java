package dev.sluice.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.sluice.event.FailureReason;
import dev.sluice.event.RejectedEventException;
import dev.sluice.support.Events;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The throttle on its own: one acquire per batch, weighted by the batch's admitted events. */
class EventRateLimitTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();

    @Test
    void aBatchWaitsForAsManyPermitsAsItHasAdmittedEvents() {
        EventRateLimit throttle = new EventRateLimit(100);
        long started = System.nanoTime();

        // 100 from the current one-second cycle, then 150 more: the next two cycles, so at least one second.
        throttle.acquire(batchOf(100));
        throttle.acquire(batchOf(150));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1000));
    }

    @Test
    void rejectedRecordsAreNotChargedForAndAnEmptyBatchDoesNotWait() {
        EventRateLimit throttle = new EventRateLimit(1);
        throttle.acquire(batchOf(1));
        long started = System.nanoTime();

        IngestBatch rejectedOnly = new IngestBatch(records(500), Duration.ofMinutes(1));
        rejectedOnly.records().forEach(record -> rejectedOnly.reject(record,
                new RejectedEventException(FailureReason.MALFORMED, "not json")));
        throttle.acquire(rejectedOnly);
        throttle.acquire(new IngestBatch(List.of(), Duration.ofMinutes(1)));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(900));
    }

    @Test
    void theRateChangesWhileItRunsAndMustStayPositive() {
        EventRateLimit throttle = new EventRateLimit(50_000);

        throttle.setMaxEventsPerSecond(400);

        assertThat(throttle.maxEventsPerSecond()).isEqualTo(400);
        assertThatThrownBy(() -> throttle.setMaxEventsPerSecond(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(throttle.maxEventsPerSecond()).isEqualTo(400);
    }

    private IngestBatch batchOf(int admitted) {
        List<Exchange> records = records(admitted);
        IngestBatch batch = new IngestBatch(records, Duration.ofMinutes(1));
        records.forEach(record -> batch.admit(Events.REVIEW_CREATED, Events.review(Events.id(), "r-1"), record));
        return batch;
    }

    private List<Exchange> records(int count) {
        List<Exchange> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new DefaultExchange(camel));
        }
        return records;
    }
}
