"""Offline consistency checks of the docker-compose stack and the observability files (run by check.sh).

Nothing is started: the files are parsed and compared with each other and with the repository. Prints each section
with its number of passed checks and every failed one (`--verbose`: every check), and exits 1 if any failed.
"""
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OBS = ROOT / "observability"

# What the app exports on /actuator/prometheus (all with application="sluice"), plus Prometheus' own `up`.
# A name used in alerts.yml or the dashboard must be here; add it only once the app exports it.
EXPORTED_METRICS = {
    "up",
    "events_consumed_total",
    "events_processed_total",
    "dlq_events_total",
    "retries_total",
    "inflight_workers",
    "circuit_breaker_state",
    "consumer_lag",
    "consumer_committed_offset",
    "event_types_unroutable",
    "write_chunk_size",
    "pipeline_last_success_timestamp_seconds",
} | {
    f"{histogram}{suffix}"
    for histogram in ("processing_duration_seconds", "end_to_end_latency_seconds", "db_query_duration_seconds")
    for suffix in ("_bucket", "_sum", "_count")
}
EXPECTED_TOPICS = {"events.main": 6, "events.dlq": 6}
APP_SERVICE = "app"

VERBOSE = "--verbose" in sys.argv[1:]
failures = []
passed_in_section = [0]


def section(title):
    end_section()
    print(title)


def end_section():
    if passed_in_section[0]:
        print(f"  ok    {passed_in_section[0]} checks passed")
    passed_in_section[0] = 0


