package dev.sluice.validate;

import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One walk of the tree gives exactly what Jackson's untyped Map binding gives, value for value and type for type. */
class JsonValuesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    @Test
    void anEventReadsAsJacksonWouldBindIt() throws Exception {
        JsonNode event = MAPPER.readTree("""
                {"event_id": "0b6f2f4e-7c1a-4a53-9d0e-6d8d7f1c2a10", "schema_version": 1, "ts": "2026-12-01T08:00:00Z",
                 "payload": {"review_id": "r-1", "rating": 5, "text": "caf\\u00e9 \\ud83d\\ude00 ok", "big": 12345678901,
                             "huge": 123456789012345678901234567890, "ratio": 0.25, "flag": true, "none": null,
                             "tags": ["a", 1, [2.5, {"deep": false}]], "nested": {"k": {}}}}""");

        assertSameAsJackson(event);
    }

    @Test
    void randomDocumentsReadAsJacksonWouldBindThem() throws Exception {
        Random random = new Random(14);
        for (int i = 0; i < 500; i++) {
            ObjectNode document = randomObject(random, 0);
            // Through bytes, as the validator gets them: the parser, not this test, picks the node types.
            assertSameAsJackson(MAPPER.readTree(MAPPER.writeValueAsBytes(document)));
        }
    }

    @Test
    void aStringPostgreSQLCannotStoreUnchangedIsRefusedNamingItsPath() throws Exception {
        JsonNode event = MAPPER.readTree("""
                {"key": "u", "payload": {"review_id": "r-1", "tags": ["fine", {"note": "lone \\udc00 here"}]}}""");

        assertThatThrownBy(() -> JsonValues.object(event))
                .isInstanceOf(JsonValues.UnstorableText.class)
                .hasMessage("payload.tags[1].note: holds a lone surrogate (\\udc00) at character 5, which PostgreSQL"
                        + " cannot store unchanged");
        assertThatThrownBy(() -> JsonValues.object(MAPPER.readTree("{\"key\": \"a\\u0000b\"}")))
                .hasMessage("key: holds a NUL character (\\u0000) at character 1, which PostgreSQL cannot store"
                        + " unchanged");
    }

    private static void assertSameAsJackson(JsonNode tree) {
        Map<String, Object> expected = MAPPER.convertValue(tree, MAP);
        Map<String, Object> actual = JsonValues.object(tree);
        assertThat(actual).isEqualTo(expected);
        assertThat(types(actual)).isEqualTo(types(expected));
    }

    /** The same structure with every leaf replaced by its class name: equal values of different types must differ. */
    private static Object types(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> types = new java.util.LinkedHashMap<>();
            map.forEach((k, v) -> types.put(k, types(v)));
            return types;
        }
        if (value instanceof java.util.List<?> list) {
            return list.stream().map(JsonValuesTest::types).toList();
        }
        return value == null ? "null" : value.getClass().getName();
    }

    private static ObjectNode randomObject(Random random, int depth) {
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        int fields = random.nextInt(6);
        for (int f = 0; f < fields; f++) {
            object.set("f" + f + (char) ('a' + random.nextInt(26)), randomValue(random, depth));
        }
        return object;
    }

    private static JsonNode randomValue(Random random, int depth) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        switch (random.nextInt(depth < 3 ? 9 : 7)) {
            case 0: return nodes.textNode(Long.toString(random.nextLong(), 36) + "\u00e9\uD83D\uDE00");
            case 1: return nodes.numberNode(random.nextInt());
            case 2: return nodes.numberNode(random.nextLong());
            case 3: return nodes.numberNode(new java.math.BigInteger(100, random));
            case 4: return nodes.numberNode(random.nextDouble() * 1e6);
            case 5: return nodes.booleanNode(random.nextBoolean());
            case 6: return nodes.nullNode();
            case 7: {
                ArrayNode array = nodes.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(randomValue(random, depth + 1));
                }
                return array;
            }
            default: return randomObject(random, depth + 1);
        }
    }
}
