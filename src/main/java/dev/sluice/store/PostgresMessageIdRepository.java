package dev.sluice.store;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.micrometer.core.instrument.Timer;
import dev.sluice.event.ValidEvent;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The idempotency markers ({@code idempotency_markers}, created by Flyway) as Camel's {@link IdempotentRepository}:
 * the one-record path's {@code idempotentConsumer} calls {@link #add}. The batch path claims a chunk's ids in its
 * store statement ({@link StoreStatement}), with the same rows; an operator's own insert ({@link RawInsert}) claims
 * them with {@link #claimFirstSeen}, in one statement. Every statement runs on Spring's transaction-bound
 * connection, so a marker commits or rolls back with the row it guards.
 * <p>
 * Why not camel-sql's {@code JdbcMessageIdRepository}: its {@code add} selects, then inserts, and reads a duplicate-key
 * error as "already there". On PostgreSQL that error aborts the surrounding transaction, the row's transaction here,
 * so a racing duplicate would fail the event instead of skipping it. {@code INSERT ... ON CONFLICT DO NOTHING} answers
 * the same question without an error.
 */
public class PostgresMessageIdRepository extends ServiceSupport implements IdempotentRepository {

    private static final String ADD = "INSERT INTO idempotency_markers (processor_name, message_id) VALUES (?, ?)"
            + " ON CONFLICT DO NOTHING";
    private static final String CLAIM = "INSERT INTO idempotency_markers (processor_name, message_id)"
            + " SELECT ?, unnest(?::varchar[]) ON CONFLICT DO NOTHING RETURNING message_id";
    private static final String CONTAINS = "SELECT count(*) FROM idempotency_markers"
            + " WHERE processor_name = ? AND message_id = ?";
    private static final String REMOVE = "DELETE FROM idempotency_markers WHERE processor_name = ? AND message_id = ?";
    private static final String CLEAR = "DELETE FROM idempotency_markers WHERE processor_name = ?";

    private final JdbcTemplate jdbc;
    /** Markers are per consumer group: another group reading the same topic writes its own rows. */
    private final String processorName;
    private final Timer claimTimer;

    public PostgresMessageIdRepository(JdbcTemplate jdbc, String processorName, Timer claimTimer) {
        this.jdbc = jdbc;
        this.processorName = processorName;
        this.claimTimer = claimTimer;
    }

    /** Marks one event id as seen; false if it was seen before (a duplicate). */
    @Override
    public boolean add(String eventId) {
        return claimTimer.record(() -> jdbc.update(ADD, processorName, eventId)) == 1;
    }

    /**
     * Marks every event as seen and returns those seen for the first time, in order (a repeat among them counts as
     * seen), which the operator's statement then writes. A racing
     * consumer with the same ids waits on the markers' keys instead of writing twice.
     */
    public List<ValidEvent> claimFirstSeen(List<ValidEvent> events) {
        String[] ids = new String[events.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = events.get(i).claimId();
        }
        Set<String> claimed = new HashSet<>(claimTimer.record(() -> jdbc.queryForList(
                CLAIM, String.class, processorName, ids)));
        List<ValidEvent> firstSeen = new ArrayList<>(claimed.size());
        for (ValidEvent event : events) {
            if (claimed.remove(event.claimId())) {
                firstSeen.add(event);
            }
        }
        return firstSeen;
    }

    @Override
    public boolean contains(String eventId) {
        Integer count = jdbc.queryForObject(CONTAINS, Integer.class, processorName, eventId);
        return count != null && count > 0;
    }

    @Override
    public boolean remove(String eventId) {
        return jdbc.update(REMOVE, processorName, eventId) > 0;
    }

    /** Nothing to do: a marker is final once its transaction commits. */
    @Override
    public boolean confirm(String eventId) {
        return true;
    }

    @Override
    public void clear() {
        jdbc.update(CLEAR, processorName);
    }
}
