-- Write modes (issue 16): review_updated upserts a review's rating and text, review_deleted deletes it, and neither
-- lets an older event overwrite a newer state (routes-yaml/event-types/, docs/write-modes.md).
--
-- version_at, version_partition, version_offset: the position of the last change applied to the row (its event time,
-- then its Kafka partition and offset as the tie-break). A change applies only if its position is greater.
-- deleted_at: a soft delete. A deleted review is a tombstone (its rating, text and title erased) that keeps its
-- position, so an older update replayed or read again after it cannot bring the review back.
--
-- A review whose update arrives before its creation is a row with no event_id yet: the creation fills it in later.
-- So the creation's columns become nullable, and a live review is one with reviewed_at set and deleted_at not.
ALTER TABLE reviews
    ALTER COLUMN rating DROP NOT NULL,
    ALTER COLUMN review_text DROP NOT NULL,
    ALTER COLUMN reviewed_at DROP NOT NULL,
    ALTER COLUMN event_id DROP NOT NULL,
    ALTER COLUMN source_topic DROP NOT NULL,
    ALTER COLUMN source_partition DROP NOT NULL,
    ALTER COLUMN source_offset DROP NOT NULL,
    ADD COLUMN version_at        timestamptz,
    ADD COLUMN version_partition integer,
    ADD COLUMN version_offset    bigint,
    ADD COLUMN deleted_at        timestamptz;

UPDATE reviews SET version_at = reviewed_at, version_partition = source_partition, version_offset = source_offset;

ALTER TABLE reviews
    ALTER COLUMN version_at SET NOT NULL,
    ALTER COLUMN version_partition SET NOT NULL,
    ALTER COLUMN version_offset SET NOT NULL;

-- Events that were claimed but changed nothing, and why: 'conflict' (a review_created for a review that another
-- event already created) or 'stale' (an update or delete older than the row's position, or after its deletion). Every
-- event claimed is either applied or here, so produced = rows applied + dead letters + superseded.
CREATE TABLE superseded_events (
    event_id         uuid        PRIMARY KEY,
    event_type       text        NOT NULL,
    reason           text        NOT NULL CHECK (reason IN ('conflict', 'stale')),
    entity_key       text        NOT NULL,
    event_time       timestamptz NOT NULL,
    source_topic     text        NOT NULL,
    source_partition integer     NOT NULL,
    source_offset    bigint      NOT NULL,
    superseded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX superseded_events_reason_time ON superseded_events (reason, superseded_at);

-- The per-minute statistics (V6) now follow updates and deletes too: they count live reviews (created, not deleted)
-- by the minute they were created, with their current rating, so they always equal a recount from reviews. An insert
-- adds its live rows; an update (a creation filling a row in, a rating changed, a deletion) adds its new live rows and
-- takes its old ones away. The increments may now be negative; their sum per minute never is.
CREATE OR REPLACE FUNCTION add_review_stats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO review_stats_minute_increments (minute, reviews, rating_sum, rating_1, rating_2, rating_3, rating_4,
                                                rating_5)
    -- The minute from the epoch, not date_trunc: the same minute whatever the session's time zone.
    SELECT minute, sum(sign), sum(sign * rating),
           coalesce(sum(sign) FILTER (WHERE rating = 1), 0), coalesce(sum(sign) FILTER (WHERE rating = 2), 0),
           coalesce(sum(sign) FILTER (WHERE rating = 3), 0), coalesce(sum(sign) FILTER (WHERE rating = 4), 0),
           coalesce(sum(sign) FILTER (WHERE rating = 5), 0)
    FROM (SELECT to_timestamp(floor(extract(epoch FROM reviewed_at) / 60) * 60) AS minute, rating, 1 AS sign
          FROM new_reviews WHERE reviewed_at IS NOT NULL AND deleted_at IS NULL) AS added
    GROUP BY minute;
    RETURN NULL;
END
$$;

CREATE FUNCTION change_review_stats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO review_stats_minute_increments (minute, reviews, rating_sum, rating_1, rating_2, rating_3, rating_4,
                                                rating_5)
    SELECT minute, sum(sign), sum(sign * rating),
           coalesce(sum(sign) FILTER (WHERE rating = 1), 0), coalesce(sum(sign) FILTER (WHERE rating = 2), 0),
           coalesce(sum(sign) FILTER (WHERE rating = 3), 0), coalesce(sum(sign) FILTER (WHERE rating = 4), 0),
           coalesce(sum(sign) FILTER (WHERE rating = 5), 0)
    FROM (SELECT to_timestamp(floor(extract(epoch FROM reviewed_at) / 60) * 60) AS minute, rating, 1 AS sign
          FROM new_reviews WHERE reviewed_at IS NOT NULL AND deleted_at IS NULL
          UNION ALL
          SELECT to_timestamp(floor(extract(epoch FROM reviewed_at) / 60) * 60), rating, -1
          FROM old_reviews WHERE reviewed_at IS NOT NULL AND deleted_at IS NULL) AS changed
    GROUP BY minute;
    RETURN NULL;
END
$$;

CREATE TRIGGER reviews_stats_minute_change AFTER UPDATE ON reviews
    REFERENCING OLD TABLE AS old_reviews NEW TABLE AS new_reviews
    FOR EACH STATEMENT EXECUTE FUNCTION change_review_stats();

-- A minute whose reviews were all deleted has no row, as in a recount.
CREATE OR REPLACE VIEW review_stats_minute AS
SELECT minute,
       sum(reviews)::bigint                              AS reviews,
       round(sum(rating_sum)::numeric / sum(reviews), 3) AS average_rating,
       sum(rating_1)::bigint                             AS rating_1,
       sum(rating_2)::bigint                             AS rating_2,
       sum(rating_3)::bigint                             AS rating_3,
       sum(rating_4)::bigint                             AS rating_4,
       sum(rating_5)::bigint                             AS rating_5,
       max(added_at)                                     AS updated_at
FROM review_stats_minute_increments
GROUP BY minute
HAVING sum(reviews) <> 0;
