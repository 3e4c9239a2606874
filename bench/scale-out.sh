#!/usr/bin/env bash
# Scale-out: the same backlog drained by 1, 2 and 3 Sluice instances in one consumer group (6 partitions, 2 consumer
# threads each), each count with a consumer group of its own on a truncated database. Reports, per count, the drain
# rate from the moment every consumer had joined to a lag of 0 (dev.sluice.drills.DrainRate) and the exact count of
# rows and dead letters. This machine's 2 cores run the instances, PostgreSQL and the broker together: the curve shows
# where that flattens it, not what more cores would give.
#   bash bench/scale-out.sh                  # BACKLOG=400000
source "$(dirname "$0")/../drills/lib.sh"
BACKLOG=${BACKLOG:-400000}

begin
report="$WORK/report.txt"
say "writing a backlog of $BACKLOG events"
"${TOOL[@]}" dev.sluice.tools.LoadGenerator --bootstrap="$BOOTSTRAP" --rate=0 --max-events="$BACKLOG" --duration=600s \
    --duplicate-percent=5 --invalid-percent=1 --seed=7 > "$WORK/load-backlog.log" 2>&1
expected=$(grep -o 'uniqueValid=[0-9]*\|invalid=[0-9]*' "$WORK/load-backlog.log" | tr '\n' ' ')
say "backlog written: $(grep -o 'sent=.*' "$WORK/load-backlog.log")"
for instances in 1 2 3; do
  group=sluice-scale-$instances
  # The first run's instance creates the schema; the later ones start on empty tables.
  [ "$instances" = 1 ] || sql "TRUNCATE reviews, dlq_events, idempotency_markers, review_stats_minute_increments, superseded_events" > /dev/null
  "${TOOL[@]}" dev.sluice.drills.DrainRate --bootstrap="$BOOTSTRAP" --group="$group" --members=$((instances * 2)) \
      > "$WORK/drain-$instances.log" 2>&1 &
  drain=$!
  for i in $(seq 1 "$instances"); do
    SLUICE_CONSUMER_GROUP_ID=$group SLUICE_THROTTLE_MAX_EVENTS_PER_SECOND=1000000 SLUICE_ROUTES_RELOAD=false launch_sluice "scale$instances-$i"
  done
  say "$instances instance(s) started; draining"
  wait "$drain"
  line="instances=$instances $(cat "$WORK/drain-$instances.log") rows=$(sql "SELECT count(*) FROM reviews") dlq=$(sql "SELECT count(*) FROM dlq_events") expected: $expected"
  echo "$line" | tee -a "$report"
  for i in $(seq 1 "$instances"); do kill_sluice "scale$instances-$i" TERM; done
done
say "report: $report"
