package dev.sluice.reconciliation;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.sluice.store.ReviewStatsCompaction;
import dev.sluice.support.Patience;
import dev.sluice.support.PipelineTables;
import dev.sluice.tools.LoadGenerator;
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
 * review_stats_minute counts each review once, in the minute of its event time: a duplicate, a second event for a
 * review already written, an invalid event and a row PostgreSQL refuses add nothing, and a late event adds to its old
 * minute. Afterwards the statistics equal a recount of reviews, and compaction changes none of them.
 */
@SpringBootTest
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 3, topics = {"events.main", "events.dlq"})
@DirtiesContext
class ReviewStatsIntegrationTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EmbeddedKafkaBroker broker;
    @Autowired
    ReviewStatsCompaction compaction;

    private static final String STATISTICS = "SELECT minute, reviews, average_rating, rating_1, rating_2, rating_3,"
            + " rating_4, rating_5 FROM review_stats_minute ORDER BY minute";

    @Test
    void eachReviewCountsOnceInTheMinuteOfItsEventTime() {
        jdbc.execute(PipelineTables.TRUNCATE_ALL);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        Instant late = now.minus(37, ChronoUnit.MINUTES).plusSeconds(12);
        UUID once = UUID.randomUUID();
        try (Producer<String, byte[]> producer = LoadGenerator.createProducer(broker.getBrokersAsString())) {
            send(producer, event(once, "r-1", 5, now.plusSeconds(1)));
            send(producer, event(once, "r-1", 5, now.plusSeconds(1)));                  // duplicate: same event
            send(producer, event(UUID.randomUUID(), "r-1", 1, now.plusSeconds(2)));      // same review, another event
            send(producer, event(UUID.randomUUID(), "r-2", 4, now.plusSeconds(3)));
            send(producer, event(UUID.randomUUID(), "r-3", 9, now.plusSeconds(4)));      // invalid rating
            send(producer, event(UUID.randomUUID(), "r-4", 2, now.plusSeconds(5)).replace("fine", "fi\\u0000ne"));
            send(producer, event(UUID.randomUUID(), "r-5", 2, late));                    // 37 minutes late
            send(producer, event(UUID.randomUUID(), "r-6", 4, late.plusSeconds(30)));
        }

        await().atMost(Patience.PIPELINE).untilAsserted(() -> {
            assertThat(PipelineTables.count(jdbc, "reviews")).isEqualTo(4);
            assertThat(PipelineTables.count(jdbc, "dlq_events")).isEqualTo(2);
        });

        assertThat(minute(now)).containsEntry("reviews", 2L).containsEntry("rating_5", 1L)
                .containsEntry("rating_4", 1L).containsEntry("rating_1", 0L);
        assertThat(minute(now).get("average_rating")).hasToString("4.500");
        assertThat(minute(late.truncatedTo(ChronoUnit.MINUTES))).containsEntry("reviews", 2L)
                .containsEntry("rating_2", 1L).containsEntry("rating_4", 1L);
        assertThat(jdbc.queryForObject(PipelineTables.STATS_MINUTES_OFF_RECOUNT, Long.class)).isZero();
    }

    @Test
    void compactionFoldsEachMinutesIncrementsIntoOneRowAndChangesNoStatistic() {
        jdbc.execute(PipelineTables.TRUNCATE_ALL);
        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(5, ChronoUnit.MINUTES);
        for (int statement = 0; statement < 3; statement++) {
            // Each INSERT appends its own increments: one row for each of the two minutes it touches.
            for (int rating = 1; rating <= 5; rating++) {
                insertReview(minute.plusSeconds(rating), rating + statement % 2);
            }
            jdbc.update("INSERT INTO reviews (review_id, user_key, rating, review_text, reviewed_at, event_id,"
                    + " source_topic, source_partition, source_offset, version_at, version_partition, version_offset)"
                    + " SELECT 'c-' || g, 'u', 1 + g % 5, 't', to_timestamp(?) + g * interval '1 second',"
                    + " gen_random_uuid(), 'test', 0, g, to_timestamp(?) + g * interval '1 second', 0, g"
                    + " FROM generate_series(?, ?) g", minute.getEpochSecond(), minute.getEpochSecond(), statement * 100 + 1000,
                    statement * 100 + 1099);
        }
        List<Map<String, Object>> before = jdbc.queryForList(STATISTICS);
        assertThat(PipelineTables.count(jdbc, "review_stats_minute_increments")).isGreaterThan(before.size());

        assertThat(compaction.compact()).as("minutes with more than one increment").isPositive();

        assertThat(PipelineTables.count(jdbc, "review_stats_minute_increments")).isEqualTo(before.size());
        assertThat(jdbc.queryForList(STATISTICS)).isEqualTo(before);
        assertThat(jdbc.queryForObject(PipelineTables.STATS_MINUTES_OFF_RECOUNT, Long.class)).isZero();
        assertThat(compaction.compact()).as("nothing left to fold").isZero();
    }

    private void insertReview(Instant at, int rating) {
        jdbc.update("INSERT INTO reviews (review_id, user_key, rating, review_text, reviewed_at, event_id, source_topic,"
                + " source_partition, source_offset, version_at, version_partition, version_offset) VALUES (?, 'u', ?,"
                + " 't', to_timestamp(?), gen_random_uuid(), 'test', 0, 0, to_timestamp(?), 0, 0)",
                "c-" + UUID.randomUUID(), Math.min(5, rating), at.getEpochSecond(), at.getEpochSecond());
    }

    private Map<String, Object> minute(Instant minute) {
        return jdbc.queryForMap("SELECT reviews, average_rating, rating_1, rating_2, rating_4, rating_5"
                + " FROM review_stats_minute WHERE minute = to_timestamp(?)", minute.getEpochSecond());
    }

    private static void send(Producer<String, byte[]> producer, String event) {
        producer.send(new ProducerRecord<>("events.main", "user:1", event.getBytes(StandardCharsets.UTF_8)));
    }

    private static String event(UUID eventId, String reviewId, int rating, Instant ts) {
        return """
                {"event_id":"%s","event_type":"review_created","key":"user:1","ts":"%s","schema_version":1,
                 "payload":{"review_id":"%s","rating":%d,"text":"fine"}}""".formatted(eventId, ts, reviewId, rating);
    }
}
