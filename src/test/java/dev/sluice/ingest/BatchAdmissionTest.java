package dev.sluice.ingest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.event.Correlation;
import dev.sluice.event.FailureReason;
import dev.sluice.store.EventTypes;
import dev.sluice.support.Events;
import dev.sluice.tools.ReviewEvents;
import dev.sluice.validate.EventSchemas;
import dev.sluice.validate.EventValidator;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import static org.assertj.core.api.Assertions.assertThat;

/** Admission on its own: a poll's records sorted into slices of valid events, the invalid and unroutable set aside. */
class BatchAdmissionTest {

    private CamelContext camel;
    private BatchAdmission admission;

    @BeforeEach
    void storeRouteForReviews() {
        camel = new DefaultCamelContext();
        EventTypes eventTypes = new EventTypes();
        eventTypes.started(Events.REVIEW_CREATED);
        admission = new BatchAdmission(new EventValidator(new ObjectMapper(),
                EventSchemas.loadFrom(Path.of("routes-yaml/schemas")), 65536), eventTypes, Duration.ofSeconds(60));
    }

    @AfterEach
    void stop() {
        MDC.clear();
    }

    @Test
    void validRecordsBecomeTheirTypesRowsAndTheRejectedAreSetAside() {
        List<Exchange> records = recordsOf(ReviewEvents.valid(UUID.randomUUID(), "user:1", "r-1", 5, "good"),
                "not json".getBytes(), ReviewEvents.valid(UUID.randomUUID(), "user:2", "r-2", 4, "fine"),
                ReviewEvents.valid(UUID.randomUUID(), "user:3", "r-3", 4, "fine"));
        records.get(3).getMessage().setBody(new String(records.get(3).getMessage().getBody(byte[].class))
                .replace("review_created", "review_nobody_routes").getBytes());

        IngestBatch batch = admission.admit(records);

        assertThat(batch.records()).containsExactlyElementsOf(records);
        assertThat(batch.slices()).singleElement().satisfies(slice -> {
            assertThat(slice.eventType()).isEqualTo("review_created");
            assertThat(slice.records()).containsExactly(records.get(0), records.get(2));
            assertThat(slice.events()).extracting(event -> event.payload().get("review_id")).containsExactly("r-1", "r-2");
        });
        assertThat(batch.rejected()).extracting(IngestBatch.Rejected::record).containsExactly(records.get(1), records.get(3));
        assertThat(batch.rejected()).extracting(rejected -> rejected.failure().reason())
                .containsExactly(FailureReason.MALFORMED, FailureReason.UNSUPPORTED_SCHEMA);
        assertThat(batch.admittedCount()).isEqualTo(2);
    }

    @Test
    void theBatchIsNotLoggedUnderTheLastValidatedEventsId() {
        UUID last = UUID.randomUUID();
        admission.admit(recordsOf(ReviewEvents.valid(UUID.randomUUID(), "user:1", "r-1", 5, "good"),
                ReviewEvents.valid(last, "user:2", "r-2", 4, "fine")));

        assertThat(MDC.get(Correlation.EVENT_ID)).as("event_id in the logging context after admission").isNull();
    }

    private List<Exchange> recordsOf(byte[]... values) {
        List<Exchange> records = new java.util.ArrayList<>();
        for (byte[] value : values) {
            Exchange record = new DefaultExchange(camel);
            record.getMessage().setBody(value);
            records.add(record);
        }
        return records;
    }
}
