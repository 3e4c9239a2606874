package dev.sluice.store;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped event types are declarations: each names its type, mode, table, key and columns and nothing else, so
 * the guarantees (ordering guard, ledger) live in the generated statement, where an operator's edit cannot reach.
 */
class ShippedEventTypesTest {

    private static final Path EVENT_TYPES = Path.of("routes-yaml/event-types");

    static Stream<Path> shippedTypes() throws IOException {
        try (Stream<Path> files = Files.list(EVENT_TYPES)) {
            List<Path> types = files.filter(file -> file.toString().endsWith(".camel.yaml")).sorted().toList();
            assertThat(types).as("shipped event types").isNotEmpty();
            return types.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shippedTypes")
    void declaresOnlyWhatTheStoreTemplateAsksFor(Path file) throws IOException {
        Map<String, Object> parameters = parameters(file);

        assertThat(parameters).containsOnlyKeys("eventType", "mode", "table", "key", "columns");
        assertThat(file.getFileName().toString()).isEqualTo(parameters.get("eventType") + ".camel.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shippedTypes")
    void holdsNoSqlAndNoOrderingGuard(Path file) throws IOException {
        String declared = String.join("\n", parameters(file).values().stream().map(String::valueOf).toList());

        assertThat(declared).doesNotContainIgnoringCase("ON CONFLICT").doesNotContainIgnoringCase("INSERT INTO")
                .doesNotContainIgnoringCase("DO UPDATE").doesNotContainIgnoringCase("SELECT")
                .doesNotContainIgnoringCase("WHERE").doesNotContain("version_at").doesNotContain("version_offset")
                .doesNotContain("deleted_at");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parameters(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            List<Map<String, Object>> routes = new Yaml().load(reader);
            assertThat(routes).as(file + " holds one templated route").hasSize(1);
            Map<String, Object> templated = (Map<String, Object>) routes.get(0).get("templatedRoute");
            assertThat(templated).as(file + " is a templatedRoute").isNotNull();
            assertThat(templated.get("routeTemplateRef")).isEqualTo("store-event-type");
            Map<String, Object> parameters = new java.util.LinkedHashMap<>();
            for (Map<String, Object> parameter : (List<Map<String, Object>>) templated.get("parameters")) {
                parameters.put((String) parameter.get("name"), parameter.get("value"));
            }
            return parameters;
        }
    }
}
