#!/usr/bin/env bash
# The benchmark (issue 6): Sluice against a hand-written baseline consumer (dev.sluice.bench.BaselineConsumer) and,
# when asked, Kafka Connect with the Debezium JDBC sink (bench/connect/) in one invocation, scenario by scenario, on the
# drills' private broker and PostgreSQL (drills/lib.sh). Every run gets a fresh database, topic and consumer group and
# ends with the drills' exact reconciliation: a run that does not reconcile is FAILED, and the script exits 1. Writes
# target/bench/report.md and report.png. Knobs: bench/README.md.
#
#   bash bench/run.sh                                   # everything, full size
#   BENCH_QUICK=1 bash bench/run.sh                     # a smoke run with tiny counts
#   BENCH_SCENARIOS=latency,spike bash bench/run.sh     # some scenarios only
#   BENCH_IMPLS=baseline,sluice,connect,connect-unnest BENCH_SCENARIOS=throughput bash bench/run.sh
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export SLUICE_DRILL_WORK=${SLUICE_DRILL_WORK:-$ROOT/target/bench/work}
source "$ROOT/drills/lib.sh"
source "$ROOT/bench/connect/series.sh"
DRILL=bench
OUT=$REPO/target/bench

quick() { [ "${BENCH_QUICK:-0}" = 1 ]; }
pick() { if quick; then echo "$1"; else echo "$2"; fi; }   # pick QUICK FULL

SCENARIOS=${BENCH_SCENARIOS:-throughput,latency,spike,backlog}
IMPLS=${BENCH_IMPLS:-baseline,sluice}
THROUGHPUT_EVENTS=${THROUGHPUT_EVENTS:-$(pick 4000 1500000)}
THROUGHPUT_WINDOW=${THROUGHPUT_WINDOW:-$(pick 5 60)}
LATENCY_RATES=${LATENCY_RATES:-$(pick 50,100,200 1000,2000,10000)}
LATENCY_WARMUP=${LATENCY_WARMUP:-$(pick 2 10)}
LATENCY_SECONDS=${LATENCY_SECONDS:-$(pick 5 30)}
SPIKE_RATE=${SPIKE_RATE:-$(pick 1500 50000)}
SPIKE_SECONDS=${SPIKE_SECONDS:-$(pick 2 10)}
SPIKE_BASE_RATE=${SPIKE_BASE_RATE:-$(pick 50 1000)}
SPIKE_LEAD=${SPIKE_LEAD:-$(pick 3 10)}
BACKLOG_EVENTS=${BACKLOG_EVENTS:-$(pick 4000 1000000)}
UPSERT_EVENTS=${UPSERT_EVENTS:-$(pick 4000 800000)}
BACKLOG_HEAP=${BACKLOG_HEAP:-256m}
BENCH_HEAP=${BENCH_HEAP:-384m}
DUPLICATE_PERCENT=${DUPLICATE_PERCENT:-5}
INVALID_PERCENT=${INVALID_PERCENT:-0.5}
# A run that has not drained after 120 s + events / BENCH_MIN_RATE is FAILED (it would never end otherwise).
BENCH_MIN_RATE=${BENCH_MIN_RATE:-300}
MAX_SECONDS=$((120 + (THROUGHPUT_EVENTS + BACKLOG_EVENTS + UPSERT_EVENTS) / BENCH_MIN_RATE))

# Sluice as deployed, except that its throttle (5,000/s by default) must not be what the benchmark measures, and the
# routes are a snapshot taken at the start (live reload off), like the compiled classes (lib.sh's classpath()).
export SLUICE_THROTTLE_MAX_EVENTS_PER_SECOND=${SLUICE_THROTTLE_MAX_EVENTS_PER_SECOND:-1000000}
export SLUICE_ROUTES_RELOAD=false
# ... and its JVM as it ships: the image's options (pom.xml's sluice.jvm.options) after the run's -Xmx, which wins over
# their MaxRAMPercentage. BENCH_SLUICE_SHIPPED_JVM=0 launches Sluice with the JVM's defaults instead.
SLUICE_SHIPPED_JVM=$(sed -n 's|.*<sluice.jvm.options>\(.*\)</sluice.jvm.options>.*|\1|p' "$ROOT/pom.xml")
[ "${BENCH_SLUICE_SHIPPED_JVM:-1}" = 1 ] || SLUICE_SHIPPED_JVM=""

