#!/usr/bin/env bash
# Drill 2, slow database: a trigger makes every insert into reviews sleep SLEEP seconds for SLOW seconds. Throughput
# collapses; nothing may be lost, duplicated or dead-lettered, and the backlog drains once the trigger is dropped.
source "$(dirname "$0")/lib.sh"
RATE=${RATE:-200} SLEEP=${SLEEP:-2} SLOW=${SLOW:-30}

begin
start_sluice sluice
watch_pipeline
produce steady --rate="$RATE" --duration=$((SLOW + 45))s --duplicate-percent=5 --invalid-percent=1
sleep 15
say "FAULT: every insert into reviews now sleeps ${SLEEP}s"
sql "CREATE FUNCTION drill_slow_insert() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN PERFORM pg_sleep($SLEEP); RETURN NEW; END \$\$;
     CREATE TRIGGER drill_slow_insert BEFORE INSERT ON reviews FOR EACH ROW EXECUTE FUNCTION drill_slow_insert();" > /dev/null
sleep "$SLOW"
sql "DROP TRIGGER drill_slow_insert ON reviews; DROP FUNCTION drill_slow_insert();" > /dev/null
fault_ended=$(now_ms)
say "FAULT OVER: trigger dropped"
wait_for_load
reconcile "$fault_ended"
