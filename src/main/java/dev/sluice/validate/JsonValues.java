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
 * <p>
 * The same walk refuses a string PostgreSQL could not store unchanged ({@link StorableText}), anywhere in the event,
 * so no text field of any type is altered on its way to its row.
 */
final class JsonValues {

    /** A string that would not reach PostgreSQL unchanged; its path is filled in on the way out of the walk. */
    static final class UnstorableText extends RuntimeException {

        private final String problem;
        private String path = "";

        UnstorableText(String problem) {
            super(null, null, false, false);
            this.problem = problem;
        }

        UnstorableText under(String name) {
            path = path.isEmpty() || path.startsWith("[") ? name + path : name + "." + path;
            return this;
        }

        /** {@code payload.text}, {@code key}, {@code payload.tags[2]}. */
        String path() {
            return path;
        }

        @Override
        public String getMessage() {
            return path + ": " + problem;
        }
    }

    private JsonValues() {
    }

    static Map<String, Object> object(JsonNode object) {
        Map<String, Object> values = new LinkedHashMap<>(Math.max(4, object.size() * 4 / 3 + 1));
        for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            try {
                values.put(field.getKey(), value(field.getValue()));
            } catch (UnstorableText e) {
                throw e.under(field.getKey());
            }
        }
        return values;
    }

    static Object value(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> object(node);
            case ARRAY -> array(node);
            case STRING -> storable(node.textValue());
            case NUMBER -> node.numberValue();
            case BOOLEAN -> node.booleanValue();
            case BINARY, POJO -> jacksonOnly(node);
            case NULL, MISSING -> null;
        };
    }

    private static String storable(String text) {
        int unstorable = StorableText.firstUnstorable(text);
        if (unstorable >= 0) {
            throw new UnstorableText(StorableText.describe(text, unstorable));
        }
        return text;
    }

    private static List<Object> array(JsonNode array) {
        List<Object> values = new ArrayList<>(array.size());
        int index = 0;
        for (JsonNode element : array) {
            try {
                values.add(value(element));
            } catch (UnstorableText e) {
                throw e.under("[" + index + "]");
            }
            index++;
        }
        return values;
    }

    /** A tree parsed from bytes holds neither; only a tree built in code could. */
    private static Object jacksonOnly(JsonNode node) {
        throw new IllegalArgumentException("not a parsed JSON value: " + node.getNodeType());
    }
}
