package mail

import (
	"context"
	"fmt"
	"time"
)

// OutboxStore keeps the messages an Outbox is given. The store package's
// DB is one.
type OutboxStore interface {
	// SaveOutboxMessage keeps one message: its envelope (the sender and
	// the recipients, in angle brackets as SMTP writes them), its subject
	// and Message-ID for listing, and its bytes as they would have been
	// sent. It returns the message's ID.
	SaveOutboxMessage(ctx context.Context, from string, to []string, subject, messageID string, raw []byte) (int64, error)
}

// Outbox is the Sender of an install with no mail server: it sends
// nothing, and keeps every message in the database, encoded exactly as
// SMTP would have sent it, for the desk to show.
type Outbox struct {
	store OutboxStore
	now   func() time.Time
}

var _ Sender = (*Outbox)(nil)

// NewOutbox returns an Outbox that keeps messages in store, dating them
// by now (nil for time.Now).
func NewOutbox(store OutboxStore, now func() time.Time) *Outbox {
	if now == nil {
		now = time.Now
	}
	return &Outbox{store: store, now: now}
}

// Send encodes m and keeps it. It returns EINVALID or ETOOLARGE for a
// message that cannot be encoded, as SMTP would.
func (o *Outbox) Send(ctx context.Context, m *Message) error {
	date := m.Date
	if date.IsZero() {
		date = o.now()
	}
	raw, env, err := m.encode(nil, date)
	if err != nil {
		return err
	}
	if _, err := o.store.SaveOutboxMessage(ctx, env.from, env.to, env.subject, env.messageID, raw); err != nil {
		return fmt.Errorf("keep message in the outbox: %w", err)
	}
	return nil
}
