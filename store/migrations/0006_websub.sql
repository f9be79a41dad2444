-- WebSub: a source's subscription at the hub its feed names, so the hub
-- pushes new items instead of newsdesk polling for them. There is no
-- foreign key to sources on purpose: when a source is removed its
-- subscription stays until newsdesk has told the hub (unsubscribe needs
-- the hub, the topic and the callback's token), then goes.

CREATE TABLE websub_subscriptions (
	source_id     BIGINT PRIMARY KEY,
	hub_url       TEXT NOT NULL,
	topic_url     TEXT NOT NULL,
	token         TEXT NOT NULL,
	secret        TEXT NOT NULL,
	state         TEXT NOT NULL,
	lease_seconds INTEGER NOT NULL DEFAULT 0,
	requested_at  {{time}},
	expires_at    {{time}},
	renew_at      {{time}},
	last_error    TEXT NOT NULL DEFAULT '',
	note          TEXT NOT NULL DEFAULT '',
	created_at    {{time}} NOT NULL,
	updated_at    {{time}} NOT NULL
);
