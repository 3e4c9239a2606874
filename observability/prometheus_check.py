"""The Prometheus side of prometheus-check.sh: what promtool cannot tell, asked of a real Prometheus server.

  config URL INTERVAL      prints prometheus.yml scraping the Sluice at URL every INTERVAL seconds, alerts.yml and all
  check URL INTERVAL       waits until the Prometheus at URL has filled its rate windows and evaluated its rules, then
                           runs every dashboard panel query and every rule through /api/v1/query, prints a table and
                           exits 1 if a query fails, a panel has no data or a rule is not healthy
"""
import json
import math
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path

import yaml

OBS = Path(__file__).resolve().parent
JOB = "sluice"

# Panels allowed to show "No data" while Sluice runs normally, by title, each with the reason:
#   "Panel title": "why it is empty while all is well",
# Empty, because every metric the dashboard reads is registered at startup, with 0 where nothing has happened (no
# redelivery, an unused dead-letter reason): a panel that shows nothing has a broken query or lost its metric.
NO_DATA_IN_NORMAL_OPERATION = {}

# How long to wait for the first scrapes and rule evaluations, in all: far more than a healthy start needs.
WARM_UP_TIMEOUT_SECONDS = 120


def derived_config(sluice_url, interval):
    config = yaml.safe_load((OBS / "prometheus.yml").read_text(encoding="utf-8"))
    config["global"]["scrape_interval"] = config["global"]["evaluation_interval"] = f"{interval}s"
    # Absolute, because the derived file lives in a temporary directory and Prometheus resolves rule files from there.
    config["rule_files"] = [str(OBS / name) for name in config["rule_files"]]
    jobs = [job for job in config["scrape_configs"] if job["job_name"] == JOB]
    if not jobs:
        sys.exit(f"prometheus.yml has no job {JOB!r}: the alerts select up{{job={JOB!r}}}")
    jobs[0]["scrape_interval"] = f"{interval}s"
    url = urllib.parse.urlsplit(sluice_url)
    jobs[0]["scheme"] = url.scheme
    jobs[0]["static_configs"] = [{"targets": [url.netloc]}]
    config["scrape_configs"] = jobs
    return yaml.safe_dump(config, sort_keys=False)


class Prometheus:
    def __init__(self, url):
        self.url = url.rstrip("/")

    def get(self, path, **params):
        url = f"{self.url}{path}?{urllib.parse.urlencode(params)}" if params else self.url + path
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return json.load(response)
        except urllib.error.HTTPError as e:
            # Prometheus answers a bad query with 400 and the parse error in the JSON body.
            return json.load(e)

    def query(self, expr):
        """The result vector (or scalar as one sample), or raises with Prometheus' error message."""
        answer = self.get("/api/v1/query", query=expr)
        if answer.get("status") != "success":
            raise ValueError(f"{answer.get('errorType')}: {answer.get('error')}")
        data = answer["data"]
        return [{"value": data["result"]}] if data["resultType"] == "scalar" else data["result"]


def wait_until(deadline, what, condition):
    while True:
        try:
            if condition():
                return
        except (OSError, ValueError, KeyError, StopIteration):
            pass
        if time.monotonic() > deadline:
            sys.exit(f"gave up after {WARM_UP_TIMEOUT_SECONDS} s waiting for {what}")
        time.sleep(1)


def warm_up(prometheus, interval, rate_interval):
    print(f"waiting for Prometheus to scrape Sluice for {rate_interval} s (the panels' $__rate_interval) "
          "and to evaluate every rule group on that data", flush=True)
    deadline = time.monotonic() + WARM_UP_TIMEOUT_SECONDS
    wait_until(deadline, "Prometheus to answer",
               lambda: prometheus.get("/api/v1/status/buildinfo")["status"] == "success")
    wait_until(deadline, f"Prometheus to scrape job {JOB}", lambda: scraped(prometheus))
    wait_until(deadline, f"a full {rate_interval} s window of successful scrapes of job {JOB}", lambda: any(
        float(sample["value"][1]) >= rate_interval / interval
        for sample in prometheus.query(f'sum_over_time(up{{job="{JOB}"}}[{rate_interval}s])')))
    since = time.time() + interval
    wait_until(deadline, "a rule evaluation on that window", lambda: all(
        group["lastEvaluation"] and parse_time(group["lastEvaluation"]) > since
        for group in prometheus.get("/api/v1/rules")["data"]["groups"]))


def scraped(prometheus):
    """Whether the first scrape is done; exits at once if it failed, because Sluice answered /readyz before."""
    target = next(target for target in prometheus.get("/api/v1/targets")["data"]["activeTargets"]
                  if target["labels"]["job"] == JOB)
    if target["health"] == "down":
        hint = ""
        if "does not support exemplars" in target["lastError"]:
            hint = ("\nPrometheus before 2.43 cannot read exemplars on a histogram's _count"
                    " (prometheus/prometheus#11984): use a newer one (PROMETHEUS=...), or start Sluice with"
                    " SPRING_AUTOCONFIGURE_EXCLUDE=org.springframework.boot.actuate.autoconfigure.tracing.prometheus"
                    ".PrometheusExemplarsAutoConfiguration")
        sys.exit(f"Prometheus cannot scrape {target['scrapeUrl']}: {target['lastError']}{hint}")
    return target["health"] == "up"