report_python() {
  local py
  for py in python3 /usr/bin/python3; do
    if "$py" -c 'import matplotlib' 2> /dev/null; then command -v "$py"; return; fi
  done
  say "installing python3-matplotlib (apt-get) for the report's plot" >&2
  local sudo; sudo=$([ "$(id -u)" = 0 ] || echo sudo)
  mkdir -p "$REPO/target"
  { $sudo apt-get install -y -q python3-matplotlib || { $sudo apt-get update -q && $sudo apt-get install -y -q python3-matplotlib; }; } \
      > "$REPO/target/bench-apt.log" 2>&1 || { say "apt-get failed; see target/bench-apt.log" >&2; exit 1; }
  echo /usr/bin/python3
}

enable_commit_timestamps() {
  # Latency is measured in the database: commit time of a row's transaction minus the event's ts (its produce time).
  sql "ALTER SYSTEM SET track_commit_timestamp = on" > /dev/null
  stop_postgres && start_postgres
  [ "$(sql 'SHOW track_commit_timestamp')" = on ] || { say "track_commit_timestamp did not turn on"; exit 1; }
}

record() { printf '%s\n' "$@" >> "$RUN_DIR/run.env"; }

cpu_ticks() {   # user+system CPU of the given pids and of their children already reaped, in clock ticks
  awk '{ sub(/.*\) /, ""); split($0, f, " "); s += f[12] + f[13] + f[14] + f[15] } END { print s + 0 }' \
      $(printf '/proc/%s/stat ' "$@") 2> /dev/null || true
}
# thread_cpu PID: "<ticks> <thread name>" for each thread of the process (names as the kernel keeps them, 15 bytes).
thread_cpu() {
  for stat in /proc/"$1"/task/*/stat; do
    awk '{ name = $0; sub(/^[^(]*\(/, "", name); sub(/\) .*/, "", name); rest = $0; sub(/.*\) /, "", rest);
           split(rest, f, " "); print f[12] + f[13], name }' "$stat" 2> /dev/null || true
  done
}
pg_pids() { local pm; pm=$(head -1 "$WORK/pg/data/postmaster.pid"); echo "$pm" $(pgrep -P "$pm"); }

sample_rss() {  # <unix-ms> <rss-kB> once a second while the process lives (at most MAX_SECONDS)
  local rss
  for _ in $(seq 1 "$MAX_SECONDS"); do
    rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2> /dev/null) || break
    [ -n "$rss" ] || break
    echo "$(now_ms) $rss"
    sleep 1
  done
}

create_topic() { "${TOOL[@]}" dev.sluice.bench.BenchTopic create --bootstrap="$BOOTSTRAP" --topic="$1"; }

await_load() { wait "$1" || say "load generator $1 failed (the reconciliation will say so)"; }

