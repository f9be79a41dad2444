-- The extraction sweep looks for recently fetched items that have no
-- article yet; this keeps that look to the recent rows however many
-- items the database holds.

CREATE INDEX items_fetched_at ON items (fetched_at);
