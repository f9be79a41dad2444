-- PostgreSQL's article index is rebuilt so that a search reads only what
-- it ranks: the newest matches of the query, and for each the words of
-- its title.
--
-- A search ranks the newest 1000 articles that match (store/search.go).
-- Before this, PostgreSQL found them either by walking every article
-- newest first and testing its document, or through the GIN index by
-- fetching every match, however many, and sorting them; a word in one
-- article in a hundred cost both ways about 100,000 rows read, each a
-- row of about 2 kB. Now:
--
-- - The GIN index also holds, for each article, which range of IDs it is
--   in at several sizes (ranges of 4,096 IDs, of 65,536 and so on, each
--   16 times the last), and its source (newsdesk_item_keys). A search
--   asks for the matches among the newest IDs first, in a range sized to
--   hold about as many as it ranks, and the index intersects the two
--   itself: it reads neither the older matches of a common word nor
--   their rows. A search in one source is intersected with it the same
--   way, rather than by reading each match's item.
-- - The table's rows are small, so that the rows a search reads (to see
--   that they are visible, and to rank them) are few pages: the
--   document, which only the index needs, is always stored out of line
--   (TOAST). PostgreSQL moves values out of line only from rows of more
--   than about 2 kB, and then until the row is under toast_tuple_target;
--   pad, a run of spaces that compresses to a few bytes, makes every new
--   row long enough. Later updates of a row whose document is out of
--   line are toasted in the same way without it.
-- - The title's words have a tsvector of their own (kept in the row, never
--   compressed or moved out), so that ranking by the query's words in the
--   title reads no document.
--
-- Rebuilding 1,000,000 articles took 4.5 to 6 minutes on a shared 2-core
-- machine.

-- dialect: sqlite

-- dialect: postgres

-- Building the GIN index at once is faster with more memory than the
-- default 64 MB; this lasts until the migration's transaction ends.
SET LOCAL maintenance_work_mem = '256MB';

-- The keys the index holds for an item besides its words: the ID ranges
-- it is in, one per size (ranges of 2^12 IDs, 2^16, 2^20, 2^24 and 2^28,
-- numbered 0 to 4 in the top byte), and its source (7 in the top byte).
-- store/search.go (recencyShifts, sourceKey) names the same keys.
CREATE FUNCTION newsdesk_item_keys(id BIGINT, source_id BIGINT) RETURNS BIGINT[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT ARRAY[id >> 12, (1::BIGINT << 56) | (id >> 16), (2::BIGINT << 56) | (id >> 20),
	(3::BIGINT << 56) | (id >> 24), (4::BIGINT << 56) | (id >> 28), (7::BIGINT << 56) | source_id]
$$;

CREATE TABLE item_search_rebuilt (
	item_id   BIGINT PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
	source_id BIGINT NOT NULL,
	title     tsvector NOT NULL,
	document  tsvector NOT NULL,
	pad       TEXT NOT NULL DEFAULT repeat(' ', 2048)
) WITH (toast_tuple_target = 128);
ALTER TABLE item_search_rebuilt
	ALTER COLUMN title SET STORAGE PLAIN,
	ALTER COLUMN document SET STORAGE EXTERNAL,
	ALTER COLUMN pad SET STORAGE MAIN;

INSERT INTO item_search_rebuilt (item_id, source_id, title, document)
	SELECT s.item_id, i.source_id, to_tsvector('newsdesk', i.title), s.document
	FROM item_search s JOIN items i ON i.id = s.item_id ORDER BY s.item_id;

DROP TABLE item_search;
ALTER TABLE item_search_rebuilt RENAME TO item_search;
ALTER INDEX item_search_rebuilt_pkey RENAME TO item_search_pkey;
ALTER TABLE item_search RENAME CONSTRAINT item_search_rebuilt_item_id_fkey TO item_search_item_id_fkey;
CREATE INDEX item_search_document ON item_search USING GIN (document, newsdesk_item_keys(item_id, source_id));
-- Statistics now, not at autovacuum's next pass.
ANALYZE item_search;

-- The title's words are read once, for the title's own tsvector and
-- for the document (as newsdesk_item_document does).
CREATE OR REPLACE FUNCTION newsdesk_index_item(target BIGINT) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
INSERT INTO item_search (item_id, source_id, title, document)
	SELECT i.id, i.source_id, t.words, setweight(t.words, 'A') || setweight(to_tsvector('newsdesk', COALESCE(NULLIF(a.text, ''), i.summary)), 'B')
	FROM items i LEFT JOIN articles a ON a.item_id = i.id
	CROSS JOIN LATERAL (SELECT to_tsvector('newsdesk', i.title) AS words OFFSET 0) t
	WHERE i.id = target
	ON CONFLICT (item_id) DO UPDATE SET source_id = excluded.source_id, title = excluded.title, document = excluded.document;
END;
$$;

CREATE OR REPLACE FUNCTION newsdesk_items_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
INSERT INTO item_search (item_id, source_id, title, document)
	SELECT n.id, n.source_id, t.words, setweight(t.words, 'A') || setweight(to_tsvector('newsdesk', COALESCE(NULLIF(a.text, ''), n.summary)), 'B')
	FROM added n LEFT JOIN articles a ON a.item_id = n.id
	CROSS JOIN LATERAL (SELECT to_tsvector('newsdesk', n.title) AS words OFFSET 0) t
	ON CONFLICT (item_id) DO UPDATE SET source_id = excluded.source_id, title = excluded.title, document = excluded.document;
RETURN NULL;
END;
$$;
