#!/usr/bin/env bash
# The file backfill's benchmark (issue 16): writes an NDJSON file of BACKFILL_BYTES (1g) with the event-file writer
# (dev.sluice.tools.EventFileWriter), backfills it with Sluice at -Xmx$BACKFILL_HEAP (256m) on the drills' private
# PostgreSQL and broker (drills/lib.sh), samples the JVM's RSS every second, and writes a report: file size, lines,
# events, time, events/s, peak RSS. Then it checks the reconciliation: rows = the file's unique valid events, dead
# letters = its invalid ones. A run that does not reconcile, or goes over BACKFILL_MAX_RSS_MB (512), fails.
#
# BACKFILL_KILL_AFTER=<seconds>: the first run is killed (-9) that long after it started, and the same command is run
# again; the report then shows the resumed run's summary, and the reconciliation proves no event was written twice.
#
#   bash bench/backfill.sh                                            # 1 GB, one run
#   BACKFILL_BYTES=200m BACKFILL_KILL_AFTER=20 bash bench/backfill.sh  # smaller, killed once and resumed
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export SLUICE_DRILL_WORK=${SLUICE_DRILL_WORK:-$ROOT/target/bench/backfill}
source "$ROOT/drills/lib.sh"
DRILL=backfill
BYTES=${BACKFILL_BYTES:-1g}
HEAP=${BACKFILL_HEAP:-256m}
MAX_RSS_MB=${BACKFILL_MAX_RSS_MB:-512}
KILL_AFTER=${BACKFILL_KILL_AFTER:-}
OUT=$REPO/target/bench
REPORT=$OUT/backfill-report.md
export SLUICE_THROTTLE_MAX_EVENTS_PER_SECOND=1000000 SLUICE_ROUTES_RELOAD=false

begin
mkdir -p "$OUT"
FILE=$WORK/events.ndjson
say "writing $BYTES of events to $FILE"
written=$("${TOOL[@]}" dev.sluice.tools.EventFileWriter --file="$FILE" --bytes="$BYTES" --duplicate-percent=2 \
    --invalid-percent=0.5 --seed=16 | grep -o 'lines=.*')
say "file: $written"
value() { grep -o "$1=[0-9]*" <<< "$2" | cut -d= -f2; }

# backfill RUN: the backfill command (Sluice with sluice.backfill.file), its RSS sampled; sets PID and the log.
backfill() {
  LOG=$WORK/backfill-$1.log
  # shellcheck disable=SC2086
  SLUICE_KAFKA_BOOTSTRAP_SERVERS=$BOOTSTRAP SLUICE_DB_URL=$DB_URL SLUICE_ROUTES_DIR=$REPO/routes-yaml \
      java -Xmx"$HEAP" -cp "$CP" dev.sluice.SluiceApplication --server.port=0 --sluice.backfill.file="$FILE" \
      > "$LOG" 2>&1 &
  PID=$!
  BACKGROUND_PIDS+=("$PID")
  STARTED=$(now_ms)
  ( while rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$PID/status" 2> /dev/null) && [ -n "$rss" ]; do
      echo "$rss"; sleep 1; done ) > "$WORK/rss-$1.log" &
}

peak_mb() { sort -n "$WORK/rss-$1.log" | tail -1 | awk '{ printf "%d", $1 / 1024 }'; }

if [ -n "$KILL_AFTER" ]; then
  backfill killed
  sleep "$KILL_AFTER"
  kill -9 "$PID" && wait "$PID" 2> /dev/null || true
  say "first run killed -9 after ${KILL_AFTER}s: $(grep -o 'backfill events.ndjson: [0-9.]*%[^;]*' "$LOG" | tail -1)"
  say "rows so far: $(sql 'SELECT count(*) FROM reviews'), checkpoint: $(sql 'SELECT lines_done FROM backfill_checkpoints')"
fi
backfill run
status=0; wait "$PID" || status=$?
ELAPSED_MS=$(( $(now_ms) - STARTED ))
summary=$(grep -o 'backfill events.ndjson done in.*' "$LOG" || true)
[ "$status" = 0 ] && [ -n "$summary" ] || { say "backfill failed (exit $status); see $LOG"; tail -20 "$LOG"; exit 1; }
say "$summary"

rows=$(sql "SELECT count(*) FROM reviews")
dead=$(sql "SELECT count(*) FROM dlq_events")
peak=$(peak_mb run); [ -z "$KILL_AFTER" ] || peak="$peak (killed run: $(peak_mb killed))"
size=$(stat -c %s "$FILE")
events=$(value lines "$written")
verdict=PASSED
[ "$rows" = "$(value uniqueValid "$written")" ] && [ "$dead" = "$(value invalid "$written")" ] || verdict=FAILED
for run in killed run; do
  [ ! -s "$WORK/rss-$run.log" ] || [ "$(peak_mb $run)" -le "$MAX_RSS_MB" ] || verdict=FAILED
done
{
  echo "# Backfill benchmark ($(date -u +%F\ %H:%M) UTC, commit $(git -C "$REPO" rev-parse --short HEAD))"
  echo
  echo "\`BACKFILL_BYTES=$BYTES BACKFILL_HEAP=$HEAP${KILL_AFTER:+ BACKFILL_KILL_AFTER=$KILL_AFTER} bash bench/backfill.sh\`"
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| file | $(numfmt --to=iec --round=nearest --suffix=B "$size") ($size bytes), NDJSON |"
  echo "| lines (events) | $events: $(value uniqueValid "$written") unique valid, $(value duplicates "$written") duplicates, $(value invalid "$written") invalid |"
  echo "| JVM | -Xmx$HEAP |"
  echo "| time (JVM launch to exit)${KILL_AFTER:+, resumed run} | $(awk -v ms="$ELAPSED_MS" 'BEGIN { printf "%.1f s", ms / 1000 }') |"
  echo "| events/s (the summary's, first batch to last) | $(grep -o '[0-9,]* events/s' <<< "$summary" | tail -1) |"
  echo "| peak RSS | $peak MB (limit $MAX_RSS_MB MB) |"
  echo "| reconciliation | rows $rows = unique valid $(value uniqueValid "$written"); dead letters $dead = invalid $(value invalid "$written"): $verdict |"
  echo
  echo "Summary line: \`$summary\`"
} > "$REPORT"
cat "$REPORT"
[ "$verdict" = PASSED ]
