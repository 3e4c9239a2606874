#!/usr/bin/env bash
# Drill 1, lag climbing: a burst at BURST_RATE (well above what one instance writes), then a trickle. Lag climbs
# during the burst and must drain afterwards, with nothing lost and nothing written twice.
source "$(dirname "$0")/lib.sh"
BURST_RATE=${BURST_RATE:-2000} BURST=${BURST:-20} TRICKLE_RATE=${TRICKLE_RATE:-50}

begin
start_sluice sluice
watch_pipeline
produce burst --rate="$BURST_RATE" --duration="${BURST}s" --duplicate-percent=5 --invalid-percent=1
wait_for_load
burst_ended=$(now_ms)
say "burst over; lag now $(tail -1 "$WORK/timeline.log")"
produce trickle --rate="$TRICKLE_RATE" --duration=30s --duplicate-percent=5 --invalid-percent=1
wait_for_load
reconcile "$burst_ended"
