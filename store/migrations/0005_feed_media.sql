-- What feeds say about an item beyond its text: its lead image (shown in
-- the desk's items list), the files it carries (RSS enclosures, Media RSS
-- content, JSON Feed attachments) and its categories. Enclosures and
-- categories keep the feed's order through position.

ALTER TABLE items ADD COLUMN image_url TEXT NOT NULL DEFAULT '';

CREATE TABLE item_enclosures (
	item_id  BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	url      TEXT NOT NULL,
	type     TEXT NOT NULL DEFAULT '',
	length   BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (item_id, position)
);

CREATE TABLE item_categories (
	item_id  BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	name     TEXT NOT NULL,
	PRIMARY KEY (item_id, position)
);
CREATE INDEX item_categories_name ON item_categories (name);
