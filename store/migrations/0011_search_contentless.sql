-- SQLite's article index stops keeping its own copy of each article's
-- text. The copy doubled the database (the text is in items and
-- articles already) and every poll wrote it twice; search read it back
-- only for snippets and to see which words of a query are in a title,
-- and both are now done in Go (internal/ftstoken tokenizes as FTS5
-- does) from the rows themselves. The title is still kept beside the
-- index, unindexed, so that ranking reads a small row per candidate.
--
-- contentless_delete lets the triggers remove a row by its rowid alone,
-- whatever was indexed for it; contentless_unindexed keeps title_text.
-- Nothing changes on PostgreSQL, whose index never held the text.

-- dialect: sqlite

DROP TRIGGER items_fts_insert;
DROP TRIGGER items_fts_update;
DROP TRIGGER items_fts_delete;
DROP TRIGGER articles_fts_insert;
DROP TRIGGER articles_fts_update;
DROP TRIGGER articles_fts_delete;
DROP TABLE items_fts;

CREATE VIRTUAL TABLE items_fts USING fts5(
	title, body, title_text UNINDEXED,
	content = '', contentless_delete = 1, contentless_unindexed = 1,
	tokenize = 'porter unicode61 remove_diacritics 2'
);
-- See 0007: one segment per poll's transaction.
INSERT INTO items_fts (items_fts, rank) VALUES ('hashsize', 16777216);

CREATE TRIGGER items_fts_insert AFTER INSERT ON items
BEGIN
INSERT INTO items_fts (rowid, title, body, title_text) VALUES (new.id, new.title,
	COALESCE((SELECT NULLIF(text, '') FROM articles WHERE item_id = new.id), new.summary), new.title);
END;

CREATE TRIGGER items_fts_update AFTER UPDATE OF title, summary ON items
BEGIN
DELETE FROM items_fts WHERE rowid = old.id;
INSERT INTO items_fts (rowid, title, body, title_text) VALUES (new.id, new.title,
	COALESCE((SELECT NULLIF(text, '') FROM articles WHERE item_id = new.id), new.summary), new.title);
END;

CREATE TRIGGER items_fts_delete AFTER DELETE ON items
BEGIN
DELETE FROM items_fts WHERE rowid = old.id;
END;

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles
BEGIN
DELETE FROM items_fts WHERE rowid = new.item_id;
INSERT INTO items_fts (rowid, title, body, title_text)
	SELECT id, title, COALESCE(NULLIF(new.text, ''), summary), title FROM items WHERE id = new.item_id;
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles
BEGIN
DELETE FROM items_fts WHERE rowid = old.item_id;
DELETE FROM items_fts WHERE rowid = new.item_id;
INSERT INTO items_fts (rowid, title, body, title_text)
	SELECT id, title, COALESCE(NULLIF(new.text, ''), summary), title FROM items WHERE id = new.item_id;
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles
BEGIN
DELETE FROM items_fts WHERE rowid = old.item_id;
INSERT INTO items_fts (rowid, title, body, title_text)
	SELECT id, title, summary, title FROM items WHERE id = old.item_id;
END;

INSERT INTO items_fts (rowid, title, body, title_text)
	SELECT i.id, i.title, COALESCE(NULLIF(a.text, ''), i.summary), i.title FROM items i LEFT JOIN articles a ON a.item_id = i.id;

-- dialect: postgres
