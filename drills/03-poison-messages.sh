#!/usr/bin/env bash
# Drill 3, poison messages: a healthy stream with POISON_PERCENT malformed and invalid events mixed in (malformed JSON,
# out-of-range rating, missing field, bad event_id, unknown schema version), and HOSTILE_ROUNDS rounds of hostile
# records beside it (NUL bytes in the key, envelope, payload and headers; invalid UTF-8; a record just under the
# broker's size limit; forged sluice headers; dev.sluice.tools.HostileRecords). All of them, and only they, must end
# in the dead-letter channel, each with its reason; the stream around them must not slow down or stop.
source "$(dirname "$0")/lib.sh"
RATE=${RATE:-300} POISON_PERCENT=${POISON_PERCENT:-10} HOSTILE_ROUNDS=${HOSTILE_ROUNDS:-10}
# A NUL in a text field is valid JSON that PostgreSQL refuses: those hostile records earn rejected_by_database.
POISON_ALSO=rejected_by_database

begin
start_sluice sluice
watch_pipeline
produce poisoned --rate="$RATE" --duration=40s --duplicate-percent=5 --invalid-percent="$POISON_PERCENT"
say "hostile records: $HOSTILE_ROUNDS rounds beside the stream"
"${TOOL[@]}" dev.sluice.tools.HostileRecords --bootstrap="$BOOTSTRAP" --rounds="$HOSTILE_ROUNDS" > "$WORK/load-hostile.log" 2>&1
say "hostile records sent: $(grep -o 'sent=.*' "$WORK/load-hostile.log")"
wait_for_load
LOAD_LOGS="$LOAD_LOGS,$WORK/load-hostile.log"
fault_ended=$(now_ms)
reconcile "$fault_ended"
say "dead letters by reason: $(sql "SELECT string_agg(reason || '=' || n, ' ') FROM (SELECT reason, count(*) n FROM dlq_events GROUP BY 1 ORDER BY 1) r")"
say "every dead letter carries its original bytes: $(sql "SELECT count(*) FILTER (WHERE original_value IS NULL OR length(original_value) = 0) = 0 FROM dlq_events")"
