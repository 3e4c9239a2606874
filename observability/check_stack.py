"""Offline consistency checks of the docker-compose stack and the observability files (run by check.sh).

Nothing is started: the files are parsed and compared with each other and with the repository. Prints each section
with its number of passed checks and every failed one (`--verbose`: every check), and exits 1 if any failed. The
least-privilege sections (database role, published ports, Grafana login, pinned images) print every check: CI's log
then says which role, bindings and versions it saw.
"""
import ipaddress
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
    "review_stats_freshness_seconds",
    "rows_awaiting_creation",
    "rows_awaiting_creation_oldest_age_seconds",
    "rows_awaiting_creation_max_age_seconds",
} | {
    f"{histogram}{suffix}"
    for histogram in ("processing_duration_seconds", "end_to_end_latency_seconds", "db_query_duration_seconds")
    for suffix in ("_bucket", "_sum", "_count")
}
EXPECTED_TOPICS = {"events.main": 6, "events.dlq": 6}
APP_SERVICE = "app"
# The postgres image runs the scripts mounted here, as its superuser, on the first start of an empty data volume.
INITDB_DIR = "/docker-entrypoint-initdb.d"

# An image is pinned when its reference names a digest (@sha256:...), or a tag that is a whole release version:
# major.minor.patch (a leading v, and a suffix such as -jre or -alpine after it, allowed), or major.minor for the
# images in TWO_PART_VERSIONS, whose upstream numbers its releases that way (postgres:16.11 is patch release 11 of
# PostgreSQL 16). Rejected: no tag (which means latest), latest, and floating tags such as 16, 3.9 or 17-jre, which
# pull another image once upstream releases. A suffix can still float (maven:3.9.12-eclipse-temurin-17 follows JDK 17's
# patch releases); a digest pins that too.
TWO_PART_VERSIONS = {"postgres"}
FULL_VERSION = re.compile(r"v?\d+\.\d+\.\d+(?:[-_+.][\w.+-]*)?")
TWO_PART_VERSION = re.compile(r"\d+\.\d+(?:[-_][\w.-]*)?")
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")

VERBOSE = "--verbose" in sys.argv[1:]
failures = []
passed_in_section = [0]
show_passed = [False]


def section(title, show_each=False):
    end_section()
    print(title)
    show_passed[0] = show_each


def end_section():
    if passed_in_section[0] and not show_passed[0]:
        print(f"  ok    {passed_in_section[0]} checks passed")
    passed_in_section[0] = 0


def check(ok, what):
    if ok:
        passed_in_section[0] += 1
        if VERBOSE or show_passed[0]:
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


