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

    /** The schema versions declared for an event type, in order; none for a type nobody declared. */
    public Set<Integer> versions(String eventType) {
        Set<Integer> versions = new TreeSet<>();
        schemasByTypeAndVersion.keySet().forEach(key -> {
            if (key.startsWith(eventType + " v")) {
                versions.add(Integer.parseInt(key.substring(eventType.length() + 2)));
            }
        });
        return versions;
    }

    /**
     * The JSON types a version's schema gives a payload field ({@code string}, {@code integer}...): empty if it
     * declares the field without a type, {@link Optional#empty()} if it does not declare it.
     */
    public Optional<Set<String>> fieldTypes(String eventType, int schemaVersion, String field) {
        return find(eventType, schemaVersion).map(schema -> schema.getSchemaNode().path("properties").get(field))
                .map(declared -> {
                    Set<String> types = new TreeSet<>();
                    JsonNode type = declared.get("type");
                    if (type != null && type.isTextual()) {
                        types.add(type.textValue());
                    } else if (type != null && type.isArray()) {
                        type.forEach(t -> types.add(t.asText()));
                    }
                    types.remove("null");
                    return types;
                });
    }

    /** Whether every version's schema requires the field (an event then always has it). */
    public boolean requiredByVersion(String eventType, int schemaVersion, String field) {
        return find(eventType, schemaVersion).map(schema -> {
            for (JsonNode required : schema.getSchemaNode().path("required")) {
                if (field.equals(required.asText())) {
                    return true;
                }
            }
            return false;
        }).orElse(false);
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