def parse_time(rfc3339):
    # Prometheus writes nanoseconds, which fromisoformat does not take; whole seconds are enough here.
    return datetime.fromisoformat(re.sub(r"\.\d+", "", rfc3339).replace("Z", "+00:00")).timestamp()


def panels(panel_list):
    for panel in panel_list:
        yield panel
        yield from panels(panel.get("panels", []))


def grafana_variables(dashboard, interval, rate_interval):
    """What Grafana puts in place of each variable the dashboard may use, with its datasource's timeInterval set to
    the scrape interval: $__interval is then the scrape interval (the floor Grafana applies), and $__rate_interval is
    max($__interval + scrape interval, 4 x scrape interval)."""
    values = {"__interval": f"{interval}s", "__rate_interval": f"{rate_interval}s",
              "__range": dashboard.get("time", {}).get("from", "now-1h").removeprefix("now-")}
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("includeAll"):
            values[variable["name"]] = variable.get("allValue") or ".*"
        else:
            current = variable.get("current", {}).get("value")
            values[variable["name"]] = current[0] if isinstance(current, list) else current
    return values


def substitute(expr, values):
    # $name, ${name} and ${name:format}. An unknown name is left alone, as Grafana does; Prometheus then rejects it.
    def replace(match):
        name = match.group(1) or match.group(2)
        return values[name] if values.get(name) is not None else match.group(0)
    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)", replace, expr)


def panel_checks(interval, rate_interval):
    for path in sorted((OBS / "grafana/dashboards").glob("*.json")):
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        values = grafana_variables(dashboard, interval, rate_interval)
        for panel in panels(dashboard.get("panels", [])):
            targets = [target for target in panel.get("targets", []) if target.get("expr")]
            for target in targets:
                name = panel["title"] + (f" [{target.get('refId')}]" if len(targets) > 1 else "")
                yield panel["title"], name, substitute(target["expr"], values)


def rule_checks():
    for rule_file in yaml.safe_load((OBS / "prometheus.yml").read_text(encoding="utf-8"))["rule_files"]:
        for group in yaml.safe_load((OBS / rule_file).read_text(encoding="utf-8"))["groups"]:
            for rule in group["rules"]:
                yield ("alert", rule["alert"]) if "alert" in rule else ("record", rule["record"]), rule["expr"]


def numbers(result):
    """Series with a value to draw: histogram_quantile over buckets that saw nothing yields NaN, which Grafana shows
    as an empty panel."""
    return sum(1 for series in result if not math.isnan(float(series["value"][1])))


def check(prometheus_url, interval):
    interval = int(interval)
    rate_interval = max(interval + interval, 4 * interval)
    prometheus = Prometheus(prometheus_url)
    warm_up(prometheus, interval, rate_interval)

    rows, failures = [], []
    for panel, name, expr in panel_checks(interval, rate_interval):
        try:
            result = prometheus.query(expr)
        except ValueError as error:
            rows.append(("panel", name, "-", "FAIL", expr))
            failures.append(f"panel {name!r}: {error}")
            continue
        count = numbers(result)
        if count or panel in NO_DATA_IN_NORMAL_OPERATION:
            status = "ok" if count else "ok (allowed: no data)"
        else:
            status = "FAIL"
            failures.append(f"panel {name!r}: no data ({len(result)} series, none with a number)")
        rows.append(("panel", name, str(count), status, expr))

    loaded = {rule["name"]: rule for group in prometheus.get("/api/v1/rules")["data"]["groups"]
              for rule in group["rules"]}
    for (kind, name), expr in rule_checks():
        rule = loaded.get(name)
        try:
            # No series is normal: the alert is not firing.
            count, error = str(len(prometheus.query(expr))), None
        except ValueError as e:
            count, error = "-", str(e)
        if rule is None:
            error = error or "not loaded by Prometheus"
        elif rule["health"] != "ok":
            error = error or f"health {rule['health']}: {rule.get('lastError')}"
        if error:
            failures.append(f"rule {name!r}: {error}")
        # An alert's state (inactive, pending, firing) is for the reader: the check is about evaluating cleanly.
        state = f"ok ({rule['state']})" if rule and "state" in rule else "ok"
        rows.append((kind, name, count, "FAIL" if error else state, expr))

    print_table(rows)
    for failure in failures:
        print("FAIL  " + failure)
    print(f"{len(rows) - len(failures)} of {len(rows)} checks passed")
    return 1 if failures else 0


def print_table(rows):
    width = max(len(name) for _, name, *_ in rows)
    print(f"{'':6} {'PANEL OR RULE':{width}} {'SERIES':>6}  {'RESULT':22} EXPRESSION")
    for kind, name, count, status, expr in rows:
        short = " ".join(expr.split())
        short = short if len(short) <= 90 else short[:89] + "…"
        print(f"{kind:6} {name:{width}} {count:>6}  {status:22} {short}")


if __name__ == "__main__":
    command, *arguments = sys.argv[1:] or [""]
    if command == "config" and len(arguments) == 2:
        print(derived_config(*arguments), end="")
    elif command == "check" and len(arguments) == 2:
        sys.exit(check(*arguments))
    else:
        sys.exit(__doc__)
