#!/usr/bin/env bash
# Drill 5, database down: PostgreSQL stops for OUTAGE seconds under load. Expected: the breaker opens, the consumer
# pauses, nothing healthy is dead-lettered, and once PostgreSQL is back the backlog drains to an exact reconciliation.
source "$(dirname "$0")/lib.sh"
RATE=${RATE:-300} OUTAGE=${OUTAGE:-60}

begin
start_sluice sluice
watch_pipeline
produce steady --rate="$RATE" --duration=$((OUTAGE + 60))s --duplicate-percent=5 --invalid-percent=1
sleep 20
say "FAULT: stopping PostgreSQL for ${OUTAGE}s"
stop_postgres
sleep "$OUTAGE"
start_postgres
fault_ended=$(now_ms)
say "FAULT OVER: PostgreSQL is back"
wait_for_load
reconcile "$fault_ended"
say "breaker: $(grep -o 'Database circuit breaker State transition from [A-Z_]* to [A-Z_]*' "$WORK"/sluice-1.log | sed 's/.*from //' | tr '\n' ',' || true)"
