#!/usr/bin/env bash
# Scrapes a running Sluice with a real Prometheus server on prometheus.yml and alerts.yml, then runs every Grafana
# panel query and every alert rule through Prometheus' HTTP API (prometheus_check.py). Fails on a query error, a rule
# that does not evaluate cleanly, or a panel with no data. What check.sh cannot see offline: a metric renamed in the
# app, a label a panel filters on that never comes, an expression promtool accepts that Prometheus rejects at run time.
#
#   observability/prometheus-check.sh                          builds the demo (LocalSluice), starts it, checks it
#   observability/prometheus-check.sh http://localhost:8080    checks a Sluice that already runs (the compose stack)
#
# Needs Prometheus (Debian/Ubuntu: apt-get install prometheus; PROMETHEUS=/path/to/prometheus for another), curl and
# python3 with PyYAML. The demo needs a PostgreSQL as `mvn spring-boot:test-run` does: the embedded one, or as root
# SLUICE_DB_URL=jdbc:postgresql://127.0.0.1:5432/sluice SLUICE_DB_USER=postgres. MVN replaces the Maven command.
set -euo pipefail
cd "$(dirname "$0")/.."

# Seconds between scrapes and rule evaluations: short, so that the panels' $__rate_interval (4 scrapes) fills quickly.
SCRAPE_INTERVAL=5
# How long Sluice may take to answer /readyz: the demo needs 20-45 s on 2 cores (broker, migrations, routes).
READY_TIMEOUT=300

sluice_url=${1:-}
sluice_url=${sluice_url%/}
prometheus=${PROMETHEUS:-prometheus}
read -ra mvn <<< "${MVN:-mvn}"
work=$(mktemp -d)
started=()

stop() {
  local pid=$1
  kill "$pid" 2> /dev/null || return 0
  # Sluice's graceful stop waits up to camel.main.shutdown-timeout (20 s) for the batch in hand.
  for _ in $(seq 1 30); do
    kill -0 "$pid" 2> /dev/null || break
    sleep 1
  done
  kill -9 "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
}

cleanup() {
  local status=$?
  for pid in "${started[@]}"; do
    stop "$pid"
  done
  if ((status == 0)); then
    rm -rf "$work"
  else
    echo "logs kept in $work" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! command -v "$prometheus" > /dev/null; then
  echo "prometheus not found: install it (apt-get install prometheus) or set PROMETHEUS" >&2
  exit 1
fi
python=$(bash observability/python-with-yaml.sh)

free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

version=$("$prometheus" --version 2>&1 | sed -n 's/^prometheus, version \([0-9.]*\).*/\1/p')
echo "==> prometheus $version"

if [[ -z "$sluice_url" ]]; then
  echo "==> ${mvn[*]} test-compile dependency:build-classpath"
  "${mvn[@]}" -B -q test-compile dependency:build-classpath -Dmdep.outputFile="$work/classpath"

  # Prometheus before 2.43 drops every scrape in which a histogram's _count carries an exemplar
  # (prometheus/prometheus#11984), and Spring Boot adds exemplars whenever a Tracer bean exists, even with tracing off.
  # Debian 12 ships 2.42, so for it the demo leaves exemplars out; the metrics are the same either way.
  if [[ "$(printf '%s\n' 2.43.0 "$version" | sort -V | head -n 1)" != 2.43.0 ]]; then
    SPRING_AUTOCONFIGURE_EXCLUDE=org.springframework.boot.actuate.autoconfigure.tracing.prometheus
    export SPRING_AUTOCONFIGURE_EXCLUDE=$SPRING_AUTOCONFIGURE_EXCLUDE.PrometheusExemplarsAutoConfiguration
  fi
  # Free ports, so that a demo already running on 8080 and 9092 neither clashes nor gets checked by mistake.
  port=$(free_port)
  sluice_url="http://127.0.0.1:$port"
  echo "==> starting the demo (LocalSluice) on $sluice_url, log in $work/sluice.log"
  SERVER_PORT=$port SLUICE_DEMO_KAFKA_PORT=$(free_port) \
    java -cp "target/test-classes:target/classes:$(cat "$work/classpath")" dev.sluice.LocalSluice \
    > "$work/sluice.log" 2>&1 &
  started+=($!)
fi

echo "==> waiting for $sluice_url/readyz"
deadline=$((SECONDS + READY_TIMEOUT))
until curl -fsS -o /dev/null "$sluice_url/readyz" 2> /dev/null; do
  if ((${#started[@]})) && ! kill -0 "${started[0]}" 2> /dev/null; then
    echo "the demo stopped before it was ready:" >&2
    tail -n 20 "$work/sluice.log" >&2
    exit 1
  fi
  if ((SECONDS > deadline)); then
    echo "$sluice_url/readyz did not answer 200 within $READY_TIMEOUT s" >&2
    exit 1
  fi
  sleep 2
done

prometheus_url="http://127.0.0.1:$(free_port)"
"$python" observability/prometheus_check.py config "$sluice_url" "$SCRAPE_INTERVAL" > "$work/prometheus.yml"
echo "==> starting Prometheus on $prometheus_url, scraping $sluice_url every $SCRAPE_INTERVAL s"
"$prometheus" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="${prometheus_url#http://}" --log.level=warn > "$work/prometheus.log" 2>&1 &
started+=($!)

"$python" observability/prometheus_check.py check "$prometheus_url" "$SCRAPE_INTERVAL"
