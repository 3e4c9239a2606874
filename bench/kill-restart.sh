#!/usr/bin/env bash
# A crashed replica coming back: 3 instances in one group (6 partitions) under load; one is killed with SIGKILL and
# started again at once under the same name, as the kubelet restarts a crashed container in its pod. MEMBERSHIP=dynamic
# (no instance id: the group waits out the dead member's session, then rebalances) or static (the name is the group
# instance id: the restarted instance takes its partitions back). Reports the longest time any partition went
# unconsumed (dev.sluice.drills.PartitionStalls), the rebalances, the restart time, and the exact reconciliation.
#   MEMBERSHIP=dynamic bash bench/kill-restart.sh; MEMBERSHIP=static bash bench/kill-restart.sh
source "$(dirname "$0")/../drills/lib.sh"
MEMBERSHIP=${MEMBERSHIP:-static}
RATE=${RATE:-1000}
SESSION_TIMEOUT_MS=${SESSION_TIMEOUT_MS:-45000}
DRILL="kill-restart-$MEMBERSHIP"
WORK=$REPO/target/drills/$DRILL

instance() { [ "$MEMBERSHIP" = static ] && echo "$1" || echo ""; }

begin
for name in sluice-a sluice-b sluice-c; do
  SLUICE_CONSUMER_INSTANCE_ID=$(instance $name) SLUICE_CONSUMER_SESSION_TIMEOUT_MS=$SESSION_TIMEOUT_MS launch_sluice $name
done
for name in sluice-a sluice-b sluice-c; do wait_for_log "${SLUICE_LOGS[$name]}" "Started SluiceApplication" 120 "${SLUICE_PIDS[$name]}"; done
"${TOOL[@]}" dev.sluice.drills.PartitionStalls --bootstrap="$BOOTSTRAP" > "$WORK/stalls.log" 2>&1 &
stalls=$!
watch_pipeline
produce steady --rate="$RATE" --duration=90s --duplicate-percent=5 --invalid-percent=1
sleep 30
say "FAULT: kill -9 sluice-b ($MEMBERSHIP membership, session timeout ${SESSION_TIMEOUT_MS} ms), restarted at once"
generation_before=$(grep -oh 'generationId=[0-9]*' "$WORK"/sluice-*.log | cut -d= -f2 | sort -n | tail -1)
killed_at=$(now_ms)
kill_sluice sluice-b KILL
SLUICE_CONSUMER_INSTANCE_ID=$(instance sluice-b) SLUICE_CONSUMER_SESSION_TIMEOUT_MS=$SESSION_TIMEOUT_MS start_sluice sluice-b
restart=$(( $(now_ms) - killed_at ))
wait_for_load
line=$(reconcile "$killed_at")
kill -TERM "$stalls"; wait "$stalls" || true
rebalances=$(grep -oh 'generationId=[0-9]*' "$WORK"/sluice-*.log | cut -d= -f2 | sort -un | awk -v g="$generation_before" '$1 > g' | wc -l)
echo "$line membership=$MEMBERSHIP restart_to_started=$((restart / 1000))s rebalances_after_kill=$rebalances $(tail -1 "$WORK/stalls.log")" \
    | tee -a "$REPO/target/drills/kill-restart.log"
