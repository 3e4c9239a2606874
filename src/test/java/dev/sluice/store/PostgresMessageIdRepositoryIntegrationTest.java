package dev.sluice.store;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.sluice.event.ValidEvent;
import dev.sluice.support.Events;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The idempotency repository on the real markers table: an operator's insert's claim in one statement, the one-record
 * add, and both
 * inside the caller's transaction (a rollback takes the markers back).
 */
@SpringBootTest
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 1, topics = {"events.main", "events.dlq"})
@DirtiesContext
class PostgresMessageIdRepositoryIntegrationTest {

    @Autowired
    PostgresMessageIdRepository repository;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionTemplate transaction;

    @BeforeEach
    void noMarkers() {
        jdbc.execute("TRUNCATE idempotency_markers");
    }

    @Test
    void aClaimKeepsTheEventsSeenForTheFirstTimeInOrderAndARepeatOnceWhateverTheCaseOfItsId() {
        String seenBefore = UUID.randomUUID().toString();
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        assertThat(repository.add(seenBefore)).isTrue();
        List<ValidEvent> chunk = List.of(event(a, 1), event(seenBefore, 2), event(b, 3), event(a.toUpperCase(), 4));

        List<ValidEvent> firstSeen = repository.claimFirstSeen(chunk);

        assertThat(firstSeen).extracting(event -> event.payload().get("n")).containsExactly(1, 3);
        assertThat(markers()).isEqualTo(3);
    }

    @Test
    void addSaysWhetherAnIdIsNewAndTheOtherOperationsAgreeWithIt() {
        String id = UUID.randomUUID().toString();

        assertThat(repository.add(id)).isTrue();
        assertThat(repository.add(id)).isFalse();
        assertThat(repository.contains(id)).isTrue();
        assertThat(repository.remove(id)).isTrue();
        assertThat(repository.contains(id)).isFalse();
    }

    @Test
    void aRolledBackTransactionTakesItsMarkersBack() {
        String one = UUID.randomUUID().toString();
        String chunked = UUID.randomUUID().toString();

        transaction.executeWithoutResult(status -> {
            repository.add(one);
            repository.claimFirstSeen(List.of(event(chunked, 1)));
            status.setRollbackOnly();
        });

        assertThat(markers()).isZero();
        assertThat(repository.add(one)).as("a retried event is not taken for a duplicate").isTrue();
    }

    private long markers() {
        return jdbc.queryForObject("SELECT count(*) FROM idempotency_markers", Long.class);
    }

    private static ValidEvent event(String eventId, int n) {
        return Events.event("review_created", eventId, Map.of("n", n));
    }
}