def environment(service):
    """A service's environment as a dict, from the mapping or the KEY=VALUE list syntax."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.partition("=")[::2] for item in env)
    return {key: str(value) for key, value in env.items()}


def published_ports(service):
    """(host address, or None for every interface; the entry as written) of each port a service publishes."""
    ports = []
    for port in service.get("ports", []):
        if isinstance(port, dict):
            ports.append((port.get("host_ip"), str(port)))
            continue
        text = str(port).split("/")[0]                     # 8080/tcp
        if text.startswith("["):                           # [::1]:8080:8080
            ports.append((text[1:].partition("]")[0], str(port)))
        else:
            parts = text.split(":")                        # 8080, 8080:8080 or 127.0.0.1:8080:8080
            ports.append((parts[0] if len(parts) == 3 and parts[0] else None, str(port)))
    return ports


def is_loopback(host):
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:                                     # a host name or a ${VARIABLE}
        return False


def image_pin(reference):
    """What pins an image reference (see TWO_PART_VERSIONS), or None if nothing does."""
    name, _, digest = reference.partition("@")
    if digest:
        return "digest" if DIGEST.fullmatch(digest) else None
    repository, colon, tag = name.rpartition(":")
    if not colon or "/" in tag:                            # no tag, or the colon was a registry's port
        return None
    repository = re.sub(r"^(docker\.io/)?(library/)?", "", repository)
    if FULL_VERSION.fullmatch(tag):
        return "major.minor.patch"
    if repository in TWO_PART_VERSIONS and TWO_PART_VERSION.fullmatch(tag):
        return f"major.minor, a whole {repository} version"
    return None


def dockerfile_images(path):
    """The lines naming each image a Dockerfile pulls: its # syntax= frontend and every FROM that is not a stage."""
    text = path.read_text(encoding="utf-8")
    images = []
    for line in text.splitlines():                         # parser directives: only the first lines of the file
        directive = re.fullmatch(r"#\s*(\w+)\s*=\s*(\S+)\s*", line)
        if not directive:
            break
        if directive.group(1).lower() == "syntax":
            images.append("# syntax=" + directive.group(2))
    stages = {"scratch"}
    for match in re.finditer(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", text, re.IGNORECASE | re.MULTILINE):
        image, stage = match.groups()
        if image.lower() not in stages:
            images.append("FROM " + image)
        if stage:
            stages.add(stage.lower())
    return images


def statements(sql, pattern):
    """The statements of sql (each up to its ;) that start with pattern, upper case; case does not matter to SQL."""
    return [match.upper() for match in re.findall(rf"\b{pattern}[^;]*", sql, re.IGNORECASE)]


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
dockerfiles = set()
check({"kafka", "kafka-init", "postgres", "app", "prometheus", "grafana"} <= set(services),
      "services kafka, kafka-init, postgres, app, prometheus and grafana are defined")

for name, service in services.items():
    for source, target in bind_mounts(service):
        check((ROOT / source).exists(), f"{name}: bind-mounted {source} exists (-> {target})")
    build = service.get("build")
    if build is not None:
        context = ROOT / (build if isinstance(build, str) else build.get("context", "."))
        dockerfile = context / ("Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile"))
        if check(dockerfile.is_file(), f"{name}: builds from {dockerfile.relative_to(ROOT)}, which exists"):
            dockerfiles.add(dockerfile)
    depends_on = service.get("depends_on", {})
    targets = depends_on if isinstance(depends_on, list) else list(depends_on)
    for target in targets:
        check(target in services, f"{name}: depends_on {target}, a defined service")
        condition = depends_on[target].get("condition") if isinstance(depends_on, dict) else "service_started"
        if condition == "service_healthy":
            check("healthcheck" in services.get(target, {}), f"{name}: waits for {target} to be healthy; "
                                                              f"{target} has a healthcheck")

env = environment(services[APP_SERVICE])
for secret_service, variable in ((APP_SERVICE, "SLUICE_DB_PASSWORD"), ("postgres", "POSTGRES_PASSWORD"),
                                 ("postgres", "SLUICE_DB_PASSWORD")):
    value = environment(services[secret_service]).get(variable, "")
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

section("docker-compose.yml: the app's database role is no superuser, made by a mounted init script", show_each=True)
postgres_env = environment(services["postgres"])
superuser = postgres_env.get("POSTGRES_USER", "postgres")  # the image's default
app_user = env.get("SLUICE_DB_USER", "")
check(re.fullmatch(r"\w+", app_user) is not None,
      f"app: SLUICE_DB_USER is a fixed role name ({app_user!r}), not a variable the shell could set to the superuser")
check(app_user != superuser, f"app: connects as {app_user!r}, not as the postgres image's superuser {superuser!r}")
init_scripts = []
for source, target in bind_mounts(services["postgres"]):
    if target == INITDB_DIR or target.startswith(INITDB_DIR + "/"):
        path = ROOT / source
        init_scripts += sorted(p for p in path.iterdir() if p.suffix in (".sh", ".sql")) if path.is_dir() else [path]
init_scripts = [path for path in init_scripts if path.is_file()]
check(bool(init_scripts), f"postgres: init scripts are mounted into {INITDB_DIR} "
                          f"({', '.join(str(path.relative_to(ROOT)) for path in init_scripts) or 'none'})")
