# Shared by the drill scripts: a private PostgreSQL and a real single-node KRaft broker (both from this machine's
# packages and the project's test classpath, on their own ports and throwaway directories), Sluice instances as
# separate JVMs, the load generator, and the reconciliation at the end. Sourced, not run.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DRILL=$(basename "$0" .sh)
WORK=${SLUICE_DRILL_WORK:-$REPO/target/drills/$DRILL}
KAFKA_PORT=${SLUICE_DRILL_KAFKA_PORT:-19092}
PG_PORT=${SLUICE_DRILL_PG_PORT:-55432}
BOOTSTRAP=localhost:$KAFKA_PORT
DB_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/sluice
PG_BIN=${SLUICE_DRILL_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
declare -A SLUICE_PIDS=() SLUICE_LOGS=()
BACKGROUND_PIDS=()

say() { printf '[%s %s] %s\n' "$(date +%T)" "$DRILL" "$*"; }
now_ms() { date +%s%3N; }

# PostgreSQL refuses to run as root, so the private cluster belongs to the postgres user when we are root.
as_pg_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

classpath() {
  if [ ! -s "$REPO/target/drill-classpath.txt" ] || [ ! -d "$REPO/target/test-classes/dev/sluice/drills" ] \
      || [ -n "$(find "$REPO/pom.xml" "$REPO/src" -newer "$REPO/target/drill-classpath.txt" -print -quit)" ]; then
    say "building the classpath (mvn test-compile)"
    (cd "$REPO" && mvn -B -q test-compile dependency:build-classpath \
        -Dmdep.outputFile=target/drill-classpath.txt -Dmdep.includeScope=test)
  fi
  # A private copy of the compiled classes: a rebuild during the drill must not change what its JVMs load.
  mkdir -p "$WORK/classes" && cp -r "$REPO/target/classes" "$REPO/target/test-classes" "$WORK/classes/"
  CP="$WORK/classes/classes:$WORK/classes/test-classes:$(cat "$REPO/target/drill-classpath.txt")"
  # The broker, load generator and monitor log warnings only. An array, not a function: "${TOOL[@]}" ... & must
  # leave the JVM's own pid in $!, or killing it would leave the JVM running.
  TOOL=(java -Dlogback.configurationFile="$REPO/drills/logback-tools.xml" -cp "$CP")
}

start_postgres() {
  if [ ! -d "$WORK/pg/data" ]; then
    mkdir -p "$WORK/pg" && { [ "$(id -u)" != 0 ] || chown postgres "$WORK/pg"; }
    as_pg_owner "$PG_BIN/initdb" -D "$WORK/pg/data" -U postgres --auth=trust -E UTF8 > "$WORK/pg/initdb.log"
  fi
  as_pg_owner "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/postgres.log" -w start \
      -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1" > /dev/null
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='sluice'" | grep -q 1 \
      || psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE sluice"
  say "PostgreSQL up on 127.0.0.1:$PG_PORT"
}

stop_postgres() { as_pg_owner "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m fast -w stop > /dev/null && say "PostgreSQL stopped"; }

sql() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d sluice -v ON_ERROR_STOP=1 -tAc "$1"; }

start_kafka() {
  mkdir -p "$WORK/kafka"
  if [ ! -f "$WORK/kafka/server.properties" ]; then
    cat > "$WORK/kafka/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:$((KAFKA_PORT + 1))
listeners=PLAINTEXT://localhost:$KAFKA_PORT,CONTROLLER://localhost:$((KAFKA_PORT + 1))
advertised.listeners=PLAINTEXT://localhost:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$WORK/kafka/logs
num.partitions=6
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
    "${TOOL[@]}" kafka.tools.StorageTool format -c "$WORK/kafka/server.properties" \
        -t "$("${TOOL[@]}" kafka.tools.StorageTool random-uuid | tail -1)" > "$WORK/kafka/format.log" 2>&1
  fi
  "${TOOL[@]}" -Xmx512m kafka.Kafka "$WORK/kafka/server.properties" >> "$WORK/kafka/broker.log" 2>&1 &
  KAFKA_PID=$!
  for _ in $(seq 1 120); do
    (exec 3<> "/dev/tcp/localhost/$KAFKA_PORT") 2> /dev/null && break
    kill -0 "$KAFKA_PID" 2> /dev/null || { say "Kafka died; see $WORK/kafka/broker.log"; return 1; }
    sleep 0.5
  done
  say "Kafka (KRaft, single node) up on $BOOTSTRAP, pid $KAFKA_PID"
}

stop_kafka() { { kill "$KAFKA_PID" && wait "$KAFKA_PID"; } 2> /dev/null || true; say "Kafka stopped"; }

# start_sluice NAME: one Sluice JVM, its log under $WORK/NAME-<n>.log. Extra settings come from the environment;
# SLUICE_JVM_OPTS replaces the JVM options (heap size, GC log) and SLUICE_ROUTES_DIR the routes directory.
start_sluice() {
  launch_sluice "$1"
  wait_for_log "${SLUICE_LOGS[$1]}" "Started SluiceApplication" 120 "${SLUICE_PIDS[$1]}"
  say "Sluice '$1' started (pid ${SLUICE_PIDS[$1]}, log ${SLUICE_LOGS[$1]})"
}

# launch_sluice NAME: start_sluice without the wait, to start several at once (wait_for_log each after).
launch_sluice() {
  local name=$1 run=$(( $(ls "$WORK"/"$1"-*.log 2> /dev/null | wc -l) + 1 ))
  SLUICE_LOGS[$name]="$WORK/$name-$run.log"
  # shellcheck disable=SC2086 # SLUICE_JVM_OPTS is a list of options
  SLUICE_KAFKA_BOOTSTRAP_SERVERS=$BOOTSTRAP SLUICE_DB_URL=$DB_URL SLUICE_ROUTES_DIR=${SLUICE_ROUTES_DIR:-$REPO/routes-yaml} \
      java ${SLUICE_JVM_OPTS:--Xmx384m} -cp "$CP" dev.sluice.SluiceApplication --server.port=0 --camel.main.name="$name" > "${SLUICE_LOGS[$name]}" 2>&1 &
  SLUICE_PIDS[$name]=$!
}

kill_sluice() { { kill "-${2:-KILL}" "${SLUICE_PIDS[$1]}" && wait "${SLUICE_PIDS[$1]}"; } 2> /dev/null || true; say "Sluice '$1' killed with SIG${2:-KILL}"; }

# produce NAME ARGS...: the load generator in the background; its summary line is what the reconciliation expects.
produce() {
  local name=$1; shift
  "${TOOL[@]}" dev.sluice.tools.LoadGenerator --bootstrap="$BOOTSTRAP" "$@" > "$WORK/load-$name.log" 2>&1 &
  LOAD_PID=$!
  LOAD_LOGS="${LOAD_LOGS:+$LOAD_LOGS,}$WORK/load-$name.log"
  say "load '$name' started: $*"
}

wait_for_load() { wait "$LOAD_PID"; say "load done: $(grep -o 'sent=.*' "${LOAD_LOGS##*,}")"; }

watch_pipeline() {
  "${TOOL[@]}" dev.sluice.drills.DrillMonitor watch --bootstrap="$BOOTSTRAP" --db-url="$DB_URL" > "$WORK/timeline.log" 2> /dev/null &
  BACKGROUND_PIDS+=($!)
}

# reconcile [FAULT_ENDED_AT_MS]: waits for the exact end state, prints the reconciliation line, fails the drill if not.
reconcile() {
  local line
  line=$("${TOOL[@]}" dev.sluice.drills.DrillMonitor reconcile --drill="$DRILL" --bootstrap="$BOOTSTRAP" \
      --db-url="$DB_URL" --load-logs="$LOAD_LOGS" --timeline="$WORK/timeline.log" \
      ${1:+--fault-ended-at=$1} ${POISON_ALSO:+--poison-also=$POISON_ALSO} \
      --timeout="${RECONCILE_TIMEOUT:-300s}") && status=0 || status=$?
  echo "$line"
  echo "$(date -Is) $line" >> "$REPO/target/drills/results.log"
  return "$status"
}

wait_for_log() {
  local file=$1 text=$2 seconds=$3 pid=$4
  for _ in $(seq 1 $((seconds * 2))); do
    grep -q "$text" "$file" 2> /dev/null && return 0
    kill -0 "$pid" 2> /dev/null || { say "process $pid died; last lines of $file:"; tail -20 "$file"; return 1; }
    sleep 0.5
  done
  say "timed out waiting for '$text' in $file"; return 1
}

cleanup() {
  local status=$?
  for pid in "${SLUICE_PIDS[@]}" "${BACKGROUND_PIDS[@]}" ${LOAD_PID:-} ${KAFKA_PID:-}; do
    { kill -9 "$pid" && wait "$pid"; } 2> /dev/null || true
  done
  [ ! -f "$WORK/pg/data/postmaster.pid" ] || stop_postgres || true
  # A failed drill keeps its database and broker log: they are the evidence (postmortems/).
  if [ "$status" -ne 0 ] || [ "${SLUICE_DRILL_KEEP:-false}" = true ]; then
    say "kept for inspection: $WORK/pg/data (start it with: $PG_BIN/pg_ctl -D $WORK/pg/data -o '-p $PG_PORT' start) and $WORK/kafka/logs"
  else
    rm -rf "$WORK/pg/data" "$WORK/kafka/logs"
  fi
}

# begin: a clean slate (fresh database and broker log), everything torn down on exit however the drill ends.
begin() {
  # One measured run at a time on this machine (benchmarks take the same lock).
  exec 9> /tmp/sluice-heavy.lock
  flock 9
  for port in "$KAFKA_PORT" "$((KAFKA_PORT + 1))" "$PG_PORT"; do
    if (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; then say "port $port is taken: is another drill running?"; exit 2; fi
  done
  rm -rf "$WORK" && mkdir -p "$WORK" "$REPO/target/drills"
  trap cleanup EXIT
  trap "exit 130" INT TERM
  classpath
  start_postgres
  start_kafka
}
