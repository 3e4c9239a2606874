package dev.sluice.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What holds across the objects of an overlay, beyond each object's own schema: every port a probe, a Service, the
 * ServiceMonitor or the NetworkPolicy names is one the container opens; every Secret key read is one
 * deploy/cluster.yaml lists; every ConfigMap read is rendered; the routes ConfigMap holds each file of routes-yaml/ at
 * its path; and the sizes fit what they depend on: maxReplicaCount and the partitions, connections and PostgreSQL's
 * max_connections, the grace period and Camel's shutdown timeout, the heap and the memory limit.
 */
final class DeployInvariants {

    static final Path CLUSTER = Path.of("deploy", "cluster.yaml");
    /** The JVM options the image ships with (pom.xml), which the Deployment repeats. */
    static final String IMAGE_JVM_OPTIONS = imageJvmOptions();
    static final Path ROUTES = Path.of("routes-yaml");
    /** Committed but not counted as heap: metaspace, code cache, GC structures, threads (NMT, docs/performance.md). */
    static final long NON_HEAP_MIB = 225;
    /** Spring's context close, the pool's and the producers' close, after Camel's own shutdown timeout. */
    static final long EXIT_AFTER_CAMEL_SECONDS = 10;
    /** The Kafka scaler's metadata keys (KEDA 2.16): a misspelled one is ignored by KEDA, silently. */
    static final Set<String> KAFKA_SCALER_KEYS = Set.of("bootstrapServers", "bootstrapServersFromEnv", "consumerGroup",
            "consumerGroupFromEnv", "topic", "topicFromEnv", "lagThreshold", "activationLagThreshold",
            "offsetResetPolicy", "allowIdleConsumers", "scaleToZeroOnInvalidOffset", "excludePersistentLag", "version",
            "partitionLimitation", "limitToPartitionsWithLag", "ensureEvenDistributionOfPartitions", "sasl", "tls",
            "unsafeSsl");

    private final JsonNode cluster;
    private final JsonNode application;
    private final List<String> problems = new ArrayList<>();