def check(ok, what):
    if ok:
        passed_in_section[0] += 1
        if VERBOSE:
            print("  ok    " + what)
    else:
        print("  FAIL  " + what)
        failures.append(what)
    return ok


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def metric_names(expr):
    """The metric names an expression selects: identifiers that are not functions, keywords or label names."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)          # string literals
    expr = re.sub(r"\{[^}]*\}", "", expr)                  # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)                 # range selectors
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    expr = re.sub(r"\$\w+", "", expr)                      # Grafana variables
    names = set()
    for match in re.finditer(r"[a-zA-Z_:][a-zA-Z0-9_:]*", expr):
        rest = expr[match.end():].lstrip()
        if rest.startswith("("):                           # a function call
            continue
        if match.group(0) in {"and", "or", "unless", "bool", "offset", "inf", "nan", "e"}:
            continue
        if re.fullmatch(r"e\d*", match.group(0)) or expr[match.start() - 1:match.start()].isdigit():
            continue                                       # exponent of a number literal such as 1e-9
        names.add(match.group(0))
    return names


def bind_mounts(service):
    """(host path, container path) of every bind mount of a service, short or long syntax."""
    mounts = []
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            if volume.get("type") == "bind":
                mounts.append((volume["source"], volume["target"]))
        else:
            parts = volume.split(":")
            if parts[0].startswith((".", "/", "~")):
                mounts.append((parts[0], parts[1]))
    return mounts


def container_ports(service):
    ports = set()
    for port in service.get("ports", []):
        if isinstance(port, dict):
            ports.add(int(port["target"]))
        else:
            ports.add(int(str(port).split(":")[-1].split("/")[0]))
    return ports


def mount_target(compose, service_name, host_path):
    for source, target in bind_mounts(compose["services"][service_name]):
        if (ROOT / source).resolve() == host_path.resolve():
            return target
    return None


section("docker-compose.yml: services, mounts, dependencies, secrets, topics")
compose = load_yaml(ROOT / "docker-compose.yml")
services = compose.get("services", {})
check({"kafka", "kafka-init", "postgres", "app", "prometheus", "grafana"} <= set(services),
      "services kafka, kafka-init, postgres, app, prometheus and grafana are defined")

for name, service in services.items():
    for source, target in bind_mounts(service):
        check((ROOT / source).exists(), f"{name}: bind-mounted {source} exists (-> {target})")
    build = service.get("build")
    if build is not None:
        context = ROOT / (build if isinstance(build, str) else build.get("context", "."))
        dockerfile = context / ("Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile"))
        check(dockerfile.is_file(), f"{name}: builds from {dockerfile.relative_to(ROOT)}, which exists")
    depends_on = service.get("depends_on", {})
    targets = depends_on if isinstance(depends_on, list) else list(depends_on)
    for target in targets:
        check(target in services, f"{name}: depends_on {target}, a defined service")
        condition = depends_on[target].get("condition") if isinstance(depends_on, dict) else "service_started"
        if condition == "service_healthy":
            check("healthcheck" in services.get(target, {}), f"{name}: waits for {target} to be healthy; "
                                                              f"{target} has a healthcheck")

env = {k: str(v) for k, v in services[APP_SERVICE].get("environment", {}).items()}
for secret_service, variable in ((APP_SERVICE, "SLUICE_DB_PASSWORD"), ("postgres", "POSTGRES_PASSWORD"),
                                 ("grafana", "GF_SECURITY_ADMIN_PASSWORD")):
    value = str(services[secret_service].get("environment", {}).get(variable, ""))
    check(re.fullmatch(r"\$\{\w+:\?[^}]*\}", value) is not None,
          f"{secret_service}: {variable} comes from the environment with no default ({value})")
routes_target = mount_target(compose, APP_SERVICE, ROOT / "routes-yaml")
check(routes_target is not None and env.get("SLUICE_ROUTES_DIR") == routes_target,
      f"app: SLUICE_ROUTES_DIR ({env.get('SLUICE_ROUTES_DIR')}) is where ./routes-yaml is mounted ({routes_target})")

init_command = services["kafka-init"].get("command", "")
init_command = " ".join(init_command) if isinstance(init_command, list) else str(init_command)
created = {}
for create in re.split(r"&&|;", init_command):
    topic = re.search(r"--topic\s+(\S+)", create)
    if topic and "--create" in create:
        partitions = re.search(r"--partitions\s+(\d+)", create)
        created[topic.group(1)] = int(partitions.group(1)) if partitions else None
check(created == EXPECTED_TOPICS, f"kafka-init creates {EXPECTED_TOPICS} (found {created})")
application_yaml = ROOT / "src/main/resources/application.yaml"
if application_yaml.is_file():
    topics = (load_yaml(application_yaml).get("sluice") or {}).get("topics") or {}
    check({topics.get("events"), topics.get("dead-letter")} == set(EXPECTED_TOPICS),
          f"application.yaml's sluice.topics ({topics}) are the topics kafka-init creates")

section("observability/prometheus.yml: scrape target and rule files against the compose file")
prometheus = load_yaml(OBS / "prometheus.yml")
jobs = {job["job_name"]: job for job in prometheus.get("scrape_configs", [])}
sluice_job = jobs.get("sluice")
if check(sluice_job is not None, "a scrape job named sluice exists"):
    check(sluice_job.get("metrics_path") == "/actuator/prometheus", "job sluice scrapes /actuator/prometheus")
    targets = [t for sc in sluice_job.get("static_configs", []) for t in sc.get("targets", [])]
    app_ports = container_ports(services[APP_SERVICE])
    for target in targets:
        host, _, port = target.partition(":")
        check(host == APP_SERVICE and port.isdigit() and int(port) in app_ports,
              f"scrape target {target} is the app service on a port it publishes {sorted(app_ports)}")
config_target = mount_target(compose, "prometheus", OBS / "prometheus.yml")
check(config_target == "/etc/prometheus/prometheus.yml",
      f"prometheus: prometheus.yml is mounted at the image's config path ({config_target})")
for rule_file in prometheus.get("rule_files", []):
    check(not rule_file.startswith("/") and (OBS / rule_file).is_file(),
          f"rule file {rule_file} is relative and exists next to prometheus.yml")
    expected = str(Path(config_target or "/etc/prometheus/prometheus.yml").parent / rule_file)
    check(mount_target(compose, "prometheus", OBS / rule_file) == expected,
          f"prometheus: {rule_file} is mounted at {expected}, where rule_files finds it")

section("observability/alerts.yml: labels, annotations, runbooks, test cases")
alerts = [rule for group in load_yaml(OBS / "alerts.yml")["groups"] for rule in group["rules"] if "alert" in rule]
required = {"SluiceDown", "SluiceNoProgress", "SluiceConsumerLagHigh", "SluiceErrorRateHigh",
            "SluiceDeadLetterRateHigh", "SluiceCircuitBreakerOpen", "SluiceDataStale"}
check(required <= {a["alert"] for a in alerts}, f"alerts {sorted(required)} are defined")
tests = load_yaml(OBS / "alerts.test.yml")
cases = [case for test in tests["tests"] for case in test.get("alert_rule_test", [])]
used_metrics = {}
quoted_panels = {}
for alert in alerts:
    name = alert["alert"]
    annotations = alert.get("annotations", {})
    check(alert.get("labels", {}).get("severity") in ("critical", "warning"), f"{name}: severity critical|warning")
    check(all(annotations.get(key) for key in ("summary", "description")), f"{name}: summary and description")
    runbook = annotations.get("runbook", "")
    check(bool(runbook) and not runbook.startswith("/") and (ROOT / runbook).is_file(),
          f"{name}: runbook {runbook!r} exists")
    check(any(c["alertname"] == name and c.get("exp_alerts") for c in cases)
          and any(c["alertname"] == name and not c.get("exp_alerts") for c in cases),
          f"{name}: alerts.test.yml has a firing and a quiet case")
    for metric in metric_names(alert["expr"]):
        used_metrics.setdefault(metric, set()).add(f"alert {name}")
    for panel in re.findall(r'"([^"]+)" panel', annotations.get("description", "").replace("\n", " ")):
        quoted_panels.setdefault(panel, set()).add(f"alert {name}")
    for panel in re.findall(r'"([^"]+)" and "([^"]+)" panels', annotations.get("description", "")):
        for title in panel:
            quoted_panels.setdefault(title, set()).add(f"alert {name}")

section("observability/grafana: datasource, provisioning mounts, dashboard datasources")
datasources = load_yaml(OBS / "grafana/provisioning/datasources/prometheus.yml")["datasources"]
uids = {ds["uid"] for ds in datasources}
check(len(uids) == len(datasources) and all(uids), f"datasources have fixed uids {sorted(uids)}")
for ds in datasources:
    check(ds.get("url") == "http://prometheus:9090" and 9090 in container_ports(services["prometheus"]),
          f"datasource {ds['uid']} points at the prometheus service ({ds.get('url')})")
for folder in ("datasources", "dashboards"):
    target = mount_target(compose, "grafana", OBS / "grafana/provisioning" / folder)
    check(target == f"/etc/grafana/provisioning/{folder}", f"grafana: provisioning/{folder} is mounted ({target})")
providers = load_yaml(OBS / "grafana/provisioning/dashboards/sluice.yml")["providers"]
dashboards_target = mount_target(compose, "grafana", OBS / "grafana/dashboards")
for provider in providers:
    check(provider["options"]["path"] == dashboards_target,
          f"dashboard provider {provider['name']} reads {provider['options']['path']}, where the dashboards folder "
          f"is mounted ({dashboards_target})")

dashboard_files = sorted((OBS / "grafana/dashboards").glob("*.json"))
check(bool(dashboard_files), "observability/grafana/dashboards holds dashboards")
titles = set()
for path in dashboard_files:
    dashboard = json.loads(path.read_text(encoding="utf-8"))
    panels = []
    for panel in dashboard.get("panels", []):
        panels.append(panel)
        panels.extend(panel.get("panels", []))             # panels inside collapsed rows
    for panel in panels:
        if panel.get("type") == "row":
            continue
        title = panel.get("title", "?")
        titles.add(title)
        uid = (panel.get("datasource") or {}).get("uid")
        check(uid in uids, f"{path.name}: panel {title!r} uses datasource {uid!r}")
        for target in panel.get("targets", []):
            target_uid = (target.get("datasource") or {"uid": uid}).get("uid")
            check(target_uid in uids, f"{path.name}: panel {title!r} query {target.get('refId')} uses datasource "
                                      f"{target_uid!r}")
            for metric in metric_names(target.get("expr", "")):
                used_metrics.setdefault(metric, set()).add(f"panel {title!r}")
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") == "query":
            uid = (variable.get("datasource") or {}).get("uid")
            check(uid in uids, f"{path.name}: variable {variable['name']} uses datasource {uid!r}")
            definition = variable.get("definition", "")
            for metric in re.findall(r"label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)", definition):
                used_metrics.setdefault(metric, set()).add(f"variable {variable['name']}")

section("metric names used by alerts.yml and the dashboard")
for metric, users in sorted(used_metrics.items()):
    check(metric in EXPORTED_METRICS, f"metric {metric} is one the app exports, or up (used by {', '.join(sorted(users))})")

section("runbooks: index, links, dashboard panels they name")
index = (ROOT / "runbooks/README.md").read_text(encoding="utf-8")
for alert in alerts:
    runbook = Path(alert["annotations"].get("runbook", "")).name
    check(re.search(rf"{alert['alert']}\b.*\({re.escape(runbook)}\)", index) is not None,
          f"runbooks/README.md maps {alert['alert']} to {runbook}")
for path in sorted((ROOT / "runbooks").glob("*.md")):
    text = path.read_text(encoding="utf-8")
    for link in sorted(set(re.findall(r"\]\(([^)#]+\.md)(?:#[^)]*)?\)", text))):
        check((path.parent / link).is_file(), f"{path.name}: link to {link} resolves")
    for panel in re.findall(r'panel "([^"]+)"', text, re.IGNORECASE):
        quoted_panels.setdefault(panel, set()).add(path.name)
for panel, users in sorted(quoted_panels.items()):
    check(panel in titles, f"panel {panel!r} exists in the dashboard (named by {', '.join(sorted(users))})")

end_section()
if failures:
    print(f"\n{len(failures)} check(s) failed:")
    for failure in failures:
        print(f"  - {failure}")
    sys.exit(1)
print("\nAll stack checks passed.")
