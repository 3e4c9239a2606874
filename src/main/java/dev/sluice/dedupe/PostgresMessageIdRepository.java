package dev.sluice.dedupe;

import io.micrometer.core.instrument.Timer;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Camel's JDBC idempotent repository on the {@code idempotency_markers} table (created by Flyway), with one change:
 * {@link #add} is a single {@code INSERT ... ON CONFLICT DO NOTHING}.
 * <p>
 * The stock {@code add} selects, then inserts, and reads a duplicate-key error as "already there". On PostgreSQL
 * that error aborts the surrounding transaction, and here the marker shares its transaction with the row it guards,
 * so a racing duplicate would fail the event instead of skipping it. The upsert answers the same question without an
 * error. Every statement runs on Spring's transaction-bound connection, so the marker commits or rolls back with the
 * row.
 */
public class PostgresMessageIdRepository extends JdbcMessageIdRepository {

    private static final String TABLE = "idempotency_markers";

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
}