    private static String imageJvmOptions() {
        try {
            Matcher options = Pattern.compile("<sluice\\.jvm\\.options>([^<]+)</sluice\\.jvm\\.options>")
                    .matcher(Files.readString(Path.of("pom.xml")));
            if (!options.find()) {
                throw new IllegalStateException("pom.xml has no sluice.jvm.options");
            }
            return options.group(1).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private DeployInvariants(JsonNode cluster, JsonNode application) {
        this.cluster = cluster;
        this.application = application;
    }

    static List<String> problems(Rendered rendered) {
        try {
            DeployInvariants check = new DeployInvariants(Rendered.YAML.readTree(CLUSTER.toFile()),
                    Rendered.YAML.readTree(Path.of("src", "main", "resources", "application.yaml").toFile()));
            check.run(rendered);
            return check.problems;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void run(Rendered rendered) throws IOException {
        JsonNode deployment = rendered.deployment();
        JsonNode pod = deployment.at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");
        Set<String> ports = containerPorts(container);
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            JsonNode port = container.path(probe).at("/httpGet/port");
            if (!ports.contains(port.asText())) {
                problems.add("Deployment: " + probe + " checks port '" + port.asText() + "', which the container does not open " + ports);
            }
        }
        services(rendered, deployment, ports);
        serviceMonitor(rendered);
        networkPolicies(rendered, ports);
        secrets(rendered, pod);
        configMaps(rendered, pod);
        routes(rendered, pod, container);
        hardening(pod, container);
        gracePeriod(pod);
        memory(container);
        scaling(rendered, deployment, container);
    }

    private static Set<String> containerPorts(JsonNode container) {
        Set<String> ports = new TreeSet<>();
        container.path("ports").forEach(port -> {
            ports.add(port.path("name").asText());
            ports.add(port.path("containerPort").asText());
        });
        return ports;
    }

    private void services(Rendered rendered, JsonNode deployment, Set<String> ports) {
        JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
        for (JsonNode service : rendered.ofKind("Service")) {
            String name = service.at("/metadata/name").asText();
            if (!matches(service.at("/spec/selector"), podLabels)) {
                problems.add("Service " + name + " selects no pod of the Deployment");
            }
            service.at("/spec/ports").forEach(port -> {
                if (!ports.contains(port.path("targetPort").asText())) {
                    problems.add("Service " + name + " targets port '" + port.path("targetPort").asText() + "', which the container does not open");
                }
            });
        }
        JsonNode selector = deployment.at("/spec/selector/matchLabels");
        if (!matches(selector, podLabels)) {
            problems.add("Deployment: its selector does not match its own pods' labels");
        }
    }

    private void serviceMonitor(Rendered rendered) throws IOException {
        Matcher job = Pattern.compile("up\\{job=\"([^\"]+)\"}").matcher(Files.readString(PrometheusRuleFile.ALERTS));
        String alertsJob = job.find() ? job.group(1) : "";
        for (JsonNode monitor : rendered.ofKind("ServiceMonitor")) {
            List<JsonNode> selected = rendered.ofKind("Service").stream()
                    .filter(service -> matches(monitor.at("/spec/selector/matchLabels"), service.at("/metadata/labels"))).toList();
            if (selected.size() != 1) {
                problems.add("ServiceMonitor selects " + selected.size() + " Services; it must select the management Service alone");
                continue;
            }
            JsonNode service = selected.get(0);
            Set<String> servicePorts = new HashSet<>();
            service.at("/spec/ports").forEach(port -> servicePorts.add(port.path("name").asText()));
            monitor.at("/spec/endpoints").forEach(endpoint -> {
                if (!servicePorts.contains(endpoint.path("port").asText())) {
                    problems.add("ServiceMonitor scrapes port '" + endpoint.path("port").asText() + "', which Service "
                            + service.at("/metadata/name").asText() + " does not have");
                }
            });
            String jobLabel = monitor.at("/spec/jobLabel").asText();
            String scrapedJob = jobLabel.isEmpty() ? service.at("/metadata/name").asText() : service.at("/metadata/labels").path(jobLabel).asText();
            if (!scrapedJob.equals(alertsJob)) {
                problems.add("ServiceMonitor gives the job '" + scrapedJob + "', the alert rules expect job=\"" + alertsJob + "\"");
            }
            if (rendered.ofKind("Service").stream().anyMatch(other -> other != service && other.at("/spec/ports").findValuesAsText("name")
                    .contains(monitor.at("/spec/endpoints/0/port").asText()))) {
                problems.add("the management port is on a Service other apps reach, not only on the one the ServiceMonitor selects");
            }
        }
    }

    private void networkPolicies(Rendered rendered, Set<String> ports) {
        for (JsonNode policy : rendered.ofKind("NetworkPolicy")) {
            policy.at("/spec/ingress").forEach(rule -> rule.path("ports").forEach(port -> {
                if (!ports.contains(port.path("port").asText())) {
                    problems.add("NetworkPolicy admits port '" + port.path("port").asText() + "', which the container does not open");
                }
            }));
        }
    }

    private void secrets(Rendered rendered, JsonNode pod) {
        Map<String, Set<String>> contract = new TreeMap<>();
        cluster.path("secrets").fields().forEachRemaining(secret -> {
            Set<String> keys = new TreeSet<>();
            secret.getValue().forEach(key -> keys.add(key.asText()));
            contract.put(secret.getKey(), keys);
        });
        List<String[]> read = new ArrayList<>();
        pod.findValues("secretKeyRef").forEach(ref -> read.add(new String[]{ref.path("name").asText(), ref.path("key").asText()}));
        pod.path("volumes").forEach(volume -> volume.at("/secret/items").forEach(item ->
                read.add(new String[]{volume.at("/secret/secretName").asText(), item.path("key").asText()})));
        pod.findValues("secretRef").forEach(ref -> read.add(new String[]{ref.path("name").asText(), null}));
        rendered.ofKind("TriggerAuthentication").forEach(auth -> auth.at("/spec/secretTargetRef").forEach(ref ->
                read.add(new String[]{ref.path("name").asText(), ref.path("key").asText()})));
        for (String[] ref : read) {
            if (!contract.containsKey(ref[0])) {
                problems.add("Secret " + ref[0] + " is read but deploy/cluster.yaml does not list it");
            } else if (ref[1] != null && !contract.get(ref[0]).contains(ref[1])) {
                problems.add("Secret " + ref[0] + " has no key '" + ref[1] + "' in deploy/cluster.yaml " + contract.get(ref[0]));
            }
        }
        if (!rendered.ofKind("Secret").isEmpty()) {
            problems.add("a Secret is rendered: Secrets are created in the cluster, never committed");
        }
    }

    private void configMaps(Rendered rendered, JsonNode pod) {
        pod.findValues("configMapRef").forEach(ref -> configMap(rendered, ref.path("name").asText(), null));
        pod.findValues("configMapKeyRef").forEach(ref -> configMap(rendered, ref.path("name").asText(), ref.path("key").asText()));
        pod.path("volumes").forEach(volume -> {
            if (volume.has("configMap")) {
                String name = volume.at("/configMap/name").asText();
                configMap(rendered, name, null);
                volume.at("/configMap/items").forEach(item -> configMap(rendered, name, item.path("key").asText()));
            }
        });
    }

    private void configMap(Rendered rendered, String name, String key) {
        Optional<JsonNode> map = rendered.named("ConfigMap", name);
        if (map.isEmpty()) {
            problems.add("ConfigMap " + name + " is read but not rendered");
        } else if (key != null && !map.get().path("data").has(key)) {
            problems.add("ConfigMap " + name + " has no key '" + key + "'");
        }
    }

    /** Each file of routes-yaml/ is mounted at its own path, with the file's content; nothing else is. */
    private void routes(Rendered rendered, JsonNode pod, JsonNode container) throws IOException {
        String routesDir = env(container, "SLUICE_ROUTES_DIR");
        String volumeName = "";
        String prefix = "";
        for (JsonNode mount : container.path("volumeMounts")) {
            String mountPath = mount.path("mountPath").asText();
            if (routesDir.startsWith(mountPath + "/")) {
                volumeName = mount.path("name").asText();
                prefix = routesDir.substring(mountPath.length() + 1) + "/";
            }
        }
        JsonNode volume = null;
        for (JsonNode candidate : pod.path("volumes")) {
            if (candidate.path("name").asText().equals(volumeName)) {
                volume = candidate;
            }
        }
        if (volume == null || !volume.has("configMap")) {
            problems.add("SLUICE_ROUTES_DIR (" + routesDir + ") is not a directory in a mounted ConfigMap: Kubernetes would "
                    + "make its subdirectories links, which Camel's route scan does not follow");
            return;
        }
        JsonNode data = rendered.named("ConfigMap", volume.at("/configMap/name").asText()).map(map -> map.path("data")).orElse(null);
        Map<String, String> mounted = new TreeMap<>();
        volume.at("/configMap/items").forEach(item -> mounted.put(item.path("path").asText(),
                data == null ? null : data.path(item.path("key").asText()).asText(null)));
        Set<String> files = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(ROUTES)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String relative = ROUTES.relativize(file).toString();
                String path = prefix + relative;
                if (relative.equals("kustomization.yaml")) {
                    continue;
                }
                files.add(path);
                if (!mounted.containsKey(path)) {
                    problems.add("routes-yaml/" + relative + " is not mounted: add it to routes-yaml/kustomization.yaml and to the routes volume's items");
                } else if (!Files.readString(file).equals(mounted.get(path))) {
                    problems.add("routes-yaml/" + relative + " is mounted with other content than the file's");
                }
            }
        }
        mounted.keySet().stream().filter(path -> !files.contains(path))
                .forEach(path -> problems.add("the routes volume mounts " + path + ", which routes-yaml/ does not have"));
    }

    private void hardening(JsonNode pod, JsonNode container) {
        Map<String, Boolean> required = new TreeMap<>(Map.of(
                "pod runs as non-root", pod.at("/securityContext/runAsNonRoot").asBoolean(),
                "seccomp RuntimeDefault", "RuntimeDefault".equals(pod.at("/securityContext/seccompProfile/type").asText()),
                "read-only root filesystem", container.at("/securityContext/readOnlyRootFilesystem").asBoolean(),
                "no privilege escalation", container.at("/securityContext/allowPrivilegeEscalation").isBoolean()
                        && !container.at("/securityContext/allowPrivilegeEscalation").asBoolean(),
                "all capabilities dropped", container.at("/securityContext/capabilities/drop").toString().contains("\"ALL\""),
                "a writable /tmp", container.path("volumeMounts").findValuesAsText("mountPath").contains("/tmp")));
        required.forEach((what, holds) -> {
            if (!holds) {
                problems.add("Deployment: missing " + what);
            }
        });
    }

    private void gracePeriod(JsonNode pod) {
        long grace = pod.path("terminationGracePeriodSeconds").asLong(30);
        long camel = application.at("/camel/main/shutdown-timeout").asLong();
        if (grace <= camel + EXIT_AFTER_CAMEL_SECONDS) {
            problems.add("terminationGracePeriodSeconds " + grace + " is not longer than a graceful stop: Camel's "
                    + "shutdown-timeout " + camel + " s + " + EXIT_AFTER_CAMEL_SECONDS + " s for the JVM's exit");
        }
    }

    private void memory(JsonNode container) {
        String options = env(container, "JAVA_TOOL_OPTIONS");
        if (!options.equals(IMAGE_JVM_OPTIONS)) {
            problems.add("Deployment: JAVA_TOOL_OPTIONS '" + options + "' is not the image's (pom.xml's sluice.jvm.options '"
                    + IMAGE_JVM_OPTIONS + "'): the JVM measured in docs/performance.md is the image's");
        }
        long limit = mebibytes(container.at("/resources/limits/memory").asText());
        Matcher percent = Pattern.compile("MaxRAMPercentage=([0-9.]+)").matcher(env(container, "JAVA_TOOL_OPTIONS"));
        if (limit == 0 || !percent.find()) {
            problems.add("Deployment: no memory limit, or no -XX:MaxRAMPercentage to size the heap from it");
            return;
        }
        long heap = (long) (limit * Double.parseDouble(percent.group(1)) / 100);
        if (heap + NON_HEAP_MIB > limit) {
            problems.add("heap " + heap + " MiB + " + NON_HEAP_MIB + " MiB outside the heap exceeds the memory limit " + limit + " MiB");
        }
        if (!container.at("/resources/requests/memory").asText().equals(container.at("/resources/limits/memory").asText())) {
            problems.add("Deployment: the memory request differs from the limit, so node pressure may evict Sluice");
        }
    }

    private void scaling(Rendered rendered, JsonNode deployment, JsonNode container) {
        int partitions = cluster.path("partitions").asInt();
        int replicas = deployment.at("/spec/replicas").asInt(1);
        for (JsonNode scaled : rendered.ofKind("ScaledObject")) {
            replicas = scaled.at("/spec/maxReplicaCount").asInt(100);
            if (replicas > partitions) {
                problems.add("ScaledObject: maxReplicaCount " + replicas + " exceeds the " + partitions + " partitions: the extra consumers would own none");
            }
            if (scaled.at("/spec/minReplicaCount").asInt(0) > replicas) {
                problems.add("ScaledObject: minReplicaCount above maxReplicaCount");
            }
            if (rendered.named("Deployment", scaled.at("/spec/scaleTargetRef/name").asText()).isEmpty()) {
                problems.add("ScaledObject scales Deployment " + scaled.at("/spec/scaleTargetRef/name").asText() + ", which is not rendered");
            }
            scaled.at("/spec/triggers").forEach(trigger -> kafkaTrigger(rendered, trigger, container));
        }
        if (rendered.ofKind("ScaledObject").isEmpty() && replicas > partitions) {
            problems.add("Deployment: " + replicas + " replicas exceed the " + partitions + " partitions");
        }
        int pool = Optional.ofNullable(envOrNull(container, "SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE")).map(Integer::parseInt)
                .orElse(application.at("/spring/datasource/hikari/maximum-pool-size").asInt());
        int available = cluster.at("/postgres/maxConnections").asInt() - cluster.at("/postgres/reservedConnections").asInt();
        // Flyway migrates on a connection of its own while an instance starts.
        if (replicas * (pool + 1) > available) {
            problems.add(replicas + " replicas x (pool " + pool + " + Flyway's 1) = " + replicas * (pool + 1)
                    + " connections, more than the " + available + " PostgreSQL leaves (deploy/cluster.yaml)");
        }
    }

    private void kafkaTrigger(Rendered rendered, JsonNode trigger, JsonNode container) {
        if (!"kafka".equals(trigger.path("type").asText())) {
            return;
        }
        JsonNode metadata = trigger.path("metadata");
        metadata.fieldNames().forEachRemaining(key -> {
            if (!KAFKA_SCALER_KEYS.contains(key)) {
                problems.add("ScaledObject: the Kafka scaler has no setting '" + key + "' (KEDA would ignore it)");
            }
        });
        if (!metadata.path("consumerGroup").asText().equals(application.at("/sluice/consumer/group-id").asText())) {
            problems.add("ScaledObject: consumerGroup '" + metadata.path("consumerGroup").asText() + "' is not Sluice's group");
        }
        if (!metadata.path("topic").asText().equals(application.at("/sluice/topics/events").asText())) {
            problems.add("ScaledObject: topic '" + metadata.path("topic").asText() + "' is not the events topic");
        }
        if (!metadata.path("lagThreshold").asText().matches("[1-9][0-9]*")) {
            problems.add("ScaledObject: lagThreshold must be a positive whole number");
        }
        metadata.fieldNames().forEachRemaining(key -> {
            if (key.endsWith("FromEnv") && envOrNull(container, metadata.path(key).asText()) == null
                    && !configMapEnv(rendered, container).contains(metadata.path(key).asText())) {
                problems.add("ScaledObject: " + key + " names " + metadata.path(key).asText() + ", which the container does not have");
            }
        });
    }

    private static Set<String> configMapEnv(Rendered rendered, JsonNode container) {
        Set<String> names = new TreeSet<>();
        container.path("envFrom").forEach(from -> rendered.named("ConfigMap", from.at("/configMapRef/name").asText())
                .ifPresent(map -> map.path("data").fieldNames().forEachRemaining(names::add)));
        return names;
    }

    private static boolean matches(JsonNode selector, JsonNode labels) {
        if (selector.isMissingNode() || selector.isEmpty()) {
            return false;
        }
        boolean[] all = {true};
        selector.fields().forEachRemaining(label -> all[0] &= label.getValue().asText().equals(labels.path(label.getKey()).asText(null)));
        return all[0];
    }

    private static String env(JsonNode container, String name) {
        return Optional.ofNullable(envOrNull(container, name)).orElse("");
    }

    private static String envOrNull(JsonNode container, String name) {
        for (JsonNode variable : container.path("env")) {
            if (variable.path("name").asText().equals(name)) {
                return variable.path("value").asText(variable.has("valueFrom") ? "(from " + variable.path("valueFrom") + ")" : "");
            }
        }
        return null;
    }

    private static long mebibytes(String quantity) {
        Matcher amount = Pattern.compile("([0-9]+)(Mi|Gi)").matcher(quantity);
        if (!amount.matches()) {
            return 0;
        }
        return Long.parseLong(amount.group(1)) * (amount.group(2).equals("Gi") ? 1024 : 1);
    }
}
