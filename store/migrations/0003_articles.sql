-- Articles: what extraction found on an item's own page (the item's
-- "full text"). One row per item once extraction has been tried; a failed
-- try keeps its error so the desk can say why and the worker does not
-- retry forever. Later capabilities (search, stories, related) read the
-- text from here and fall back to the item's feed summary.

CREATE TABLE articles (
	item_id      BIGINT PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
	title        TEXT NOT NULL DEFAULT '',
	byline       TEXT NOT NULL DEFAULT '',
	site_name    TEXT NOT NULL DEFAULT '',
	language     TEXT NOT NULL DEFAULT '',
	image        TEXT NOT NULL DEFAULT '',
	published_at {{time}},
	text         TEXT NOT NULL DEFAULT '',
	html         TEXT NOT NULL DEFAULT '',
	error        TEXT NOT NULL DEFAULT '',
	extracted_at {{time}} NOT NULL
);
