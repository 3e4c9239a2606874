#!/usr/bin/env bash
# The batch-size curve under a backlog: the throughput scenario once per max-poll-records (one transaction per batch
# of that many records), Sluice only, plus the baseline once for scale. Each size keeps its report.
#   bash bench/batch-curve.sh                       # sizes 500 1000 2000, 400,000 events each
#   CURVE_SIZES="250 500" THROUGHPUT_EVENTS=100000 bash bench/batch-curve.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/target/bench/curve
mkdir -p "$OUT"
export THROUGHPUT_EVENTS=${THROUGHPUT_EVENTS:-400000} BENCH_SCENARIOS=throughput
impls=baseline,sluice
for size in ${CURVE_SIZES:-500 1000 2000}; do
  SLUICE_CONSUMER_MAX_POLL_RECORDS=$size BENCH_IMPLS=$impls bash "$ROOT/bench/run.sh"
  cp "$ROOT/target/bench/report.md" "$OUT/report-$size.md"
  impls=sluice
done
{
  echo "| max-poll-records | events/s, median of 1-s rates | whole backlog events/s | consumer CPU s / 1,000 events | PostgreSQL CPU s / 1,000 events |"
  echo "|---:|---:|---:|---:|---:|"
  for size in ${CURVE_SIZES:-500 1000 2000}; do
    report=$OUT/report-$size.md
    cell() { grep -m1 "^| $1 |" "$report" | awk -F'|' '{gsub(/ /, "", $3); print $3}'; }
    echo "| $size | $(cell 'events/s, median of 1-s rates') | $(cell 'whole backlog: events/s') | $(cell 'consumer CPU s / 1,000 events') | $(cell 'PostgreSQL CPU s / 1,000 events') |"
  done
  echo
  echo "Sluice | baseline | Sluice / baseline at the first size, same invocation: $(grep -m1 '^| events/s, median of 1-s rates |' "$OUT/report-$(echo ${CURVE_SIZES:-500 1000 2000} | cut -d" " -f1).md" 2> /dev/null || true)"
} | tee "$OUT/curve.md"
