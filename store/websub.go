package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/newsdesk/newsdesk"
)

var _ newsdesk.WebSubLeaseService = (*DB)(nil)

const subscriptionColumns = `w.source_id, w.hub_url, w.topic_url, w.token, w.secret, w.state,
	w.lease_seconds, w.requested_at, w.expires_at, w.renew_at, w.last_error, w.note,
	w.created_at, w.updated_at, s.id IS NULL`

const subscriptionFrom = ` FROM websub_subscriptions w LEFT JOIN sources s ON s.id = w.source_id`

func scanLease(row interface{ Scan(...any) error }) (*newsdesk.WebSubLease, error) {
	var s newsdesk.WebSubLease
	var lease int64
	var requested, expires, renew sql.NullTime
	if err := row.Scan(&s.SourceID, &s.Hub, &s.Topic, &s.Token, &s.Secret, &s.State,
		&lease, &requested, &expires, &renew, &s.LastError, &s.Note,
		&s.CreatedAt, &s.UpdatedAt, &s.SourceRemoved); err != nil {
		return nil, err
	}
	s.Lease = time.Duration(lease) * time.Second
	s.RequestedAt, s.ExpiresAt, s.RenewAt = timePtr(requested), timePtr(expires), timePtr(renew)
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return &s, nil
}

// FindLease returns a source's WebSub subscription, or ENOTFOUND.
func (d *DB) FindLease(ctx context.Context, sourceID int64) (*newsdesk.WebSubLease, error) {
	s, err := scanLease(d.db.QueryRowContext(ctx,
		d.q(`SELECT `+subscriptionColumns+subscriptionFrom+` WHERE w.source_id = ?`), sourceID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, newsdesk.Errorf(newsdesk.ENOTFOUND, "Source %d has no WebSub subscription.", sourceID)
	}
	if err != nil {
		return nil, fmt.Errorf("find subscription of source %d: %w", sourceID, err)
	}
	return s, nil
}

// FindLeases returns every subscription, by source, including
// those whose source was removed.
func (d *DB) FindLeases(ctx context.Context) ([]*newsdesk.WebSubLease, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+subscriptionColumns+subscriptionFrom+` ORDER BY w.source_id`)
	if err != nil {
		return nil, fmt.Errorf("find subscriptions: %w", err)
	}
	defer rows.Close()
	var out []*newsdesk.WebSubLease
	for rows.Next() {
		s, err := scanLease(rows)
		if err != nil {
			return nil, fmt.Errorf("find subscriptions: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SaveLease stores a source's subscription and, in the same
// transaction, swaps the previous subscription's note on the source for
// the new one and brings the next poll forward to pollBy when it is set.
func (d *DB) SaveLease(ctx context.Context, s *newsdesk.WebSubLease, pollBy time.Time) error {
	cleanTexts(&s.Hub, &s.Topic, &s.Token, &s.Secret)
	s.LastError = cut(s.LastError, newsdesk.MaxMessageLength)
	s.Note = cut(s.Note, newsdesk.MaxMessageLength)
	if s.SourceID <= 0 || s.Hub == "" || s.Topic == "" || s.Token == "" || s.State == "" {
		return newsdesk.Errorf(newsdesk.EINVALID, "A subscription needs a source, a hub, a topic, a token and a state.")
	}
	now := d.now()
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var oldNote string
		err := tx.QueryRowContext(ctx, d.q(`SELECT note FROM websub_subscriptions WHERE source_id = ?`), s.SourceID).Scan(&oldNote)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		created := now
		if !s.CreatedAt.IsZero() {
			created = s.CreatedAt.UTC()
		}
		if _, err := tx.ExecContext(ctx, d.q(`INSERT INTO websub_subscriptions
			(source_id, hub_url, topic_url, token, secret, state, lease_seconds,
			 requested_at, expires_at, renew_at, last_error, note, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (source_id) DO UPDATE SET hub_url = excluded.hub_url,
			 topic_url = excluded.topic_url, token = excluded.token, secret = excluded.secret,
			 state = excluded.state, lease_seconds = excluded.lease_seconds,
			 requested_at = excluded.requested_at, expires_at = excluded.expires_at,
			 renew_at = excluded.renew_at, last_error = excluded.last_error,
			 note = excluded.note, updated_at = excluded.updated_at`),
			s.SourceID, s.Hub, s.Topic, s.Token, s.Secret, s.State, seconds(s.Lease),
			nullTime(s.RequestedAt), nullTime(s.ExpiresAt), nullTime(s.RenewAt),
			s.LastError, s.Note, created, now); err != nil {
			return err
		}
		s.CreatedAt, s.UpdatedAt = created, now
		return d.putLeaseNote(ctx, tx, s.SourceID, oldNote, s.Note, pollBy)
	})
	if err != nil {
		return fmt.Errorf("save subscription of source %d: %w", s.SourceID, err)
	}
	return nil
}

// DeleteLease removes a source's subscription, and its note from
// the source if the source is still there.
func (d *DB) DeleteLease(ctx context.Context, sourceID int64) error {
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var oldNote string
		err := tx.QueryRowContext(ctx, d.q(`SELECT note FROM websub_subscriptions WHERE source_id = ?`), sourceID).Scan(&oldNote)
		if errors.Is(err, sql.ErrNoRows) {
			return newsdesk.Errorf(newsdesk.ENOTFOUND, "Source %d has no WebSub subscription.", sourceID)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, d.q(`DELETE FROM websub_subscriptions WHERE source_id = ?`), sourceID); err != nil {
			return err
		}
		return d.putLeaseNote(ctx, tx, sourceID, oldNote, "", time.Time{})
	})
	if newsdesk.ErrorCode(err) == newsdesk.ENOTFOUND {
		return err
	}
	if err != nil {
		return fmt.Errorf("delete subscription of source %d: %w", sourceID, err)
	}
	return nil
}

// putLeaseNote replaces the subscription's note on the source and
// brings its next poll forward to pollBy, if set. A removed source is
// left alone.
func (d *DB) putLeaseNote(ctx context.Context, tx *sql.Tx, sourceID int64, oldNote, newNote string, pollBy time.Time) error {
	var note string
	var next time.Time
	err := tx.QueryRowContext(ctx, d.q(`SELECT note, next_poll_at FROM sources WHERE id = ?`), sourceID).Scan(&note, &next)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if !pollBy.IsZero() && next.After(pollBy) {
		next = pollBy
	}
	_, err = tx.ExecContext(ctx, d.q(`UPDATE sources SET note = ?, next_poll_at = ?, updated_at = ? WHERE id = ?`),
		newsdesk.ReplaceNote(note, oldNote, newNote), next.UTC(), d.now(), sourceID)
	return err
}
