package dev.sluice.store;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.Timer;
import org.apache.camel.Body;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The idempotency markers ({@code idempotency_markers}, created by Flyway) as Camel's {@link IdempotentRepository}:
 * the one-record path's {@code idempotentConsumer} calls {@link #add}, and the batch path's claim step calls
 * {@link #claimFirstSeen} for a whole chunk in one statement. Every statement runs on Spring's transaction-bound
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
     * The claim step of the batch path: marks every event of the chunk as seen and tells the chunk which rows were seen
     * for the first time, in order (a repeat inside the chunk counts as seen), which the sink then writes. A racing
     * consumer with the same ids waits on the markers' keys instead of writing twice.
     */
    public void claimFirstSeen(@Body StoreChunk chunk) {
        List<Map<String, Object>> rows = chunk.rows();
        String[] ids = new String[rows.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = String.valueOf(rows.get(i).get(EventRows.EVENT_ID));
        }
        Set<String> claimed = new HashSet<>(claimTimer.record(() -> jdbc.queryForList(
                CLAIM, String.class, processorName, ids)));
        List<Map<String, Object>> firstSeen = new ArrayList<>(claimed.size());
        for (Map<String, Object> row : rows) {
            if (claimed.remove(String.valueOf(row.get(EventRows.EVENT_ID)))) {
                firstSeen.add(row);
            }
        }
        chunk.claimed(firstSeen);
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
