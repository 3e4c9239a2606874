-- DLQ replay (dev.sluice.deadletter.DeadLetterReplay). replayed_at marks a dead letter that was sent back to the
-- events topic, so running the same selection twice does not send it twice. replay_count is how many times the event
-- behind this dead letter had already been replayed when it failed (the record's sluice_replay_count header): the
-- replay command holds back a dead letter whose count reached the limit, so an event that keeps failing stops
-- going round.
ALTER TABLE dlq_events
    ADD COLUMN replay_count integer NOT NULL DEFAULT 0,
    ADD COLUMN replayed_at  timestamptz;
CREATE INDEX dlq_events_not_replayed ON dlq_events (dead_lettered_at) WHERE replayed_at IS NULL;
