package dev.sluice.dedupe;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.sluice.ingest.BatchTally;
import dev.sluice.ingest.EventRows;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Camel's JDBC idempotent repository on the {@code idempotency_markers} table (created by Flyway), with two changes:
 * {@link #add} is a single {@code INSERT ... ON CONFLICT DO NOTHING}, and {@link #claimFirstSeen} asks the question
 * for a whole batch in one statement.
 * <p>
 * The stock {@code add} selects, then inserts, and reads a duplicate-key error as "already there". On PostgreSQL
 * that error aborts the surrounding transaction, and here the marker shares its transaction with the row it guards,
 * so a racing duplicate would fail the event instead of skipping it. The upsert answers the same question without an
 * error. Every statement runs on Spring's transaction-bound connection, so the marker commits or rolls back with the
 * row.
 */
public class PostgresMessageIdRepository extends JdbcMessageIdRepository {

    /** How many rows of the batch were seen for the first time: the store route skips its sink at 0. */
    public static final String FIRST_SEEN = "sluiceFirstSeen";

    private static final String TABLE = "idempotency_markers";
    private static final String CLAIM = "INSERT INTO " + TABLE + " (processor_name, message_id)"
            + " SELECT ?, unnest(?::varchar[]) ON CONFLICT DO NOTHING RETURNING message_id";

    private final Timer insertTimer;

    public PostgresMessageIdRepository(JdbcTemplate jdbcTemplate, TransactionTemplate transactionTemplate,
                                       String processorName, Timer insertTimer) {
        super(jdbcTemplate, transactionTemplate);
        this.insertTimer = insertTimer;
        setProcessorName(processorName);
        setCreateTableIfNotExists(false);
        setTableExistsString("SELECT 1 FROM " + TABLE + " WHERE 1 = 0");
        setQueryString("SELECT COUNT(*) FROM " + TABLE + " WHERE processor_name = ? AND message_id = ?");
        setInsertString("INSERT INTO " + TABLE + " (processor_name, message_id) VALUES (?, ?) ON CONFLICT DO NOTHING");
        setDeleteString("DELETE FROM " + TABLE + " WHERE processor_name = ? AND message_id = ?");
        setClearString("DELETE FROM " + TABLE + " WHERE processor_name = ?");
    }

    @Override
    public boolean add(String key) {
        return insert(key) == 1;
    }

    @Override
    protected int insert(String key) {
        return insertTimer.record(() -> jdbcTemplate.update(getInsertString(), processorName, key));
    }

    /**
     * The dedupe step of a store route: marks every event of the batch as seen and returns the rows of those seen for
     * the first time (a repeat inside the batch counts as seen). One statement: the markers the database did not have
     * come back from {@code RETURNING}. It runs in the store attempt's transaction, so a rollback takes the markers
     * back with the rows, and a racing consumer with the same ids waits on the markers' keys instead of writing twice.
     */
    public List<Map<String, Object>> claimFirstSeen(@Body List<Map<String, Object>> rows, Exchange exchange) {
        String[] ids = new String[rows.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = String.valueOf(rows.get(i).get(EventRows.EVENT_ID));
        }
        Set<String> claimed = new HashSet<>(insertTimer.record(() -> jdbcTemplate.queryForList(
                CLAIM, String.class, processorName, ids)));
        List<Map<String, Object>> firstSeen = new ArrayList<>(claimed.size());
        for (Map<String, Object> row : rows) {
            if (claimed.remove(String.valueOf(row.get(EventRows.EVENT_ID)))) {
                firstSeen.add(row);
            }
        }
        BatchTally.of(exchange).stage(firstSeen, rows.size() - firstSeen.size());
        exchange.getMessage().setHeader(FIRST_SEEN, firstSeen.size());
        return firstSeen;
    }
}
