-- Markers are purged by age (dev.sluice.dedupe.MarkerRetention), oldest first, a small batch at a time: without this
-- index each batch would scan the whole table.
CREATE INDEX idempotency_markers_created_at ON idempotency_markers (created_at);
