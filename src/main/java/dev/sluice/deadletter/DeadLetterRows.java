package dev.sluice.deadletter;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.camel.Body;
import org.apache.camel.Message;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A batch's dead letters in {@code dlq_events}: one multi-row INSERT for all of them, in the caller's transaction, which
 * skips a record already dead-lettered (a batch read again after a crash, or after a later step failed) and returns the
 * rows it added. Only those get a topic record, so a re-read does not publish a dead letter twice once its row has
 * committed.
 * <p>
 * Plain JDBC rather than camel-sql: camel-sql's batch mode returns update counts, not which rows were new.
 */
public class DeadLetterRows {

    private static final String COLUMNS = "reason, exception_class, exception_message, event_id, event_type,"
            + " source_topic, source_partition, source_offset, record_key, original_key, original_value, attempts,"
            + " first_failed_at, replay_count";
    private static final String ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** PostgreSQL binds at most 32,767 parameters per statement: 14 columns a row. */
    private static final int MAX_ROWS_PER_STATEMENT = 2_000;

    private final JdbcTemplate jdbc;

    public DeadLetterRows(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts every letter's row; returns the topic records of the rows that were not there yet, in batch order. */
    public List<Message> insertNew(@Body List<PreparedDeadLetter> letters) {
        List<Message> topicRecords = new ArrayList<>();
        for (int from = 0; from < letters.size(); from += MAX_ROWS_PER_STATEMENT) {
            topicRecords.addAll(insert(letters.subList(from, Math.min(letters.size(), from + MAX_ROWS_PER_STATEMENT))));
        }
        return topicRecords;
    }

    private List<Message> insert(List<PreparedDeadLetter> letters) {
        String sql = "INSERT INTO dlq_events (" + COLUMNS + ") VALUES " + String.join(", ",
                Collections.nCopies(letters.size(), ROW))
                + " ON CONFLICT (source_topic, source_partition, source_offset) DO NOTHING"
                + " RETURNING source_topic, source_partition, source_offset";
        Set<Coordinates> added = new HashSet<>(jdbc.query(sql, statement -> bind(statement, letters),
                (row, number) -> new Coordinates(row.getString(1), row.getInt(2), row.getLong(3))));
        List<Message> topicRecords = new ArrayList<>(added.size());
        for (PreparedDeadLetter prepared : letters) {
            if (added.contains(Coordinates.of(prepared.letter()))) {
                topicRecords.add(prepared.topicRecord());
            }
        }
        return topicRecords;
    }

    private static void bind(PreparedStatement statement, List<PreparedDeadLetter> letters) throws SQLException {
        int column = 0;
        for (PreparedDeadLetter prepared : letters) {
            DeadLetter letter = prepared.letter();
            statement.setString(++column, letter.reason().label());
            statement.setString(++column, letter.exceptionClass());
            statement.setString(++column, letter.exceptionMessage());
            statement.setString(++column, letter.eventId());
            statement.setString(++column, letter.eventType());
            statement.setString(++column, letter.sourceTopic());
            statement.setInt(++column, letter.sourcePartition());
            statement.setLong(++column, letter.sourceOffset());
            statement.setString(++column, letter.recordKey());
            statement.setBytes(++column, letter.originalKey());
            statement.setBytes(++column, letter.originalValue());
            statement.setInt(++column, letter.attempts());
            statement.setObject(++column, OffsetDateTime.ofInstant(letter.firstFailedAt(), ZoneOffset.UTC),
                    Types.TIMESTAMP_WITH_TIMEZONE);
            statement.setInt(++column, letter.replayCount());
        }
    }

    private record Coordinates(String topic, int partition, long offset) {
        static Coordinates of(DeadLetter letter) {
            return new Coordinates(letter.sourceTopic(), letter.sourcePartition(), letter.sourceOffset());
        }
    }
}
