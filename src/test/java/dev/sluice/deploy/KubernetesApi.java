package dev.sluice.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;

/**
 * Whether an object is one the API server would take, field by field. Kubernetes' own kinds are read into fabric8's
 * model of the Kubernetes 1.34.1 API (a wrong type fails the read); fabric8 keeps any field it does not know in
 * {@code additionalProperties} instead of refusing it, so those are walked and every one is reported, as the API
 * server's strict field validation (kubectl's default) would. The Prometheus Operator's kinds go the same way through
 * fabric8's monitoring.coreos.com/v1 model. KEDA's kinds are checked against a JSON Schema transcribed from KEDA 2.16's
 * CRDs, with unknown fields refused ({@code src/test/resources/deploy/}).
 */
final class KubernetesApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Class<?>> MODELS = Map.of(
            "v1/ServiceAccount", ServiceAccount.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class,
            "monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class,
            "monitoring.coreos.com/v1/PrometheusRule", PrometheusRule.class);
    private static final Map<String, JsonSchema> SCHEMAS = Map.of(
            "keda.sh/v1alpha1/ScaledObject", schema("keda-scaledobject.schema.json"),
            "keda.sh/v1alpha1/TriggerAuthentication", schema("keda-triggerauthentication.schema.json"));

    private KubernetesApi() {
    }

    /** What the API server would refuse in this object; empty if nothing. */
    static List<String> problems(JsonNode object) {
        String type = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
        String name = type + " " + object.at("/metadata/name").asText();
        List<String> problems = new ArrayList<>();
        if (MODELS.containsKey(type)) {
            try {
                unknownFields(JSON.treeToValue(object, MODELS.get(type)), name, problems);
            } catch (IOException | IllegalArgumentException e) {
                problems.add(name + ": " + e.getMessage().lines().findFirst().orElse(""));
            }
        } else if (SCHEMAS.containsKey(type)) {
            for (ValidationMessage message : SCHEMAS.get(type).validate(object)) {
                problems.add(name + ": " + message.getMessage());
            }
        } else {
            problems.add(name + ": no schema for this kind; add its model or schema to KubernetesApi");
        }
        return problems;
    }

    private static void unknownFields(Object value, String path, List<String> problems) {
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", problems);
            }
        } else if (value instanceof Map<?, ?> entries) {
            entries.forEach((key, item) -> unknownFields(item, path + "." + key, problems));
        } else if (value != null && value.getClass().getName().startsWith("io.fabric8.")) {
            for (Method getter : value.getClass().getMethods()) {
                String method = getter.getName();
                if (getter.getParameterCount() != 0 || !method.startsWith("get") || method.equals("getClass")) {
                    continue;
                }
                Object field = invoke(getter, value);
                if (method.equals("getAdditionalProperties")) {
                    if (field instanceof Map<?, ?> unknown && !unknown.isEmpty()) {
                        problems.add(path + ": unknown field(s) " + unknown.keySet());
                    }
                } else {
                    unknownFields(field, path + "." + Character.toLowerCase(method.charAt(3)) + method.substring(4),
                            problems);
                }
            }
        }
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            return null;
        }
    }

    private static JsonSchema schema(String file) {
        try (InputStream in = KubernetesApi.class.getResourceAsStream("/deploy/" + file)) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(JSON.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
