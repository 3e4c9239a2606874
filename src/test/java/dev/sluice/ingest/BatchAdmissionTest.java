package dev.sluice.ingest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.loadgen.ReviewEvents;
import dev.sluice.observe.Correlation;
import dev.sluice.validate.EventSchemas;
import dev.sluice.validate.EventValidator;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import static org.assertj.core.api.Assertions.assertThat;

/** Admission on its own: a batch of records sorted into rows by event type, the rejected set aside. */
class BatchAdmissionTest {

    private CamelContext camel;
    private BatchAdmission admission;

    @BeforeEach
    void storeRouteForReviews() throws Exception {
        camel = new DefaultCamelContext();
        camel.setDevConsole(false);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:store-review_created").routeId("store-review_created").log("stored");
            }
        });
        camel.start();
        StoreRoutes storeRoutes = new StoreRoutes();
        storeRoutes.setCamelContext(camel);
        admission = new BatchAdmission(new EventValidator(new ObjectMapper(),
                EventSchemas.loadFrom(Path.of("routes-yaml/schemas")), 65536), storeRoutes, Duration.ofSeconds(60));
    }

    @AfterEach
    void stop() {
        camel.stop();
        MDC.clear();
    }

    @Test
    void validRecordsBecomeTheirTypesRowsAndTheRejectedAreSetAside() {
        Exchange batch = batchOf(ReviewEvents.valid(UUID.randomUUID(), "user:1", "r-1", 5, "good"),
                "not json".getBytes(), ReviewEvents.valid(UUID.randomUUID(), "user:2", "r-2", 4, "fine"));

        List<Message> byType = admission.admit(batch);

        assertThat(byType).hasSize(1);
        assertThat(byType.get(0).getBody(List.class)).hasSize(2);
        assertThat(batch.getProperty(BatchAdmission.REJECTED, List.class)).hasSize(1);
    }

    @Test
    void theBatchIsNotLoggedUnderTheLastValidatedEventsId() {
        UUID last = UUID.randomUUID();
        Exchange batch = batchOf(ReviewEvents.valid(UUID.randomUUID(), "user:1", "r-1", 5, "good"),
                ReviewEvents.valid(last, "user:2", "r-2", 4, "fine"));

        admission.admit(batch);

        assertThat(MDC.get(Correlation.EVENT_ID)).as("event_id in the logging context after admission").isNull();
    }

    private Exchange batchOf(byte[]... values) {
        List<Exchange> records = new java.util.ArrayList<>();
        for (byte[] value : values) {
            Exchange record = new DefaultExchange(camel);
            record.getMessage().setBody(value);
            records.add(record);
        }
        Exchange batch = new DefaultExchange(camel);
        batch.getMessage().setBody(records);
        return batch;
    }
}
