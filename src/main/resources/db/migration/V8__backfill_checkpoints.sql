-- How far each file's backfill got (dev.sluice.backfill.BackfillCheckpoints): lines whose events were all written or
-- dead-lettered. A run on the same file (same path and size) resumes after them.
CREATE TABLE backfill_checkpoints (
    source     text        PRIMARY KEY,
    file_size  bigint      NOT NULL,
    lines_done bigint      NOT NULL,
    updated_at timestamptz NOT NULL
);
