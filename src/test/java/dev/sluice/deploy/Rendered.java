package dev.sluice.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** The objects an overlay renders to, as {@code kubectl kustomize} prints them. */
record Rendered(String overlay, List<JsonNode> objects) {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static Rendered parse(String overlay, String yaml) {
        try {
            List<JsonNode> objects = new ArrayList<>();
            YAML.readerFor(JsonNode.class).readValues(yaml).forEachRemaining(node -> {
                if (node instanceof JsonNode object && !object.isEmpty()) {
                    objects.add(object);
                }
            });
            return new Rendered(overlay, objects);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<JsonNode> ofKind(String kind) {
        return objects.stream().filter(object -> kind.equals(object.path("kind").asText())).toList();
    }

    Optional<JsonNode> named(String kind, String name) {
        return ofKind(kind).stream().filter(object -> name.equals(object.at("/metadata/name").asText())).findFirst();
    }

    JsonNode deployment() {
        return named("Deployment", "sluice").orElseThrow(() -> new AssertionError(overlay + " renders no Deployment sluice"));
    }

    /** A deep copy to break on purpose. */
    Rendered copy() {
        return new Rendered(overlay, objects.stream().map(JsonNode::deepCopy).map(JsonNode.class::cast).toList());
    }
}
