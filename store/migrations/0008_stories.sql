-- Stories: items about one event across outlets, made by the clustering
-- worker as items arrive and corrected by editors (merge, split).
--
-- story_items holds each clustered item's story; an item that is not in it
-- has not been clustered yet. copy_of marks near-duplicates (syndicated
-- copies) with the item they copy. The story's counts, span, lead and rank
-- are kept on the story row so the desk can list stories in coverage order
-- from an index (see newsdesk.Story.Coverage for what rank means).
--
-- story_log records every change to the stories in the order it was made,
-- under one lock: a clustering worker replays the changes other processes
-- and editors made since it last looked, so that its in-memory state
-- follows the database without reloading it.

CREATE TABLE stories (
	id           {{id}},
	lead_item_id BIGINT REFERENCES items (id) ON DELETE SET NULL,
	headline     TEXT NOT NULL DEFAULT '',
	articles     INTEGER NOT NULL DEFAULT 0,
	copies       INTEGER NOT NULL DEFAULT 0,
	outlets      INTEGER NOT NULL DEFAULT 0,
	first_seen   {{time}},
	last_seen    {{time}},
	rank         DOUBLE PRECISION NOT NULL DEFAULT 0,
	merged_into  BIGINT REFERENCES stories (id) ON DELETE SET NULL,
	created_at   {{time}} NOT NULL,
	updated_at   {{time}} NOT NULL
);
CREATE INDEX stories_rank ON stories (rank DESC, id) WHERE merged_into IS NULL;
CREATE INDEX stories_last_seen ON stories (last_seen) WHERE merged_into IS NULL;

CREATE TABLE story_items (
	item_id  BIGINT PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
	story_id BIGINT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
	copy_of  BIGINT REFERENCES items (id) ON DELETE SET NULL,
	seen_at  {{time}} NOT NULL,
	seq      BIGINT NOT NULL
);
CREATE INDEX story_items_story ON story_items (story_id, seen_at);

CREATE TABLE story_log (
	seq        {{id}},
	kind       TEXT NOT NULL,
	story_id   BIGINT NOT NULL,
	other_id   BIGINT NOT NULL DEFAULT 0,
	item_id    BIGINT NOT NULL DEFAULT 0,
	copy_of    BIGINT NOT NULL DEFAULT 0,
	items      TEXT NOT NULL DEFAULT '',
	created_at {{time}} NOT NULL
);
