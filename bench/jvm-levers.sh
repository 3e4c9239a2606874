#!/usr/bin/env bash
# Start-up and memory levers, each alone (issue 26, point 4): one backlog on the drills' private broker and PostgreSQL,
# drained by Sluice once per variant, each on a fresh database and consumer group at -Xmx256m. Per variant: Spring's
# "Started in", JVM launch to the first row committed, the drain's rate, and the peak RSS (VmHWM). Writes
# target/bench/jvm-levers.md. Not a test: a report to read, like bench/run.sh.
#
#   bash bench/jvm-levers.sh                          # every variant, 300,000 events
#   LEVERS_EVENTS=100000 LEVERS="defaults shipped" bash bench/jvm-levers.sh
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export SLUICE_DRILL_WORK=${SLUICE_DRILL_WORK:-$ROOT/target/bench/levers}
source "$ROOT/drills/lib.sh"
DRILL=jvm-levers
EVENTS=${LEVERS_EVENTS:-300000}
LEVERS=${LEVERS:-defaults serial xms c1 lazy no-console app-cds shipped shipped+app-cds}
SHIPPED=$(sed -n 's|.*<sluice.jvm.options>\(.*\)</sluice.jvm.options>.*|\1|p' "$REPO/pom.xml")
REPORT=$REPO/target/bench/jvm-levers.md

begin

# Application CDS archives classes from jars only: the app's classes as a jar (as the Spring Boot jar's extracted
# layout has them), without the test classes.
(cd "$WORK/classes/classes" && jar cf "$WORK/sluice.jar" .)
JAR_CP="$WORK/sluice.jar:$(cat "$REPO/target/drill-classpath.txt")"
export SLUICE_TOPICS_EVENTS=bench.levers SLUICE_THROTTLE_MAX_EVENTS_PER_SECOND=1000000 SLUICE_ROUTES_RELOAD=false
"${TOOL[@]}" dev.sluice.tools.LoadGenerator --bootstrap="$BOOTSTRAP" --topic=bench.levers --max-events="$EVENTS" \
    --rate=0 --duration=3600s --seed=7 --duplicate-percent=5 --invalid-percent=0.5 > "$WORK/load.log" 2>&1
say "backlog: $(grep -o 'sent=.*' "$WORK/load.log")"
EXPECTED=$(grep -o 'uniqueValid=[0-9]*' "$WORK/load.log" | cut -d= -f2)

fresh_database() {
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -q -c "DROP DATABASE IF EXISTS sluice WITH (FORCE)" \
      -c "CREATE DATABASE sluice"
}

# app_cds_archive: Spring Boot's training run (the context refreshed, then the JVM exits) dumps the classes it loaded.
app_cds_archive() {
  [ -f "$WORK/sluice.jsa" ] && return
  fresh_database
  SLUICE_CONSUMER_GROUP_ID=levers-training java -Xmx256m -XX:ArchiveClassesAtExit="$WORK/sluice.jsa" \
      -Dspring.context.exit=onRefresh -cp "$JAR_CP" dev.sluice.SluiceApplication --server.port=0 \
      > "$WORK/training.log" 2>&1 || true
  [ -f "$WORK/sluice.jsa" ] || { say "the training run wrote no archive; see $WORK/training.log"; exit 1; }
  say "application CDS archive: $(du -m "$WORK/sluice.jsa" | cut -f1) MB"
}

# measure NAME CLASSPATH JVM_OPTIONS: one drain of the backlog; appends a table row.
measure() {
  local name=$1 classpath=$2 options=$3 launched first="" rows hwm=0 now_hwm
  fresh_database
  launched=$(now_ms)
  CP=$classpath SLUICE_CONSUMER_GROUP_ID="levers-$name-$launched" SLUICE_JVM_OPTS="-Xmx256m $options" launch_sluice "$name"
  local pid=${SLUICE_PIDS[$name]}
  while :; do
    rows=$(sql "SELECT count(*) FROM reviews" 2> /dev/null || echo 0)
    if [ -z "$first" ] && [ "${rows:-0}" -gt 0 ]; then first=$(now_ms); fi
    now_hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status" 2> /dev/null || echo 0)
    if [ "${now_hwm:-0}" -gt "$hwm" ]; then hwm=$now_hwm; fi
    if [ "${rows:-0}" -ge "$EXPECTED" ]; then break; fi
    kill -0 "$pid" 2> /dev/null || { say "$name exited; see ${SLUICE_LOGS[$name]}"; exit 1; }
    sleep 0.1
  done
  local drained; drained=$(now_ms)
  local started; started=$(grep -o 'Started SluiceApplication in [0-9.]*' "${SLUICE_LOGS[$name]}" | grep -o '[0-9.]*$')
  kill_sluice "$name" TERM > /dev/null
  printf '| %s | `%s` | %s | %.1f | %d | %d |\n' "$name" "${options:-(none)}" "$started" \
      "$(echo "($first - $launched) / 1000" | bc -l)" "$(( EXPECTED * 1000 / (drained - first) ))" "$(( hwm / 1024 ))" \
      | tee -a "$WORK/rows.md"
}

rm -f "$WORK/rows.md"
for lever in ${LEVERS//,/ }; do
  case $lever in
    defaults) measure defaults "$CP" "" ;;
    serial) measure serial "$CP" "-XX:+UseSerialGC" ;;
    xms) measure xms "$CP" "-Xms32m" ;;
    c1) measure c1 "$CP" "-XX:TieredStopAtLevel=1" ;;
    lazy) measure lazy "$CP" "-Dspring.main.lazy-initialization=true" ;;
    no-console) measure no-console "$CP" "-Dmanagement.endpoints.web.exposure.include=health,info,prometheus,metrics" ;;
    app-cds) app_cds_archive; measure app-cds "$JAR_CP" "-XX:SharedArchiveFile=$WORK/sluice.jsa" ;;
    shipped) measure shipped "$CP" "$SHIPPED" ;;
    shipped+app-cds) app_cds_archive; measure shipped+app-cds "$JAR_CP" "$SHIPPED -XX:SharedArchiveFile=$WORK/sluice.jsa" ;;
    *) say "unknown lever $lever"; exit 1 ;;
  esac
done

{
  echo "# Sluice's JVM levers, each alone"
  echo
  echo "$(date -Is) · commit \`$(git -C "$REPO" rev-parse --short HEAD)\` · $(nproc) CPUs · $(java -version 2>&1 | head -1)"
  echo
  echo "Command: \`LEVERS_EVENTS=$EVENTS LEVERS=\"$LEVERS\" bash bench/jvm-levers.sh\`. One backlog of $EVENTS events"
  echo "($(grep -o 'uniqueValid=[0-9]*' "$WORK/load.log"), 5 % duplicates, 0.5 % invalid), drained by Sluice once per"
  echo "variant at \`-Xmx256m\`, each on a fresh database and consumer group. First row: JVM launch to the first row"
  echo "committed. Rate: unique valid rows / (last row - first row). Peak RSS: the kernel's VmHWM."
  echo
  echo "| variant | JVM options after -Xmx256m | Spring's started in (s) | launch -> first row (s) | rate (rows/s) | peak RSS (MB) |"
  echo "|---|---|---:|---:|---:|---:|"
  cat "$WORK/rows.md"
} > "$REPORT"
say "report: $REPORT"
