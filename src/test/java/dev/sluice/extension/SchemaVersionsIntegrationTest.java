package dev.sluice.extension;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.sluice.support.Patience;
import dev.sluice.support.PipelineTables;
import dev.sluice.tools.LoadGenerator;
import dev.sluice.tools.ReviewEvents;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * review_created v1 ({@code text}) and v2 ({@code body}, an optional {@code title}) interleaved on one partition land
 * in the same table through the shipped event-type file alone: v2's body and v1's text both become review_text, and
 * only v2 reviews have a title; a v1 event's stray body and title are not its row's. A version nobody declared is
 * dead-lettered as unsupported, its neighbours written.
 */
@SpringBootTest
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 1, topics = {"events.main", "events.dlq"})
@DirtiesContext
class SchemaVersionsIntegrationTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EmbeddedKafkaBroker broker;

    @Test
    void bothVersionsInterleavedLandInOneTableAndAnUnknownVersionIsDeadLettered() {
        // dlq_events is unique on the source record: a dead letter another test left at the same offset of this
        // broker's topic would stand in for this one's.
        jdbc.execute(PipelineTables.TRUNCATE_ALL);
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> v1 = new ArrayList<>();
        List<String> v2 = new ArrayList<>();
        UUID future = UUID.randomUUID();
        try (Producer<String, byte[]> producer = LoadGenerator.createProducer(broker.getBrokersAsString())) {
            for (int i = 0; i < 40; i++) {
                String reviewId = "sv-" + run + "-" + i;
                byte[] event;
                if (i % 2 == 0) {
                    v1.add(reviewId);
                    event = ReviewEvents.valid(UUID.randomUUID(), "user:" + i, reviewId, 1 + i % 5, "text of " + i);
                } else {
                    v2.add(reviewId);
                    // Every other v2 review has no title: an optional field the event lacks.
                    event = ReviewEvents.validV2(UUID.randomUUID(), "user:" + i, reviewId, 1 + i % 5,
                            i % 4 == 1 ? "title of " + i : null, "body of " + i);
                }
                producer.send(new ProducerRecord<>("events.main", "user:" + i, event));
                if (i == 10) {
                    // v1 allows extra payload fields: this one's stray body and title must not reach the row.
                    producer.send(new ProducerRecord<>("events.main", "user:y", """
                            {"event_id":"%s","event_type":"review_created","key":"user:y","ts":"%s",
                             "schema_version":1,"payload":{"review_id":"sv-%s-stray","rating":2,"text":"its text",
                             "body":"not its text","title":{"not":"a title"}}}"""
                            .formatted(UUID.randomUUID(), Instant.now(), run).getBytes(StandardCharsets.UTF_8)));
                }
                if (i == 20) {
                    producer.send(new ProducerRecord<>("events.main", "user:x", """
                            {"event_id":"%s","event_type":"review_created","key":"user:x","ts":"%s",
                             "schema_version":3,"payload":{"review_id":"sv-%s-future","rating":3,"content":"?"}}"""
                            .formatted(future, Instant.now(), run).getBytes(StandardCharsets.UTF_8)));
                }
            }
        }

        await().atMost(Patience.PIPELINE).untilAsserted(() -> {
            assertThat(count("SELECT count(*) FROM reviews WHERE review_id LIKE ?", "sv-" + run + "-%"))
                    .isEqualTo(41);
            assertThat(count("SELECT count(*) FROM dlq_events WHERE event_id = ?", future.toString())).isEqualTo(1);
        });

        for (String reviewId : v1) {
            Map<String, Object> row = row(reviewId);
            assertThat(row.get("review_text")).isEqualTo("text of " + number(reviewId));
            assertThat(row.get("title")).isNull();
        }
        for (String reviewId : v2) {
            int i = number(reviewId);
            Map<String, Object> row = row(reviewId);
            assertThat(row.get("review_text")).isEqualTo("body of " + i);
            assertThat(row.get("title")).isEqualTo(i % 4 == 1 ? "title of " + i : null);
        }
        assertThat(row("sv-" + run + "-stray")).containsEntry("review_text", "its text").containsEntry("title", null);
        assertThat(jdbc.queryForObject("SELECT reason FROM dlq_events WHERE event_id = ?", String.class,
                future.toString())).isEqualTo("unsupported_schema");
    }

    private Map<String, Object> row(String reviewId) {
        return jdbc.queryForMap("SELECT review_text, title FROM reviews WHERE review_id = ?", reviewId);
    }

    private long count(String sql, String argument) {
        return jdbc.queryForObject(sql, Long.class, argument);
    }

    private static int number(String reviewId) {
        return Integer.parseInt(reviewId.substring(reviewId.lastIndexOf('-') + 1));
    }
}
