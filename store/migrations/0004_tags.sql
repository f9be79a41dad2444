-- Tags on posts: tag pages, per-tag feeds, search filters and related
-- articles all read them. tag is the slug used in URLs; name is how the
-- editor wrote it.

CREATE TABLE post_tags (
	post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	tag     TEXT NOT NULL,
	name    TEXT NOT NULL,
	PRIMARY KEY (post_id, tag)
);
CREATE INDEX post_tags_tag ON post_tags (tag, post_id);