sent_total() { grep -ho 'Done: sent=[0-9]*' ${LOAD_LOGS//,/ } 2> /dev/null | awk -F= '{ s += $2 } END { print s + 0 }'; }

# begin_run SCENARIO IMPL TOPIC [LOAD_LOGS]: a fresh database and consumer group; the topic is fresh or a backlog
# produced for this scenario (each consumer group reads it from the start).
begin_run() {
  SCENARIO=$1 IMPL=$2 TOPIC=$3 LOAD_LOGS=${4:-}
  RUN=$1-$2 GROUP=bench-$1-$2-$(date +%s)
  RUN_DIR=$OUT/runs/$RUN
  mkdir -p "$RUN_DIR"
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -q -c "DROP DATABASE IF EXISTS sluice WITH (FORCE)" \
      -c "CREATE DATABASE sluice"
  # Connect's sink names its consumer group connect-<connector>; its schema is Sluice's migrations, applied here.
  if is_connect "$IMPL"; then GROUP=connect-$GROUP; connect_schema; fi
  say "run $RUN: fresh database, topic $TOPIC, group $GROUP"
  record "scenario=$1" "impl=$2" "topic=$TOPIC" "group=$GROUP"
  "${TOOL[@]}" dev.sluice.bench.LagSampler --bootstrap="$BOOTSTRAP" --group="$GROUP" --topic="$TOPIC" \
      --max-seconds="$MAX_SECONDS" > "$RUN_DIR/lag.log" 2> /dev/null &
  BACKGROUND_PIDS+=($!)
}

# start_consumer HEAP: Sluice (lib.sh's start_sluice) or the baseline, then its memory and GC samplers.
start_consumer() {
  local jvm="-Xmx$1 -Xlog:gc:file=$RUN_DIR/gc.log"
  # BENCH_JFR=1: a Flight Recorder profile of each consumer, to see where its CPU goes. BENCH_JFR=waits also records
  # every park, socket read and lock wait, to see where its wall-clock time goes (latency).
  local waits=jdk.ThreadPark#threshold=0ms,jdk.SocketRead#threshold=0ms,jdk.JavaMonitorEnter#threshold=0ms
  case ${BENCH_JFR:-0} in
    1) jvm="$jvm -XX:StartFlightRecording=settings=profile,filename=$RUN_DIR/consumer.jfr" ;;
    waits) jvm="$jvm -XX:StartFlightRecording=settings=profile,$waits,filename=$RUN_DIR/consumer.jfr" ;;
  esac
  local launched; launched=$(now_ms)
  if [ "$IMPL" = sluice ]; then
    # BENCH_SLUICE_JVM_EXTRA: more JVM options for Sluice only (the lean settings in docs/performance.md, say).
    export SLUICE_JVM_OPTS="$jvm $SLUICE_SHIPPED_JVM ${BENCH_SLUICE_JVM_EXTRA:-}" SLUICE_TOPICS_EVENTS=$TOPIC SLUICE_CONSUMER_GROUP_ID=$GROUP
    start_sluice "$RUN"
    CONSUMER_PID=${SLUICE_PIDS[$RUN]}
  elif is_connect "$IMPL"; then
    start_connect "$jvm"
  else
    # shellcheck disable=SC2086
    java $jvm -Dlogback.configurationFile="$REPO/drills/logback-tools.xml" -cp "$CP" dev.sluice.bench.BaselineConsumer \
        --bootstrap="$BOOTSTRAP" --db-url="$DB_URL" --topic="$TOPIC" --group="$GROUP" \
        --schemas="$SLUICE_ROUTES_DIR/schemas" > "$RUN_DIR/consumer.log" 2>&1 &
    CONSUMER_PID=$!
    BACKGROUND_PIDS+=("$CONSUMER_PID")
    wait_for_log "$RUN_DIR/consumer.log" "Started BaselineConsumer" 120 "$CONSUMER_PID"
    say "baseline started (pid $CONSUMER_PID)"
  fi
  record "heap=$1" "launched_ms=$launched" "ready_ms=$(now_ms)"
  jstat -gc -t "$CONSUMER_PID" 1000 > "$RUN_DIR/jstat.log" 2>&1 &
  BACKGROUND_PIDS+=($!)
  sample_rss "$CONSUMER_PID" > "$RUN_DIR/rss.log" &
  BACKGROUND_PIDS+=($!)
  CPU_CONSUMER=$(cpu_ticks "$CONSUMER_PID") CPU_PG=$(cpu_ticks $(pg_pids))
  thread_cpu "$CONSUMER_PID" > "$RUN_DIR/threads-ready.txt"
}

