package dev.sluice.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An event type's declaration, read on its own: what it says, and what it may not say. */
class EventTypeTest {

    @Test
    void aDeclarationNamesItsModeTableKeyAndEachColumnsFieldByVersion() {
        EventType type = EventType.declared(declaration("insert", """
                review_id   <- review_id
                user_key    <- key
                # renamed in v2
                review_text <- text, v2: body, v3: content
                """));

        assertThat(type.mode()).isEqualTo(WriteMode.INSERT);
        assertThat(type.table()).isEqualTo("reviews");
        assertThat(type.keyColumn().fieldFor(1)).isEqualTo("review_id");
        ColumnMapping text = type.columns().get(2);
        assertThat(text.column()).isEqualTo("review_text");
        assertThat(List.of(text.fieldFor(1), text.fieldFor(2), text.fieldFor(3), text.fieldFor(4)))
                .containsExactly("text", "body", "content", "text");
        assertThat(type.write()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "an unknown mode| mode| replace| mode 'replace' is not one of insert, upsert, delete",
            "a column line that is not a mapping| columns| review_id = review_id| is not 'column <- field'",
            "a column given twice| columns| review_id <- review_id\\nreview_id <- key| 'review_id' is given twice",
            "a column named like Sluice's bookkeeping| columns| review_id <- review_id\\nversion_at <- ts| 'version_at' is Sluice's own bookkeeping",
            "a key no column maps| key| user_key| the key column 'user_key' takes no field",
            "a table that is not a name| table| reviews; drop table reviews| is not a table",
            "an upper-case column| columns| Review_Id <- review_id| is not a column",
            "an unknown parameter| colums| x <- y| unknown parameter 'colums'",
            "an own statement in mode upsert| write| INSERT INTO reviews VALUES (1)| write: a statement of one's own is for mode insert only"})
    void aDeclarationThatCannotBeStoredIsRefusedNamingWhy(String what, String parameter, String value, String why) {
        Map<String, Object> declaration = declaration(parameter.equals("write") ? "upsert" : "insert",
                "review_id <- review_id");
        declaration.put(parameter, value.replace("\\n", "\n"));

        assertThatThrownBy(() -> EventType.declared(declaration)).isInstanceOf(EventTypeRefused.class)
                .hasMessageContaining(why);
    }

    @Test
    void aModeInsertWithItsOwnStatementNeedsNoColumns() {
        Map<String, Object> declaration = declaration("insert", "");
        declaration.put("write", "INSERT INTO reviews (review_id) VALUES (:#review_id) ON CONFLICT DO NOTHING");

        assertThat(EventType.declared(declaration).write()).isPresent();
    }

    private static Map<String, Object> declaration(String mode, String columns) {
        Map<String, Object> declaration = new HashMap<>();
        declaration.put("eventType", "review_created");
        declaration.put("mode", mode);
        declaration.put("table", "reviews");
        declaration.put("key", "review_id");
        declaration.put("columns", columns);
        declaration.put("autoStartup", "true");
        return declaration;
    }
}