init_sql = "\n".join(path.read_text(encoding="utf-8") for path in init_scripts)
role = rf'"?{re.escape(app_user)}"?'
created = statements(init_sql, rf"CREATE\s+(?:ROLE|USER)\s+{role}\s")
attributes = set(re.findall(r"\w+", created[0])) if created else set()
required = {"LOGIN", "NOSUPERUSER", "NOCREATEDB", "NOCREATEROLE"}
check(required <= attributes, f"an init script creates role {app_user!r} with {' '.join(sorted(required))} (found: "
                              f"{' '.join(sorted(attributes & required)) or 'no CREATE ROLE ' + app_user})")
# Nothing may give the role back what CREATE ROLE withheld: an attribute, or membership in another role (GRANT postgres
# TO ..., GRANT pg_read_server_files TO ...). A GRANT ... ON ... grants privileges on objects, which is fine.
privileged = {"SUPERUSER", "CREATEDB", "CREATEROLE", "REPLICATION", "BYPASSRLS"}
granted = sorted(attributes & privileged)
for statement in statements(init_sql, rf"ALTER\s+(?:ROLE|USER)\s+{role}\s"):
    granted += sorted(set(re.findall(r"\w+", statement)) & privileged)
granted += [" ".join(grant.split()) for grant in statements(init_sql, r"GRANT\s")
            if re.search(rf"\sTO\s+{role.upper()}\b", grant) and not re.search(r"\sON\s", grant)]
check(not granted, f"no init script gives {app_user!r} a privileged attribute or role (found: {granted or 'none'})")
database = re.fullmatch(r"jdbc:postgresql://[^/]+/(\w+)(?:\?.*)?", env.get("SLUICE_DB_URL", ""))
database = database.group(1) if database else "?"
owned = statements(init_sql, rf'CREATE\s+DATABASE\s+"?{database}"?\s+(?:WITH\s+)?OWNER\s*=?\s*{role}(?!\w)') \
    + statements(init_sql, rf'ALTER\s+DATABASE\s+"?{database}"?\s+OWNER\s+TO\s+{role}(?!\w)')
check(bool(owned), f"an init script makes {app_user!r} the owner of the database SLUICE_DB_URL names ({database!r}), "
                   f"so Flyway can migrate it")
check(postgres_env.get("SLUICE_DB_PASSWORD") == env.get("SLUICE_DB_PASSWORD"),
      f"postgres: the init script gets the app's password from the app's variable "
      f"({postgres_env.get('SLUICE_DB_PASSWORD')})")

section("docker-compose.yml: every published port binds 127.0.0.1 (loopback)", show_each=True)
for name, service in services.items():
    if service.get("network_mode") == "host":
        check(False, f"{name}: no network_mode host, which would put every port it listens on on the network")
    for host, written in published_ports(service):
        check(is_loopback(host), f"{name}: {written} is published on loopback only "
                                 f"(host address: {host or 'none, so every interface'})")

section("docker-compose.yml: Grafana asks for a login", show_each=True)
grafana_env = environment(services["grafana"])
anonymous = grafana_env.get("GF_AUTH_ANONYMOUS_ENABLED")
check(anonymous is None or anonymous.lower() == "false",
      f"grafana: anonymous access is off (GF_AUTH_ANONYMOUS_ENABLED={anonymous})")
check(re.fullmatch(r"\$\{\w+:\?[^}]*\}", grafana_env.get("GF_SECURITY_ADMIN_PASSWORD", "")) is not None,
      f"grafana: admin's password comes from the environment ({grafana_env.get('GF_SECURITY_ADMIN_PASSWORD')})")

section("docker-compose.yml and Dockerfiles: every image pinned to an exact version", show_each=True)
for name, service in services.items():
    if "build" in service:                                 # its image, if any, names what is built
        continue
    reference = str(service.get("image", ""))
    pin = image_pin(reference)
    check(pin is not None, f"{name}: image {reference!r} is pinned ({pin or 'no: latest, no tag or a floating tag'})")
for dockerfile in sorted(dockerfiles):
    for line in dockerfile_images(dockerfile):
        pin = image_pin(re.split(r"[ =]", line)[-1])
        check(pin is not None, f"{dockerfile.relative_to(ROOT)}: {line} is pinned "
                               f"({pin or 'no: latest, no tag or a floating tag'})")

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
