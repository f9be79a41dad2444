-- The followers of newsdesk's own feeds through its WebSub hub: each row
-- is one callback that asked for one feed (its topic) and confirmed it,
-- with the secret that signs what the hub POSTs there and the end of its
-- lease. A topic and a callback make one follower; asking again renews it.
-- callback_host is the callback's host name, for the limit of followers a
-- host may have. The lengths the hub accepts (topics up to 1,000 bytes,
-- callbacks up to 1,500) keep the unique index within PostgreSQL's limit
-- on an index entry.

CREATE TABLE feed_followers (
	id            {{id}},
	topic         TEXT NOT NULL,
	callback      TEXT NOT NULL,
	callback_host TEXT NOT NULL,
	secret        TEXT NOT NULL DEFAULT '',
	lease_seconds BIGINT NOT NULL,
	expires_at    {{time}} NOT NULL,
	created_at    {{time}} NOT NULL,
	updated_at    {{time}} NOT NULL
);

CREATE UNIQUE INDEX feed_followers_topic_callback ON feed_followers (topic, callback);

CREATE INDEX feed_followers_expires_at ON feed_followers (expires_at);

CREATE INDEX feed_followers_callback_host ON feed_followers (callback_host);
