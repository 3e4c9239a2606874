package dev.sluice.validate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;

/**
 * The payload schemas an operator declared, one JSON Schema file per event type and schema version, named
 * {@code <event_type>.v<schema_version>.schema.json}. Supporting a new event type or version is a new file, not new
 * Java.
 */
public final class EventSchemas {

    private static final Pattern FILE_NAME = Pattern.compile("(?<type>[a-z0-9_]+)\\.v(?<version>\\d+)\\.schema\\.json");

    private final Map<String, JsonSchema> schemasByTypeAndVersion;

    private EventSchemas(Map<String, JsonSchema> schemasByTypeAndVersion) {
        this.schemasByTypeAndVersion = schemasByTypeAndVersion;
    }

    public static EventSchemas loadFrom(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalStateException("Schema directory " + directory.toAbsolutePath() + " does not exist");
        }
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        Map<String, JsonSchema> schemas = new TreeMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.sorted().toList()) {
                Matcher name = FILE_NAME.matcher(file.getFileName().toString());
                if (name.matches()) {
                    try (var in = Files.newInputStream(file)) {
                        schemas.put(key(name.group("type"), Integer.parseInt(name.group("version"))), factory.getSchema(in));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read schemas from " + directory, e);
        }
        return new EventSchemas(schemas);
    }

    public Optional<JsonSchema> find(String eventType, int schemaVersion) {
        return Optional.ofNullable(schemasByTypeAndVersion.get(key(eventType, schemaVersion)));
    }

    /**
     * The payload fields any schema version of the type declares (their {@code properties}): what an INSERT may name
     * even when an event lacks it, to be bound as NULL.
     */
    public Set<String> fields(String eventType) {
        Set<String> fields = new TreeSet<>();
        schemasByTypeAndVersion.forEach((key, schema) -> {
            if (key.startsWith(eventType + " v")) {
                fields.addAll(properties(schema));
            }
        });
        return Set.copyOf(fields);
    }

    /** The payload fields one schema version of the type declares; none for a version nobody declared. */
    public Set<String> fields(String eventType, int schemaVersion) {
        return find(eventType, schemaVersion).map(EventSchemas::properties).orElse(Set.of());
    }

    private static Set<String> properties(JsonSchema schema) {
        JsonNode properties = schema.getSchemaNode().get("properties");
        Set<String> names = new TreeSet<>();
        if (properties != null) {
            properties.fieldNames().forEachRemaining(names::add);
        }
        return Set.copyOf(names);
    }

    /** The event types that have at least one schema version. */
    public Set<String> types() {
        Set<String> types = new TreeSet<>();
        schemasByTypeAndVersion.keySet().forEach(key -> types.add(key.substring(0, key.indexOf(" v"))));
        return types;
    }

    /** What is supported, for error messages and the startup log: {@code review_created v1, ...}. */
    public String describe() {
        return String.join(", ", new TreeSet<>(schemasByTypeAndVersion.keySet()));
    }

    private static String key(String eventType, int schemaVersion) {
        return eventType + " v" + schemaVersion;
    }
}
