package dev.sluice.store;

import dev.sluice.support.PipelineTables;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Markers older than the retention (14 days by default) go, in batches of a thousand; younger ones stay, and the
 * metrics say how many went and how old the oldest left is.
 */
@SpringBootTest
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 1, topics = {"events.main", "events.dlq"})
@DirtiesContext
class MarkerRetentionIntegrationTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MarkerRetention retention;
    @Autowired
    MeterRegistry registry;

    @Test
    void markersOlderThanTheRetentionArePurgedInBatchesAndYoungerOnesStay() {
        jdbc.execute(PipelineTables.TRUNCATE_ALL);
        // 2,500 markers from 20 days ago (three batches), 10 from 13 days ago, 10 from now.
        insertMarkers("old-", 2_500, "20 days");
        insertMarkers("kept-", 10, "13 days");
        insertMarkers("new-", 10, "0 days");
        double purgedBefore = registry.get("idempotency.markers.purged").counter().count();

        long purged = retention.purge();

        assertThat(purged).isEqualTo(2_500);
        assertThat(jdbc.queryForList("SELECT DISTINCT split_part(message_id, '-', 1) FROM idempotency_markers",
                String.class)).containsExactlyInAnyOrder("kept", "new");
        assertThat(registry.get("idempotency.markers.purged").counter().count() - purgedBefore).isEqualTo(2_500);
        double oldestDays = registry.get("idempotency.marker.oldest.age").gauge().value() / 86_400;
        assertThat(oldestDays).isBetween(12.9, 13.1);
        assertThat(retention.purge()).as("nothing left to purge").isZero();
    }

    private void insertMarkers(String prefix, int count, String age) {
        jdbc.update("INSERT INTO idempotency_markers (processor_name, message_id, created_at)"
                + " SELECT 'sluice', ? || n, now() - CAST(? AS interval) FROM generate_series(1, ?) AS n", prefix, age, count);
    }
}
