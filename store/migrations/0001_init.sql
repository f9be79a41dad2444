-- The foundation: sources, their items, staff, sessions and posts.
-- {{id}} and {{time}} are filled in per database by migrate.go; everything
-- else is SQL that SQLite and PostgreSQL both accept.

CREATE TABLE sources (
	id             {{id}},
	name           TEXT NOT NULL,
	feed_url       TEXT NOT NULL UNIQUE,
	site_url       TEXT NOT NULL DEFAULT '',
	status         TEXT NOT NULL DEFAULT 'new',
	last_error     TEXT NOT NULL DEFAULT '',
	error_count    INTEGER NOT NULL DEFAULT 0,
	last_polled_at {{time}},
	next_poll_at   {{time}} NOT NULL,
	created_at     {{time}} NOT NULL,
	updated_at     {{time}} NOT NULL
);
CREATE INDEX sources_next_poll_at ON sources (next_poll_at);

CREATE TABLE items (
	id           {{id}},
	source_id    BIGINT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
	guid         TEXT NOT NULL,
	url          TEXT NOT NULL DEFAULT '',
	title        TEXT NOT NULL DEFAULT '',
	summary      TEXT NOT NULL DEFAULT '',
	content      TEXT NOT NULL DEFAULT '',
	author       TEXT NOT NULL DEFAULT '',
	published_at {{time}},
	fetched_at   {{time}} NOT NULL,
	UNIQUE (source_id, guid)
);

CREATE TABLE users (
	id            {{id}},
	email         TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	created_at    {{time}} NOT NULL
);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	expires_at {{time}} NOT NULL,
	created_at {{time}} NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE posts (
	id           {{id}},
	slug         TEXT NOT NULL UNIQUE,
	headline     TEXT NOT NULL,
	summary      TEXT NOT NULL,
	status       TEXT NOT NULL,
	item_id      BIGINT REFERENCES items (id) ON DELETE SET NULL,
	source_name  TEXT NOT NULL,
	original_url TEXT NOT NULL,
	author_id    BIGINT REFERENCES users (id) ON DELETE SET NULL,
	published_at {{time}},
	created_at   {{time}} NOT NULL,
	updated_at   {{time}} NOT NULL
);
CREATE INDEX posts_published ON posts (status, published_at DESC, id DESC);
CREATE INDEX posts_item_id ON posts (item_id);
