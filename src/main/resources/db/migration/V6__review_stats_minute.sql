-- Per-minute review statistics by event time (issue 16): count, average rating and count per rating.
--
-- Exact under duplicates, replays and crashes because the same INSERT that writes reviews writes them, in its
-- transaction: a trigger reads the statement's new rows, so a review that the idempotency claim or ON CONFLICT skipped
-- is not counted, and a batch that rolls back takes its counts with it. A late event counts in its own (old) minute.
--
-- Each INSERT appends its increments instead of updating one row per minute: the two consumer threads write the
-- current minute all the time, and an UPDATE would make each wait for the other's commit (or deadlock on two
-- minutes). review_stats_minute sums the increments.
CREATE TABLE review_stats_minute_increments (
    minute     timestamptz NOT NULL,
    reviews    bigint      NOT NULL,
    rating_sum bigint      NOT NULL,
    rating_1   bigint      NOT NULL,
    rating_2   bigint      NOT NULL,
    rating_3   bigint      NOT NULL,
    rating_4   bigint      NOT NULL,
    rating_5   bigint      NOT NULL,
    added_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX review_stats_minute_increments_minute ON review_stats_minute_increments (minute);

CREATE FUNCTION add_review_stats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO review_stats_minute_increments (minute, reviews, rating_sum, rating_1, rating_2, rating_3, rating_4,
                                                rating_5)
    -- The minute from the epoch, not date_trunc: the same minute whatever the session's time zone.
    SELECT to_timestamp(floor(extract(epoch FROM reviewed_at) / 60) * 60), count(*), sum(rating),
           count(*) FILTER (WHERE rating = 1), count(*) FILTER (WHERE rating = 2), count(*) FILTER (WHERE rating = 3),
           count(*) FILTER (WHERE rating = 4), count(*) FILTER (WHERE rating = 5)
    FROM new_reviews
    GROUP BY 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER reviews_stats_minute AFTER INSERT ON reviews REFERENCING NEW TABLE AS new_reviews
    FOR EACH STATEMENT EXECUTE FUNCTION add_review_stats();

CREATE VIEW review_stats_minute AS
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
GROUP BY minute;
