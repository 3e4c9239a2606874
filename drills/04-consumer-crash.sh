#!/usr/bin/env bash
# Drill 4, consumer crash: Sluice is killed with SIGKILL CRASHES times under load and restarted each time. No
# graceful shutdown, no final commit: whatever was written but not committed is read again and must be absorbed by
# the idempotent consumer.
source "$(dirname "$0")/lib.sh"
RATE=${RATE:-300} CRASHES=${CRASHES:-3} EVERY=${EVERY:-12}

begin
start_sluice sluice
watch_pipeline
produce steady --rate="$RATE" --duration=$((CRASHES * EVERY + 20))s --duplicate-percent=5 --invalid-percent=1
for crash in $(seq 1 "$CRASHES"); do
  sleep "$EVERY"
  say "FAULT: kill -9 number $crash"
  kill_sluice sluice KILL
  start_sluice sluice
done
fault_ended=$(now_ms)
wait_for_load
reconcile "$fault_ended"
