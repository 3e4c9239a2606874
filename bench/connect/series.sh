# The benchmark's Kafka Connect series (bench/README.md, "Kafka Connect"): Apache Kafka's Connect worker in standalone
# mode running the Debezium JDBC sink, both from Maven Central (bench/connect/pom.xml). Sourced by bench/run.sh after
# drills/lib.sh; uses its REPO, WORK, BOOTSTRAP, DB_URL, TOOL and the run's RUN_DIR, TOPIC, GROUP.
#   connect     upsert on review_id through Debezium's default writer (a JDBC batch of one statement per row)
#   connect-unnest  the same with dialect.postgres.unnest.insert.enabled=true (one UNNEST statement per batch) and
#                   use.reduction.buffer=true: one statement cannot upsert a row twice ("ON CONFLICT DO UPDATE command
#                   cannot affect row a second time"), so a batch holding a re-sent event would stop the task; the
#                   reduction buffer keeps the last record per review_id of each batch.

CONNECT_HOME=$REPO/bench/connect
CONNECT_TASKS=${CONNECT_TASKS:-2}
# Sink tasks commit their offsets every offset.flush.interval.ms (Connect's default: 60 s). The benchmark reads the
# drain from committed offsets once a second, like the other consumers', which commit after every batch.
CONNECT_COMMIT_INTERVAL_MS=${CONNECT_COMMIT_INTERVAL_MS:-1000}

is_connect() { [[ $1 == connect* ]]; }

# connect_build: the worker's classpath and the plugin folder, resolved from Central (inside the run's lock).
connect_build() {
  say "building the Kafka Connect worker and the Debezium JDBC sink plugin (bench/connect, Maven Central)"
  mvn -B -q -s "$CONNECT_HOME/settings.xml" -f "$CONNECT_HOME/pom.xml" package > "$WORK/connect-build.log" 2>&1 \
      || { say "bench/connect did not build; see $WORK/connect-build.log"; tail -20 "$WORK/connect-build.log"; exit 1; }
}

# connect_backlog TOPIC: the backlog again as JsonConverter envelopes on TOPIC.connect (before the timed window).
connect_backlog() {
  CONNECT_TOPIC=$1.connect
  "${TOOL[@]}" dev.sluice.bench.ConnectEnvelopes --bootstrap="$BOOTSTRAP" --from="$1" --to="$CONNECT_TOPIC" \
      --schema="$CONNECT_HOME/review-event.connect.json" > "$WORK/envelopes-$1.log" 2>&1 \
      || { say "re-encoding $1 failed; see $WORK/envelopes-$1.log"; exit 1; }
  say "Connect's topic $CONNECT_TOPIC: $(grep -o 'copied=.*' "$WORK/envelopes-$1.log")"
}

# connect_schema: the tables Sluice's Flyway migrations create, applied in order (Connect's sink creates nothing).
connect_schema() {
  local migration
  for migration in $(ls "$REPO"/src/main/resources/db/migration/V*.sql | sort -V); do
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d sluice -q -1 -v ON_ERROR_STOP=1 -f "$migration" > /dev/null
  done
}

# start_connect JVM_OPTIONS: the worker with one connector named after the run's group (Connect's group is
# connect-<name>), its dead-letter topic per run.
start_connect() {
  local name=${GROUP#connect-} unnest=false
  [ "$IMPL" != connect-unnest ] || unnest=true
  CONNECT_DLQ=$TOPIC.dlq.$name
  record "dead_letter_topic=$CONNECT_DLQ"
  cat > "$RUN_DIR/worker.properties" <<PROPS
bootstrap.servers=$BOOTSTRAP
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
value.converter.schemas.enable=true
offset.storage.file.filename=$RUN_DIR/connect.offsets
offset.flush.interval.ms=$CONNECT_COMMIT_INTERVAL_MS
plugin.path=$CONNECT_HOME/target/plugins
listeners=http://127.0.0.1:0
PROPS
  cat > "$RUN_DIR/connector.properties" <<PROPS
name=$name
connector.class=io.debezium.connector.jdbc.JdbcSinkConnector
tasks.max=$CONNECT_TASKS
topics=$TOPIC
connection.url=$DB_URL
connection.username=postgres
insert.mode=upsert
primary.key.mode=record_value
primary.key.fields=review_id
collection.name.format=reviews
schema.evolution=none
dialect.postgres.unnest.insert.enabled=$unnest
use.reduction.buffer=$unnest
transforms=row
transforms.row.type=dev.sluice.bench.connect.ReviewRow
errors.tolerance=all
errors.deadletterqueue.topic.name=$CONNECT_DLQ
errors.deadletterqueue.topic.replication.factor=1
errors.deadletterqueue.context.headers.enable=true
PROPS
  # shellcheck disable=SC2086 # $1 is a list of JVM options
  java $1 -Dlog4j2.configurationFile="$CONNECT_HOME/log4j2.properties" -cp "$CONNECT_HOME/target/worker/*" \
      org.apache.kafka.connect.cli.ConnectStandalone "$RUN_DIR/worker.properties" "$RUN_DIR/connector.properties" \
      > "$RUN_DIR/consumer.log" 2>&1 &
  CONSUMER_PID=$!
  BACKGROUND_PIDS+=("$CONSUMER_PID")
  wait_for_log "$RUN_DIR/consumer.log" "Sink task finished initialization and start" 120 "$CONSUMER_PID"
  say "Kafka Connect started (pid $CONSUMER_PID, $CONNECT_TASKS tasks, unnest=$unnest)"
}

# connect_task_died: a sink task stops for good on an error it does not tolerate (a row the database refuses).
connect_task_died() { grep -q "Task is being killed" "$RUN_DIR/consumer.log" 2> /dev/null; }
