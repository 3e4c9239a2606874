#!/usr/bin/env bash
# Every drill, one after the other; each prints its reconciliation line, and all of them are appended to
# target/drills/results.log. Exit status: the number of drills that did not reconcile.
set -uo pipefail
cd "$(dirname "$0")"
failed=0
for drill in [0-9][0-9]-*.sh; do
  echo "=== $drill"
  bash "$drill" || failed=$((failed + 1))
done
echo "=== $failed drill(s) did not reconcile"
exit "$failed"
