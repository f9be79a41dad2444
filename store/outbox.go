package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk"
)

// OutboxMessage is an e-mail newsdesk kept rather than sent, because no
// mail server is configured.
type OutboxMessage struct {
	ID        int64
	CreatedAt time.Time
	From      string   // the envelope sender, in angle brackets
	To        []string // the envelope recipients, in angle brackets
	Subject   string
	MessageID string
	Size      int    // bytes of the message
	Raw       string // the message as it would have been sent; only from FindOutboxMessage
}

// OutboxFilter pages through the outbox, newest first.
type OutboxFilter struct {
	Limit int // zero for 50, at most 500
	// Before, when non-zero, returns only messages older than this ID.
	Before int64
}

// SaveOutboxMessage keeps one message in the outbox and returns its ID.
// It serves mail.Outbox.
func (d *DB) SaveOutboxMessage(ctx context.Context, from string, to []string, subject, messageID string, raw []byte) (int64, error) {
	var id int64
	err := d.db.QueryRowContext(ctx, d.q(`INSERT INTO outbox_messages
		(created_at, envelope_from, recipients, subject, message_id, raw)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
		d.now(), from, strings.Join(to, "\n"), subject, messageID, string(raw)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("save outbox message: %w", err)
	}
	return id, nil
}

const outboxColumns = `id, created_at, envelope_from, recipients, subject, message_id, OCTET_LENGTH(raw)`

func scanOutbox(row interface{ Scan(...any) error }, extra ...any) (*OutboxMessage, error) {
	var m OutboxMessage
	var to string
	if err := row.Scan(append([]any{&m.ID, &m.CreatedAt, &m.From, &to, &m.Subject, &m.MessageID, &m.Size}, extra...)...); err != nil {
		return nil, err
	}
	m.CreatedAt = m.CreatedAt.UTC()
	m.To = strings.Split(to, "\n")
	return &m, nil
}

// FindOutboxMessages returns the outbox newest first, without the
// messages' bytes.
func (d *DB) FindOutboxMessages(ctx context.Context, f OutboxFilter) ([]*OutboxMessage, error) {
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	query := `SELECT ` + outboxColumns + ` FROM outbox_messages`
	args := []any{}
	if f.Before != 0 {
		query += ` WHERE id < ?`
		args = append(args, f.Before)
	}
	query += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := d.db.QueryContext(ctx, d.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("find outbox messages: %w", err)
	}
	defer rows.Close()
	var out []*OutboxMessage
	for rows.Next() {
		m, err := scanOutbox(rows)
		if err != nil {
			return nil, fmt.Errorf("find outbox messages: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find outbox messages: %w", err)
	}
	return out, nil
}

// FindOutboxMessage returns one message of the outbox with its bytes, or
// ENOTFOUND.
func (d *DB) FindOutboxMessage(ctx context.Context, id int64) (*OutboxMessage, error) {
	var raw string
	m, err := scanOutbox(d.db.QueryRowContext(ctx, d.q(`SELECT `+outboxColumns+`, raw FROM outbox_messages WHERE id = ?`), id), &raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, newsdesk.Errorf(newsdesk.ENOTFOUND, "Outbox message %d not found.", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find outbox message %d: %w", id, err)
	}
	m.Raw = raw
	return m, nil
}
