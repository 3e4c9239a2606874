-- A dead letter keeps what arrived as bytes: original_key is the record's key exactly (NUL, invalid UTF-8 and all),
-- which record_key, a readable rendering, cannot be. event_type is the envelope's type as far as the validator read
-- it, so dead letters can be grouped by type. Both stay null where the record had none.
ALTER TABLE dlq_events
    ADD COLUMN original_key bytea,
    ADD COLUMN event_type   text;
