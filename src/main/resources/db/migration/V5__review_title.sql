-- review_created schema_version 2 adds an optional title (routes-yaml/schemas/review_created.v2.schema.json).
ALTER TABLE reviews ADD COLUMN title text;
