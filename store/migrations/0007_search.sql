-- Full-text search over articles (items, by their extracted text or, until
-- extraction has run, their feed summary) and posts (headline, summary,
-- tags). The index lives in the database and is kept up to date by
-- triggers, so every way of writing items, articles, posts and tags (the
-- poll job, extraction, the desk, the API) updates it in the same
-- transaction, and deleting a row removes it from the index.
--
-- The two databases index differently; the query syntax is parsed in Go
-- (newsdesk.ParseSearch) and rendered for each, so both behave the same.

-- dialect: sqlite

-- FTS5 tables that keep their own copy of the text: a row leaves the
-- index by rowid alone, however the row it came from was written, and
-- snippet() reads the text from here. Porter stemming on unicode61
-- words, accents folded, like PostgreSQL's english configuration.
CREATE VIRTUAL TABLE items_fts USING fts5(
	title, body,
	tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO items_fts (items_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0)');
-- A 16 MB buffer of pending terms (1 MB by default) lets a poll's
-- transaction write one segment of the index rather than several, so
-- less merging follows. Merging stays at 4 segments at a time: merging
-- more is cheaper when indexing but leaves more segments for every
-- search to read (see bench/search.go).
INSERT INTO items_fts (items_fts, rank) VALUES ('hashsize', 16777216);

CREATE TRIGGER items_fts_insert AFTER INSERT ON items
BEGIN
INSERT INTO items_fts (rowid, title, body) VALUES (new.id, new.title,
	COALESCE((SELECT NULLIF(text, '') FROM articles WHERE item_id = new.id), new.summary));
END;

CREATE TRIGGER items_fts_update AFTER UPDATE OF title, summary ON items
BEGIN
DELETE FROM items_fts WHERE rowid = old.id;
INSERT INTO items_fts (rowid, title, body) VALUES (new.id, new.title,
	COALESCE((SELECT NULLIF(text, '') FROM articles WHERE item_id = new.id), new.summary));
END;

CREATE TRIGGER items_fts_delete AFTER DELETE ON items
BEGIN
DELETE FROM items_fts WHERE rowid = old.id;
END;

-- An article replaces the summary as the item's text; deleting it puts
-- the summary back. When the item itself is being deleted it is already
-- gone here, so nothing is put back.
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles
BEGIN
DELETE FROM items_fts WHERE rowid = new.item_id;
INSERT INTO items_fts (rowid, title, body)
	SELECT id, title, COALESCE(NULLIF(new.text, ''), summary) FROM items WHERE id = new.item_id;
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles
BEGIN
DELETE FROM items_fts WHERE rowid = old.item_id;
DELETE FROM items_fts WHERE rowid = new.item_id;
INSERT INTO items_fts (rowid, title, body)
	SELECT id, title, COALESCE(NULLIF(new.text, ''), summary) FROM items WHERE id = new.item_id;
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles
BEGIN
DELETE FROM items_fts WHERE rowid = old.item_id;
INSERT INTO items_fts (rowid, title, body)
	SELECT id, title, summary FROM items WHERE id = old.item_id;
END;

CREATE VIRTUAL TABLE posts_fts USING fts5(
	headline, summary, tags,
	tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO posts_fts (posts_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 5.0)');

CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts
BEGIN
INSERT INTO posts_fts (rowid, headline, summary, tags) VALUES (new.id, new.headline, new.summary,
	COALESCE((SELECT group_concat(name, ' ') FROM post_tags WHERE post_id = new.id), ''));
END;

CREATE TRIGGER posts_fts_update AFTER UPDATE OF headline, summary ON posts
BEGIN
DELETE FROM posts_fts WHERE rowid = old.id;
INSERT INTO posts_fts (rowid, headline, summary, tags) VALUES (new.id, new.headline, new.summary,
	COALESCE((SELECT group_concat(name, ' ') FROM post_tags WHERE post_id = new.id), ''));
END;

CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts
BEGIN
DELETE FROM posts_fts WHERE rowid = old.id;
END;

CREATE TRIGGER post_tags_fts_insert AFTER INSERT ON post_tags
BEGIN
DELETE FROM posts_fts WHERE rowid = new.post_id;
INSERT INTO posts_fts (rowid, headline, summary, tags)
	SELECT id, headline, summary, COALESCE((SELECT group_concat(name, ' ') FROM post_tags WHERE post_id = new.post_id), '')
	FROM posts WHERE id = new.post_id;
END;

CREATE TRIGGER post_tags_fts_delete AFTER DELETE ON post_tags
BEGIN
DELETE FROM posts_fts WHERE rowid = old.post_id;
INSERT INTO posts_fts (rowid, headline, summary, tags)
	SELECT id, headline, summary, COALESCE((SELECT group_concat(name, ' ') FROM post_tags WHERE post_id = old.post_id), '')
	FROM posts WHERE id = old.post_id;
END;

-- Items and posts stored before this migration.
INSERT INTO items_fts (rowid, title, body)
	SELECT i.id, i.title, COALESCE(NULLIF(a.text, ''), i.summary) FROM items i LEFT JOIN articles a ON a.item_id = i.id;
INSERT INTO posts_fts (rowid, headline, summary, tags)
	SELECT id, headline, summary, COALESCE((SELECT group_concat(name, ' ') FROM post_tags WHERE post_id = posts.id), '') FROM posts;

-- dialect: postgres

-- A tsvector per item and per post, title or headline weighted A (tags
-- B, text C for posts; text B for items), in tables of their own with a
-- GIN index, kept by triggers. The text itself stays where it is;
-- ts_headline reads it for the few rows shown.
-- The newsdesk configuration is PostgreSQL's english one with accents
-- folded first (unaccent, a trusted extension shipped with PostgreSQL),
-- as SQLite's remove_diacritics does: "café" and "cafe" are one word.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION newsdesk (COPY = english);
ALTER TEXT SEARCH CONFIGURATION newsdesk
	ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;

CREATE FUNCTION newsdesk_item_document(title TEXT, body TEXT) RETURNS tsvector
LANGUAGE sql IMMUTABLE AS $$
SELECT setweight(to_tsvector('newsdesk', title), 'A') || setweight(to_tsvector('newsdesk', body), 'B')
$$;

CREATE TABLE item_search (
	item_id  BIGINT PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
	document tsvector NOT NULL
);
CREATE INDEX item_search_document ON item_search USING GIN (document);

CREATE FUNCTION newsdesk_index_item(target BIGINT) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
INSERT INTO item_search (item_id, document)
	SELECT i.id, newsdesk_item_document(i.title, COALESCE(NULLIF(a.text, ''), i.summary))
	FROM items i LEFT JOIN articles a ON a.item_id = i.id WHERE i.id = target
	ON CONFLICT (item_id) DO UPDATE SET document = excluded.document;
END;
$$;

CREATE FUNCTION newsdesk_items_search() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
PERFORM newsdesk_index_item(NEW.id);
RETURN NULL;
END;
$$;

CREATE TRIGGER items_search AFTER UPDATE OF title, summary ON items
	FOR EACH ROW EXECUTE FUNCTION newsdesk_items_search();

-- New items are indexed a statement at a time: a poll stores hundreds in
-- one INSERT, and one INSERT ... SELECT over them is several times
-- faster than a function call per row.
CREATE FUNCTION newsdesk_items_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
INSERT INTO item_search (item_id, document)
	SELECT n.id, newsdesk_item_document(n.title, COALESCE(NULLIF(a.text, ''), n.summary))
	FROM added n LEFT JOIN articles a ON a.item_id = n.id
	ON CONFLICT (item_id) DO UPDATE SET document = excluded.document;
RETURN NULL;
END;
$$;

CREATE TRIGGER items_search_added AFTER INSERT ON items REFERENCING NEW TABLE AS added
	FOR EACH STATEMENT EXECUTE FUNCTION newsdesk_items_added();

-- When an item is deleted its article goes with it, and the item is
-- already gone when this runs: newsdesk_index_item then finds nothing.
CREATE FUNCTION newsdesk_articles_search() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
IF TG_OP = 'DELETE' THEN
	PERFORM newsdesk_index_item(OLD.item_id);
ELSE
	PERFORM newsdesk_index_item(NEW.item_id);
END IF;
RETURN NULL;
END;
$$;

CREATE TRIGGER articles_search AFTER INSERT OR UPDATE OR DELETE ON articles
	FOR EACH ROW EXECUTE FUNCTION newsdesk_articles_search();

CREATE TABLE post_search (
	post_id  BIGINT PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
	document tsvector NOT NULL
);
CREATE INDEX post_search_document ON post_search USING GIN (document);

CREATE FUNCTION newsdesk_index_post(target BIGINT) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
INSERT INTO post_search (post_id, document)
	SELECT p.id,
		setweight(to_tsvector('newsdesk', p.headline), 'A') ||
		setweight(to_tsvector('newsdesk', COALESCE((SELECT string_agg(name, ' ') FROM post_tags WHERE post_id = p.id), '')), 'B') ||
		setweight(to_tsvector('newsdesk', p.summary), 'C')
	FROM posts p WHERE p.id = target
	ON CONFLICT (post_id) DO UPDATE SET document = excluded.document;
END;
$$;

CREATE FUNCTION newsdesk_posts_search() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
IF TG_TABLE_NAME = 'posts' THEN
	PERFORM newsdesk_index_post(NEW.id);
ELSIF TG_OP = 'DELETE' THEN
	PERFORM newsdesk_index_post(OLD.post_id);
ELSE
	PERFORM newsdesk_index_post(NEW.post_id);
END IF;
RETURN NULL;
END;
$$;

CREATE TRIGGER posts_search AFTER INSERT OR UPDATE OF headline, summary ON posts
	FOR EACH ROW EXECUTE FUNCTION newsdesk_posts_search();
CREATE TRIGGER post_tags_search AFTER INSERT OR DELETE ON post_tags
	FOR EACH ROW EXECUTE FUNCTION newsdesk_posts_search();

SELECT newsdesk_index_item(id) FROM items;
SELECT newsdesk_index_post(id) FROM posts;
