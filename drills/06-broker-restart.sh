#!/usr/bin/env bash
# Drill 6, broker restart: the (only) Kafka broker is stopped for DOWN seconds under load and started again on the
# same log directory. Producer and consumer reconnect by themselves; the reconciliation must still be exact.
source "$(dirname "$0")/lib.sh"
RATE=${RATE:-300} DOWN=${DOWN:-15}

begin
start_sluice sluice
watch_pipeline
produce steady --rate="$RATE" --duration=$((DOWN + 45))s --duplicate-percent=5 --invalid-percent=1
sleep 15
say "FAULT: stopping the Kafka broker for ${DOWN}s"
stop_kafka
sleep "$DOWN"
start_kafka
fault_ended=$(now_ms)
say "FAULT OVER: broker is back"
wait_for_load
reconcile "$fault_ended"
