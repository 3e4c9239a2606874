-- Idempotency markers for Camel's JDBC idempotent repository. Created here, not by the repository's
-- auto-create, so the primary key exists before the first event and the marker can be inserted with
-- ON CONFLICT DO NOTHING (a racing duplicate must not abort the surrounding transaction).
CREATE TABLE idempotency_markers (
    processor_name varchar(255) NOT NULL,
    message_id     varchar(100) NOT NULL,
    created_at     timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (processor_name, message_id)
);

-- The review_created pipeline's sink. Lineage columns say where each row came from.
CREATE TABLE reviews (
    review_id        text        PRIMARY KEY,
    user_key         text        NOT NULL,
    rating           smallint    NOT NULL CHECK (rating BETWEEN 1 AND 5),
    review_text      text        NOT NULL,
    reviewed_at      timestamptz NOT NULL,
    event_id         uuid        NOT NULL UNIQUE,
    source_topic     text        NOT NULL,
    source_partition integer     NOT NULL,
    source_offset    bigint      NOT NULL,
    ingested_at      timestamptz NOT NULL DEFAULT now()
);

-- Everything the pipeline could not write, queryable next to the data. The Kafka record coordinates are
-- unique so that a dead-letter write retried after a crash is recorded once.
CREATE TABLE dlq_events (
    id                bigserial   PRIMARY KEY,
    reason            text        NOT NULL,
    exception_class   text        NOT NULL,
    exception_message text        NOT NULL,
    event_id          text,
    source_topic      text        NOT NULL,
    source_partition  integer     NOT NULL,
    source_offset     bigint      NOT NULL,
    record_key        text,
    original_value    bytea,
    attempts          integer     NOT NULL,
    first_failed_at   timestamptz NOT NULL,
    dead_lettered_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source_topic, source_partition, source_offset)
);
CREATE INDEX dlq_events_reason_time ON dlq_events (reason, dead_lettered_at);
