-- The outbox: e-mail newsdesk kept instead of sending, because no mail
-- server is configured (a fresh install, the demo). Each row is one
-- message as SMTP would have sent it: its envelope, and its bytes, which
-- the encoder writes in 7-bit ASCII, so TEXT holds them in both
-- databases. Newest first is by id.

CREATE TABLE outbox_messages (
	id            {{id}},
	created_at    {{time}} NOT NULL,
	envelope_from TEXT NOT NULL,
	recipients    TEXT NOT NULL,
	subject       TEXT NOT NULL,
	message_id    TEXT NOT NULL,
	raw           TEXT NOT NULL
);
