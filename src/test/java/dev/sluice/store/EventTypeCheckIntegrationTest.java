package dev.sluice.store;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * A declaration checked against the live database before any route is built, from JDBC's own description of the table:
 * each thing the database cannot take is refused, naming it.
 */
@SpringBootTest
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 1, topics = {"events.main", "events.dlq"})
@DirtiesContext
class EventTypeCheckIntegrationTest {

    @Autowired
    EventTypeStores stores;
    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void aTableWithoutPositions() {
        jdbc.execute("DROP TABLE IF EXISTS check_unpositioned");
        jdbc.execute("CREATE TABLE check_unpositioned (review_id text PRIMARY KEY, user_key text NOT NULL, rating"
                + " smallint, deleted_at timestamptz)");
    }

    @AfterEach
    void dropIt() {
        jdbc.execute("DROP TABLE IF EXISTS check_unpositioned");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a table that is not there| review_created| insert| nowhere| review_id| review_id <- review_id| table nowhere does not exist",
            "a column that is not there| review_created| insert| reviews| review_id| review_id <- review_id\\nuser_key <- key\\ncolour <- text| column colour is not a column of reviews",
            "a column that cannot take its field| review_created| insert| reviews| review_id| review_id <- review_id\\nuser_key <- key\\nrating <- text| column rating (int2) cannot take text (string in review_created v1)",
            "a key without a unique index| review_created| insert| reviews| user_key| review_id <- review_id\\nuser_key <- key| key user_key has no unique index of its own on reviews",
            "a change without the row's position| review_updated| upsert| check_unpositioned| review_id| review_id <- review_id\\nuser_key <- key| check_unpositioned has no column version_at (mode upsert needs it)",
            "a creation without its event id| review_created| insert| check_unpositioned| review_id| review_id <- review_id\\nuser_key <- key| check_unpositioned has no column event_id (mode insert needs it)",
            "a NOT NULL column left without a value| review_deleted| delete| reviews| review_id| review_id <- review_id| column user_key is NOT NULL without a default, and review_deleted gives it no field",
            "a field no schema declares| review_created| insert| reviews| review_id| review_id <- review_id\\nuser_key <- key\\nrating <- ratng| takes [ratng], which no schema of review_created declares",
            "a type no schema declares| order_shipped| insert| reviews| review_id| review_id <- review_id\\nuser_key <- key| no schema declares event type order_shipped"})
    void aDeclarationTheLiveTableCannotTakeIsRefusedNamingWhy(String what, String type, String mode, String table,
                                                              String key, String columns, String why) {
        assertThatThrownBy(() -> stores.check(declaration(type, mode, table, key, columns)))
                .isInstanceOf(EventTypeRefused.class).hasMessageContaining(why);
    }

    @ParameterizedTest(name = "shipped type {0}")
    @CsvSource(delimiter = '|', value = {
            "review_created| insert| review_id <- review_id\\nuser_key <- key\\nrating <- rating\\nreview_text <- text, v2: body\\ntitle <- title\\nreviewed_at <- ts",
            "review_updated| upsert| review_id <- review_id\\nuser_key <- key\\nrating <- rating\\nreview_text <- text",
            "review_deleted| delete| review_id <- review_id\\nuser_key <- key"})
    void theShippedDeclarationsPass(String type, String mode, String columns) {
        assertThatNoException().isThrownBy(() -> stores.check(declaration(type, mode, "reviews", "review_id", columns)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "an own statement the database cannot prepare| INSERT INTO reviews (review_id, colour) VALUES (:#review_id, :#text)| PostgreSQL refuses its statement",
            "an own statement naming a field no schema has| INSERT INTO reviews (review_id) VALUES (:#ratng)| :#ratng is not a field of review_created"})
    void anOwnStatementIsCheckedToo(String what, String write, String why) {
        Map<String, Object> declaration = declaration("review_created", "insert", "reviews", "review_id", "");
        declaration.put("write", write);

        assertThatThrownBy(() -> stores.check(declaration)).isInstanceOf(EventTypeRefused.class).hasMessageContaining(why);
    }

    private static Map<String, Object> declaration(String type, String mode, String table, String key, String columns) {
        Map<String, Object> declaration = new HashMap<>();
        declaration.put("eventType", type);
        declaration.put("mode", mode);
        declaration.put("table", table);
        declaration.put("key", key);
        declaration.put("columns", columns.replace("\\n", "\n"));
        return declaration;
    }
}
