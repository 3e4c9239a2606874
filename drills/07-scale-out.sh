#!/usr/bin/env bash
# Drill 7, scale-out: two instances share the consumer group (the partitions split between them); one is killed with
# SIGKILL mid-load. Its partitions move to the survivor after the session times out, which re-reads whatever the dead
# one wrote but had not committed; the reconciliation must still be exact.
source "$(dirname "$0")/lib.sh"
RATE=${RATE:-300}

begin
start_sluice sluice-a
start_sluice sluice-b
watch_pipeline
produce steady --rate="$RATE" --duration=60s --duplicate-percent=5 --invalid-percent=1
sleep 20
say "FAULT: kill -9 sluice-b"
kill_sluice sluice-b KILL
fault_ended=$(now_ms)
wait_for_load
reconcile "$fault_ended"
say "sluice-b before the kill: $(grep -o 'Adding newly assigned partitions: [^"]*' "$WORK"/sluice-b-1.log | tail -1 || true)"
say "sluice-a at the end:      $(grep -o 'Adding newly assigned partitions: [^"]*' "$WORK"/sluice-a-1.log | tail -1 || true)"
