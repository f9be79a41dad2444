-- Images newsdesk serves itself (a post's lead image), in the database
-- rather than on a disk, so that several processes on one PostgreSQL
-- serve the same ones and a backup of the database is a backup of
-- them. Each rendition is served under its content hash, so its URL
-- never names other bytes and may be cached for good; the hash is not
-- unique, as two images may share a picture, and any row with it holds
-- the same bytes. A rendition of a lead image is 20 to 300 KB.

CREATE TABLE images (
	id         {{id}},
	source_url TEXT NOT NULL DEFAULT '',
	alt        TEXT NOT NULL DEFAULT '',
	credit     TEXT NOT NULL DEFAULT '',
	format     TEXT NOT NULL,
	width      INTEGER NOT NULL,
	height     INTEGER NOT NULL,
	created_at {{time}} NOT NULL
);

CREATE TABLE image_renditions (
	image_id     BIGINT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
	position     INTEGER NOT NULL,
	width        INTEGER NOT NULL,
	height       INTEGER NOT NULL,
	content_type TEXT NOT NULL,
	hash         TEXT NOT NULL,
	data         {{bytes}} NOT NULL,
	PRIMARY KEY (image_id, position)
);
CREATE INDEX image_renditions_hash ON image_renditions (hash);
