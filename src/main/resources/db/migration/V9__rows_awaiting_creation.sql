-- Rows an update or a deletion made before their creation arrived (issue 23): counted and aged every few seconds
-- (dev.sluice.observe.RowsAwaitingCreation). A partial index keeps that a look at the few such rows, however large the
-- table grows.
CREATE INDEX reviews_awaiting_creation ON reviews (ingested_at) WHERE event_id IS NULL;