# wait_drained: until the sampler sees lag 0 on everything the load generators sent, within the deadline.
wait_drained() {
  local expected line deadline
  expected=$(sent_total)
  deadline=$(( $(date +%s) + 120 + expected / BENCH_MIN_RATE ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    line=$(tail -1 "$RUN_DIR/lag.log" 2> /dev/null || true)
    if [[ $line =~ ^([0-9]+)\ lag=0\ end=([0-9]+) ]] && [ "${BASH_REMATCH[2]}" -ge "$expected" ]; then
      DRAINED_MS=${BASH_REMATCH[1]}
      return 0
    fi
    kill -0 "$CONSUMER_PID" 2> /dev/null || { say "the consumer died"; return 1; }
    ! connect_task_died || { say "a Connect task stopped for good (see $RUN_DIR/consumer.log)"; return 1; }
    sleep 1
  done
  say "not drained $((120 + expected / BENCH_MIN_RATE)) s after the last load ended"
  return 1
}

export_run() {
  local committed="SELECT pg_xact_commit_timestamp(xmin) AS c, reviewed_at AS ts FROM reviews
                   UNION ALL SELECT pg_xact_commit_timestamp(xmin), NULL FROM dlq_events"
  local latency="extract(epoch FROM c - ts) * 1000"
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d sluice -q -c "\\copy (SELECT floor(extract(epoch FROM c))::bigint AS second, count(ts) AS rows, count(*) - count(ts) AS dlq, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY $latency)::numeric, 2) AS p50_ms, round(percentile_cont(0.99) WITHIN GROUP (ORDER BY $latency)::numeric, 2) AS p99_ms FROM ($committed) t GROUP BY 1 ORDER BY 1) TO '$RUN_DIR/commits.csv' WITH CSV HEADER"
  record "$(sql "SELECT 'first_commit_ms=' || (extract(epoch FROM min(c)) * 1000)::bigint || E'\nlast_commit_ms='
                 || (extract(epoch FROM max(c)) * 1000)::bigint FROM ($committed) t")"
}

# latency_of FROM_MS TO_MS: count,p50,p95,p99,max (ms) of the rows whose event was produced in that window, less
# the first LATENCY_WARMUP seconds of it.
latency_of() {
  sql "SELECT n || ',' || round(p[1]::numeric, 2) || ',' || round(p[2]::numeric, 2) || ',' || round(p[3]::numeric, 2)
              || ',' || round(m::numeric, 2)
       FROM (SELECT count(*) AS n, percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY l) AS p, max(l) AS m
             FROM (SELECT extract(epoch FROM pg_xact_commit_timestamp(xmin) - reviewed_at) * 1000 AS l FROM reviews
                   WHERE reviewed_at < to_timestamp($2 / 1000.0) AND reviewed_at >= interval '$LATENCY_WARMUP s' + (
                       SELECT min(reviewed_at) FROM reviews WHERE reviewed_at >= to_timestamp($1 / 1000.0))) t) s"
}

# finish_run: drain, reconcile, export, stop. FAILED unless drained, reconciled exactly and never out of memory.
finish_run() {
  local drained=true reconciled=true status=RECONCILED
  wait_drained || drained=false
  # Where the consumer's CPU went, by thread (bench/thread-cpu.py compares it with threads-ready.txt).
  thread_cpu "$CONSUMER_PID" > "$RUN_DIR/threads-drained.txt"
  record "drained=$drained" "drained_ms=${DRAINED_MS:-0}" "sent=$(sent_total)" \
      "consumer_cpu_ticks=$(( $(cpu_ticks "$CONSUMER_PID") - CPU_CONSUMER ))" \
      "pg_cpu_ticks=$(( $(cpu_ticks $(pg_pids)) - CPU_PG ))" "clock_ticks_per_s=$(getconf CLK_TCK)"
  # Connect has no dead-letter table: its dead letters are the records of its dead-letter topic.
  local dead_letters=()
  ! is_connect "$IMPL" || dead_letters=(--dead-letter-topic="$CONNECT_DLQ" --schemas="$SLUICE_ROUTES_DIR/schemas")
  "${TOOL[@]}" dev.sluice.drills.DrillMonitor reconcile --drill="$RUN" --bootstrap="$BOOTSTRAP" --db-url="$DB_URL" \
      --load-logs="$LOAD_LOGS" --timeline="$RUN_DIR/lag.log" --group="$GROUP" --topic="$TOPIC" \
      --timeout="$($drained && echo 60s || echo 5s)" "${dead_letters[@]}" > "$RUN_DIR/reconcile.txt" 2>&1 \
      || reconciled=false
  cat "$RUN_DIR/reconcile.txt"
  export_run
  [ "$SCENARIO" != latency ] || for phase in $(grep '^phase=' "$RUN_DIR/run.env" | cut -d= -f2); do
    IFS=: read -r rate from to <<< "$phase"
    echo "$rate,$(latency_of "$from" "$to")" >> "$RUN_DIR/latency.csv"
  done
  if [ "$IMPL" = sluice ]; then
    kill_sluice "$RUN" TERM
    unset "SLUICE_PIDS[$RUN]"
    cp "$WORK/$RUN-1.log" "$RUN_DIR/consumer.log"
  else
    { kill -TERM "$CONSUMER_PID" && wait "$CONSUMER_PID"; } 2> /dev/null || true
  fi
  for pid in "${BACKGROUND_PIDS[@]}"; do { kill "$pid" && wait "$pid"; } 2> /dev/null || true; done
  BACKGROUND_PIDS=()
  record "row_updates=$(row_updates)"
  if grep -q OutOfMemoryError "$RUN_DIR/consumer.log"; then say "$RUN ran out of memory"; status=FAILED; fi
  $drained && $reconciled || status=FAILED
  record "status=$status"
  [ "$status" = RECONCILED ] || FAILED_RUNS+=("$RUN")
  say "run $RUN: $status"
}

# row_updates: rows of reviews updated in the run (a re-sent event that was written again), from PostgreSQL's
# statistics, which a backend reports when it exits: read once the consumer's connections are gone.
row_updates() {
  for _ in $(seq 1 20); do
    [ "$(sql "SELECT count(*) FROM pg_stat_activity WHERE datname = 'sluice' AND pid <> pg_backend_pid()")" = 0 ] && break
    sleep 0.5
  done
  sql "SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'reviews'"
}

# produce_backlog NAME EVENTS SEED [LOAD OPTIONS...]: a topic holding the whole backlog, sent as fast as the broker takes
# it; Kafka Connect's envelopes of it too, when a Connect series runs (and no option asks for updates, which its series
# do not take).
produce_backlog() {
  BACKLOG_TOPIC=bench.$1
  create_topic "$BACKLOG_TOPIC"
  LOAD_LOGS=""
  produce "$1" --topic="$BACKLOG_TOPIC" --rate=0 --max-events="$2" --duration=3600s --seed="$3" \
      --duplicate-percent="$DUPLICATE_PERCENT" --invalid-percent="$INVALID_PERCENT" "${@:4}"
  await_load "$LOAD_PID"
  say "backlog: $(grep -o 'sent=.*' "$LOAD_LOGS" || echo 'not produced')"
  BACKLOG_LOGS=$LOAD_LOGS
  [[ ,$IMPLS, != *,connect* || $# -gt 3 ]] || connect_backlog "$BACKLOG_TOPIC"
}

backlog_topic_of() { if is_connect "$1"; then echo "$CONNECT_TOPIC"; else echo "$BACKLOG_TOPIC"; fi; }

# live_impls: the consumers of the live scenarios. Connect reads envelopes re-encoded from a backlog, so it runs the
# backlog scenarios (throughput, backlog) only.
live_impls() {
  local impl
  for impl in ${IMPLS//,/ }; do
    if is_connect "$impl"; then say "$impl: not in live scenarios (backlog scenarios only)" >&2; else echo "$impl"; fi
  done
}

# 1. Max sustained throughput: a backlog, then the consumer starts; the report reads the first THROUGHPUT_WINDOW s.
scenario_throughput() {
  produce_backlog throughput "$THROUGHPUT_EVENTS" 101
  for impl in ${IMPLS//,/ }; do
    begin_run throughput "$impl" "$(backlog_topic_of "$impl")" "$BACKLOG_LOGS"
    record "window_s=$THROUGHPUT_WINDOW"
    start_consumer "$BENCH_HEAP"
    finish_run
  done
}

# 5. An upsert-heavy backlog: half the valid events are updates of recent reviews, a tenth of those older than their
# review's last change (stale), a tenth for the review updated just before (several changes to one key in a chunk).
# Sluice only: the baseline writes creations only, and Connect's series has no ordering guard to measure.
scenario_upserts() {
  produce_backlog upserts "$UPSERT_EVENTS" 501 --update-percent=50 --out-of-order-percent=10 --same-key-percent=10
  for impl in ${IMPLS//,/ }; do
    if [[ $impl != sluice ]]; then say "$impl: not in the upsert-heavy scenario (Sluice only)"; continue; fi
    begin_run upserts "$impl" "$BACKLOG_TOPIC" "$BACKLOG_LOGS"
    record "window_s=$THROUGHPUT_WINDOW"
    start_consumer "$BENCH_HEAP"
    finish_run
  done
}

# 2. End-to-end latency at fixed rates, one phase per rate (warm-up excluded), draining between phases.
scenario_latency() {
  for impl in $(live_impls); do
    begin_run latency "$impl" "bench.latency.$impl"
    create_topic "$TOPIC"
    start_consumer "$BENCH_HEAP"
    local seed=200 from
    for rate in ${LATENCY_RATES//,/ }; do
      from=$(now_ms)
      produce "$RUN-$rate" --topic="$TOPIC" --rate="$rate" --duration="$((LATENCY_WARMUP + LATENCY_SECONDS))s" \
          --seed=$((seed += 1)) --duplicate-percent="$DUPLICATE_PERCENT" --invalid-percent="$INVALID_PERCENT"
      await_load "$LOAD_PID"
      record "phase=$rate:$from:$(now_ms)"
      wait_drained || break
    done
    finish_run
  done
}

# 3. A spike on top of a base rate: peak lag, and how long after the spike's end the last event is committed.
scenario_spike() {
  for impl in $(live_impls); do
    begin_run spike "$impl" "bench.spike.$impl"
    create_topic "$TOPIC"
    start_consumer "$BENCH_HEAP"
    produce "$RUN-base" --topic="$TOPIC" --rate="$SPIKE_BASE_RATE" --duration="$((SPIKE_LEAD + SPIKE_SECONDS))s" \
        --seed=301 --duplicate-percent="$DUPLICATE_PERCENT" --invalid-percent="$INVALID_PERCENT"
    local base=$LOAD_PID
    sleep "$SPIKE_LEAD"
    record "spike_started_ms=$(now_ms)"
    produce "$RUN-spike" --topic="$TOPIC" --rate="$SPIKE_RATE" --duration="${SPIKE_SECONDS}s" \
        --seed=302 --duplicate-percent="$DUPLICATE_PERCENT" --invalid-percent="$INVALID_PERCENT"
    await_load "$LOAD_PID"
    record "spike_ended_ms=$(now_ms)" "spike_load=$(grep -o 'sent=.*' "$WORK/load-$RUN-spike.log" || true)"
    await_load "$base"
    finish_run
  done
}

# 4. Backlog drain at a small heap: drain time, peak heap, RSS and GC.
scenario_backlog() {
  produce_backlog backlog "$BACKLOG_EVENTS" 401
  for impl in ${IMPLS//,/ }; do
    begin_run backlog "$impl" "$(backlog_topic_of "$impl")" "$BACKLOG_LOGS"
    start_consumer "$BACKLOG_HEAP"
    finish_run
  done
}

PYTHON=$(report_python)
begin
[[ ,$IMPLS, != *,connect* ]] || connect_build
rm -rf "$OUT/runs" "$OUT/report.md" "$OUT/report.png" && mkdir -p "$OUT/runs"
enable_commit_timestamps
cp -r "$REPO/routes-yaml" "$WORK/routes-yaml"
export SLUICE_ROUTES_DIR=$WORK/routes-yaml
SLUICE_JVM_LABEL="${SLUICE_SHIPPED_JVM:-(the JVM defaults)}${BENCH_SLUICE_JVM_EXTRA:+ $BENCH_SLUICE_JVM_EXTRA}"
cat > "$OUT/runs/environment.env" <<ENV
date=$(date -Is)
commit=$(git -C "$REPO" rev-parse --short HEAD)$([ -z "$(git -C "$REPO" status --porcelain -- src pom.xml routes-yaml)" ] || echo "+uncommitted changes")
quick=${BENCH_QUICK:-0}
cpus=$(nproc)
memory=$(free -g | awk '/^Mem/ { print $2 }') GB
java=$(java -version 2>&1 | head -1)
postgresql=$(sql 'SHOW server_version')
knobs=UPSERT_EVENTS=$UPSERT_EVENTS BENCH_SCENARIOS=$SCENARIOS BENCH_IMPLS=$IMPLS THROUGHPUT_EVENTS=$THROUGHPUT_EVENTS THROUGHPUT_WINDOW=$THROUGHPUT_WINDOW LATENCY_RATES=$LATENCY_RATES LATENCY_WARMUP=$LATENCY_WARMUP LATENCY_SECONDS=$LATENCY_SECONDS SPIKE_RATE=$SPIKE_RATE SPIKE_SECONDS=$SPIKE_SECONDS SPIKE_BASE_RATE=$SPIKE_BASE_RATE SPIKE_LEAD=$SPIKE_LEAD BACKLOG_EVENTS=$BACKLOG_EVENTS BACKLOG_HEAP=$BACKLOG_HEAP BENCH_HEAP=$BENCH_HEAP DUPLICATE_PERCENT=$DUPLICATE_PERCENT INVALID_PERCENT=$INVALID_PERCENT SLUICE_THROTTLE_MAX_EVENTS_PER_SECOND=$SLUICE_THROTTLE_MAX_EVENTS_PER_SECOND$([[ ,$IMPLS, != *,connect* ]] || echo " CONNECT_TASKS=$CONNECT_TASKS CONNECT_COMMIT_INTERVAL_MS=$CONNECT_COMMIT_INTERVAL_MS")
sluice_jvm=$SLUICE_JVM_LABEL
ENV
FAILED_RUNS=()
started=$(date +%s)
for scenario in ${SCENARIOS//,/ }; do
  say "=== scenario $scenario"
  "scenario_$scenario"
done
echo "wall_s=$(( $(date +%s) - started ))" >> "$OUT/runs/environment.env"
"$PYTHON" "$REPO/bench/report.py" "$OUT"
say "report: $OUT/report.md, $OUT/report.png"
if [ ${#FAILED_RUNS[@]} -gt 0 ]; then say "FAILED: ${FAILED_RUNS[*]}"; exit 1; fi
say "every run reconciled"
