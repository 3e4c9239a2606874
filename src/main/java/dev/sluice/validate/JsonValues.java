package dev.sluice.validate;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A parsed JSON tree as the plain Java values Jackson's untyped {@code Map} binding gives (objects as
 * {@code LinkedHashMap}, arrays as {@code ArrayList}, numbers as the smallest of Integer, Long and BigInteger, or as
 * Double or BigDecimal as parsed), in one walk of the tree the validator already holds. {@code convertValue} gives the
 * same values by writing the tree out to tokens and reading them back, which cost about a twentieth of the consumer's
 * CPU per event (docs/performance.md).
 */
final class JsonValues {

    private JsonValues() {
    }

    static Map<String, Object> object(JsonNode object) {
        Map<String, Object> values = new LinkedHashMap<>(Math.max(4, object.size() * 4 / 3 + 1));
        for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            values.put(field.getKey(), value(field.getValue()));
        }
        return values;
    }

    static Object value(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> object(node);
            case ARRAY -> array(node);
            case STRING -> node.textValue();
            case NUMBER -> node.numberValue();
            case BOOLEAN -> node.booleanValue();
            case BINARY, POJO -> jacksonOnly(node);
            case NULL, MISSING -> null;
        };
    }

    private static List<Object> array(JsonNode array) {
        List<Object> values = new ArrayList<>(array.size());
        for (JsonNode element : array) {
            values.add(value(element));
        }
        return values;
    }

    /** A tree parsed from bytes holds neither; only a tree built in code could. */
    private static Object jacksonOnly(JsonNode node) {
        throw new IllegalArgumentException("not a parsed JSON value: " + node.getNodeType());
    }
}
