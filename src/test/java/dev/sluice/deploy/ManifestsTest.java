package dev.sluice.deploy;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * deploy/'s overlays, rendered by {@code kubectl kustomize} (skipped without kubectl) and checked object by object
 * against the Kubernetes API (KubernetesApi) and across objects against what they depend on (DeployInvariants). The
 * check is shown to fail on manifests broken on purpose, one way each.
 */
class ManifestsTest {

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void overlayRendersToObjectsTheApiServerAcceptsAndThatFitTogether(String overlay) throws Exception {
        Rendered rendered = Kustomize.render(overlay);

        List<String> problems = problems(rendered);

        assertThat(problems).as("deploy/overlays/%s", overlay).isEmpty();
        System.out.printf("deploy/overlays/%s: %d objects (%s), valid against Kubernetes 1.34 and KEDA 2.16, invariants hold%n",
                overlay, rendered.objects().size(), String.join(", ", rendered.objects().stream().map(o -> o.path("kind").asText()).toList()));
    }

    @Test
    void prometheusRuleIsTheAlertRulesFileUnderASpec() throws Exception {
        String generated = PrometheusRuleFile.generate();
        if (Boolean.getBoolean("sluice.deploy.write")) {
            Files.writeString(PrometheusRuleFile.GENERATED, generated);
        }

        assertThat(Files.readString(PrometheusRuleFile.GENERATED))
                .as("%s is not what observability/alerts.yml generates: run mvn verify -Dtest=ManifestsTest "
                        + "-Dsluice.deploy.write=true", PrometheusRuleFile.GENERATED)
                .isEqualTo(generated);
        JsonNode rule = Rendered.YAML.readTree(generated);
        JsonNode alerts = Rendered.YAML.readTree(PrometheusRuleFile.ALERTS.toFile());
        assertThat(rule.path("spec")).isEqualTo(alerts);
        assertThat(KubernetesApi.problems(rule)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breakages")
    void aManifestBrokenOnPurposeIsRefused(String breakage, Consumer<Rendered> breakIt, String refusal) throws Exception {
        Rendered broken = Kustomize.render("production").copy();
        breakIt.accept(broken);

        List<String> problems = problems(broken);

        assertThat(problems).as(breakage).anySatisfy(problem -> assertThat(problem).contains(refusal));
        System.out.printf("broken on purpose, %s -> %s%n", breakage, problems);
    }

    static Stream<Arguments> breakages() {
        return Stream.of(
                arguments("a misspelled field", edit("Deployment", "/spec/template/spec", pod ->
                                pod.set("terminationGracePeriodSecond", pod.remove("terminationGracePeriodSeconds"))),
                        "unknown field(s) [terminationGracePeriodSecond]"),
                arguments("a misspelled field deep in a container", edit("Deployment", "/spec/template/spec/containers/0/securityContext", context ->
                                context.set("readOnlyRootFileSystem", context.remove("readOnlyRootFilesystem"))),
                        "unknown field(s) [readOnlyRootFileSystem]"),
                arguments("a port that is not a number", edit("Deployment", "/spec/template/spec/containers/0/ports/0", port ->
                                port.put("containerPort", "eighty")), "Cannot deserialize value of type `java.lang.Integer`"),
                arguments("a probe on a port the container does not open", edit("Deployment", "/spec/template/spec/containers/0/readinessProbe/httpGet", get ->
                                get.put("port", "metrics")), "readinessProbe checks port 'metrics'"),
                arguments("a Secret key nobody creates", edit("Deployment", "/spec/template/spec/containers/0", container ->
                                ((ObjectNode) env(container, "SLUICE_DB_PASSWORD").at("/valueFrom/secretKeyRef")).put("key", "passwd")),
                        "Secret sluice-db has no key 'passwd'"),
                arguments("more replicas than partitions", edit("ScaledObject", "/spec", spec -> spec.put("maxReplicaCount", 8)),
                        "maxReplicaCount 8 exceeds the 6 partitions"),
                arguments("a misspelled ScaledObject field", edit("ScaledObject", "/spec", spec -> spec.put("maxReplicas", 6)),
                        "maxReplicas"),
                arguments("a misspelled Kafka scaler setting", edit("ScaledObject", "/spec/triggers/0/metadata", metadata ->
                                metadata.set("lagTreshold", metadata.remove("lagThreshold"))), "has no setting 'lagTreshold'"),
                arguments("a grace period shorter than the shutdown", edit("Deployment", "/spec/template/spec", pod ->
                                pod.put("terminationGracePeriodSeconds", 25)), "terminationGracePeriodSeconds 25 is not longer"),
                arguments("a pool too large for max_connections", edit("Deployment", "/spec/template/spec/containers/0", container ->
                                ((ArrayNode) container.path("env")).addObject().put("name", "SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE").put("value", "20")),
                        "6 replicas x (pool 20 + Flyway's 1) = 126 connections"),
                arguments("the management port on the application's Service", edit("Service", "/spec", spec ->
                                ((ArrayNode) spec.path("ports")).addObject().put("name", "management").put("port", 8081).put("targetPort", "management")),
                        "the management port is on a Service other apps reach"),
                arguments("a routes file left out of the ConfigMap", edit("Deployment", "/spec/template/spec", pod ->
                                ((ArrayNode) named(pod.path("volumes"), "routes").at("/configMap/items")).remove(0)),
                        "routes-yaml/tuning.yaml is not mounted"),
                arguments("a writable root filesystem", edit("Deployment", "/spec/template/spec/containers/0/securityContext", context ->
                                context.put("readOnlyRootFilesystem", false)), "missing read-only root filesystem"),
                arguments("a heap the memory limit cannot hold", edit("Deployment", "/spec/template/spec/containers/0", container ->
                                env(container, "JAVA_TOOL_OPTIONS").put("value", "-XX:MaxRAMPercentage=75")), "exceeds the memory limit 640 MiB"),
                arguments("JVM options other than the image's", edit("Deployment", "/spec/template/spec/containers/0", container ->
                                env(container, "JAVA_TOOL_OPTIONS").put("value", "-XX:MaxRAMPercentage=40 -XX:+UseG1GC")),
                        "is not the image's"));
    }

    private static List<String> problems(Rendered rendered) {
        List<String> problems = new ArrayList<>();
        rendered.objects().forEach(object -> problems.addAll(KubernetesApi.problems(object)));
        problems.addAll(DeployInvariants.problems(rendered));
        return problems;
    }

    /** Breaks the first object of the kind (the Service: `sluice`) at the pointer. */
    private static Consumer<Rendered> edit(String kind, String pointer, Consumer<ObjectNode> change) {
        return rendered -> change.accept((ObjectNode) rendered.ofKind(kind).get(0).at(pointer));
    }

    private static ObjectNode env(JsonNode container, String name) {
        return named(container.path("env"), name);
    }

    private static ObjectNode named(JsonNode list, String name) {
        for (JsonNode item : list) {
            if (item.path("name").asText().equals(name)) {
                return (ObjectNode) item;
            }
        }
        throw new AssertionError("no " + name + " in " + list);
    }
}
