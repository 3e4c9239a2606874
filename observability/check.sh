#!/usr/bin/env bash
# Checks the operations assets without starting anything: the Prometheus config and alert rules with promtool
# (syntax, then the unit tests in alerts.test.yml), then docker-compose.yml, Grafana provisioning, the dashboard and
# the runbooks against each other, and the stack's least privilege: the app's database role, ports on 127.0.0.1,
# Grafana's login, images and the Dockerfile's bases at exact versions (check_stack.py). Needs promtool (Debian/Ubuntu:
# apt-get install prometheus) and python3 with PyYAML (apt-get install python3-yaml).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v promtool > /dev/null; then
  echo "promtool not found: install it (apt-get install prometheus, or a release from prometheus.io)" >&2
  exit 1
fi

python=$(bash python-with-yaml.sh)

echo "==> $(promtool --version 2>&1 | head -n 1)"
echo "==> promtool check config prometheus.yml (also checks the rule files it names)"
promtool check config prometheus.yml
echo "==> promtool check rules alerts.yml"
promtool check rules alerts.yml
echo "==> promtool test rules alerts.test.yml"
promtool test rules alerts.test.yml
echo "==> $python check_stack.py (docker-compose.yml, Dockerfile, Grafana, dashboard, runbooks)"
"$python" check_stack.py
echo "==> all checks passed"
