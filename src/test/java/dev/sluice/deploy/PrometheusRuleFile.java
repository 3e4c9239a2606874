package dev.sluice.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * deploy/base/prometheus-rule.yaml, generated from observability/alerts.yml: the same groups under a PrometheusRule's
 * spec, comments and all, so Prometheus in Kubernetes evaluates exactly the rules promtool tests. The rule file's
 * top-level {@code groups:} is the PrometheusRule's {@code spec.groups}, so indenting it under {@code spec:} is the
 * whole translation.
 */
final class PrometheusRuleFile {

    static final Path ALERTS = Path.of("observability", "alerts.yml");
    static final Path GENERATED = Path.of("deploy", "base", "prometheus-rule.yaml");

    private static final String HEADER = """
            # Generated from observability/alerts.yml by dev.sluice.deploy.PrometheusRuleFile; do not edit. After editing alerts.yml:
            # mvn verify -Dtest=ManifestsTest -Dsluice.deploy.write=true (ManifestsTest fails while this file differs).
            apiVersion: monitoring.coreos.com/v1
            kind: PrometheusRule
            metadata:
              name: sluice
              labels:
                app.kubernetes.io/name: sluice
            spec:
            """;

    private PrometheusRuleFile() {
    }

    static String generate() throws IOException {
        return HEADER + Files.readAllLines(ALERTS).stream()
                .map(line -> line.isEmpty() ? line : "  " + line)
                .collect(Collectors.joining("\n", "", "\n"));
    }
}
