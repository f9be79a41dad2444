package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/newsdesk/newsdesk"
)

var _ newsdesk.FeedFollowerService = (*DB)(nil)

const followerColumns = `id, topic, callback, secret, lease_seconds, expires_at, created_at, updated_at`

func scanFollower(row interface{ Scan(...any) error }) (*newsdesk.FeedFollower, error) {
	var f newsdesk.FeedFollower
	var lease int64
	if err := row.Scan(&f.ID, &f.Topic, &f.Callback, &f.Secret, &lease, &f.ExpiresAt, &f.CreatedAt, &f.UpdatedAt); err != nil {
		return nil, err
	}
	f.Lease = time.Duration(lease) * time.Second
	f.ExpiresAt, f.CreatedAt, f.UpdatedAt = f.ExpiresAt.UTC(), f.CreatedAt.UTC(), f.UpdatedAt.UTC()
	return &f, nil
}

// SaveFeedFollower stores a verified follower of one of newsdesk's feeds,
// or renews the one with the same topic and callback. Its text is stored
// as given, never cleaned: the hub must POST to the exact callback and
// sign with the exact secret, so it refuses what the databases cannot
// hold before it gets here.
func (d *DB) SaveFeedFollower(ctx context.Context, f *newsdesk.FeedFollower) error {
	if f.Topic == "" || f.Callback == "" || f.Lease <= 0 || f.ExpiresAt.IsZero() {
		return newsdesk.Errorf(newsdesk.EINVALID, "A feed follower needs a topic, a callback and a lease.")
	}
	now := d.now()
	err := d.db.QueryRowContext(ctx, d.q(`INSERT INTO feed_followers
		(topic, callback, callback_host, secret, lease_seconds, expires_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (topic, callback) DO UPDATE SET secret = excluded.secret,
		 lease_seconds = excluded.lease_seconds, expires_at = excluded.expires_at,
		 updated_at = excluded.updated_at
		RETURNING id, created_at`),
		f.Topic, f.Callback, newsdesk.CallbackHost(f.Callback), f.Secret, seconds(f.Lease), f.ExpiresAt.UTC(), now, now,
	).Scan(&f.ID, &f.CreatedAt)
	if err != nil {
		return fmt.Errorf("save follower of %s: %w", f.Topic, err)
	}
	f.CreatedAt, f.UpdatedAt = f.CreatedAt.UTC(), now
	return nil
}

// FindFeedFollower returns the follower of topic at callback, or
// ENOTFOUND.
func (d *DB) FindFeedFollower(ctx context.Context, topic, callback string) (*newsdesk.FeedFollower, error) {
	f, err := scanFollower(d.db.QueryRowContext(ctx,
		d.q(`SELECT `+followerColumns+` FROM feed_followers WHERE topic = ? AND callback = ?`), topic, callback))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, newsdesk.Errorf(newsdesk.ENOTFOUND, "%s has no follower at that callback.", topic)
	}
	if err != nil {
		return nil, fmt.Errorf("find follower of %s: %w", topic, err)
	}
	return f, nil
}

// FindFeedFollowerByID returns a follower, or ENOTFOUND.
func (d *DB) FindFeedFollowerByID(ctx context.Context, id int64) (*newsdesk.FeedFollower, error) {
	f, err := scanFollower(d.db.QueryRowContext(ctx,
		d.q(`SELECT `+followerColumns+` FROM feed_followers WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Feed follower", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find follower %d: %w", id, err)
	}
	return f, nil
}

// FindFeedFollowers returns the followers of topic whose lease runs past
// now, oldest first.
func (d *DB) FindFeedFollowers(ctx context.Context, topic string, now time.Time) ([]*newsdesk.FeedFollower, error) {
	rows, err := d.db.QueryContext(ctx, d.q(`SELECT `+followerColumns+` FROM feed_followers
		WHERE topic = ? AND expires_at > ? ORDER BY id`), topic, now.UTC())
	if err != nil {
		return nil, fmt.Errorf("find followers of %s: %w", topic, err)
	}
	defer rows.Close()
	var out []*newsdesk.FeedFollower
	for rows.Next() {
		f, err := scanFollower(rows)
		if err != nil {
			return nil, fmt.Errorf("find followers of %s: %w", topic, err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find followers of %s: %w", topic, err)
	}
	return out, nil
}

// CountFeedFollowers counts the followers at host, and all of them.
func (d *DB) CountFeedFollowers(ctx context.Context, host string) (atHost, total int, err error) {
	err = d.db.QueryRowContext(ctx, d.q(`SELECT
		COALESCE(SUM(CASE WHEN callback_host = ? THEN 1 ELSE 0 END), 0), COUNT(*)
		FROM feed_followers`), host).Scan(&atHost, &total)
	if err != nil {
		return 0, 0, fmt.Errorf("count feed followers: %w", err)
	}
	return atHost, total, nil
}

// DeleteFeedFollower removes a follower, or returns ENOTFOUND.
func (d *DB) DeleteFeedFollower(ctx context.Context, id int64) error {
	res, err := d.db.ExecContext(ctx, d.q(`DELETE FROM feed_followers WHERE id = ?`), id)
	if err != nil {
		return fmt.Errorf("delete follower %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return notFound("Feed follower", id)
	}
	return nil
}

// DeleteExpiredFeedFollowers removes the followers whose lease ended at
// or before now.
func (d *DB) DeleteExpiredFeedFollowers(ctx context.Context, now time.Time) (int, error) {
	res, err := d.db.ExecContext(ctx, d.q(`DELETE FROM feed_followers WHERE expires_at <= ?`), now.UTC())
	if err != nil {
		return 0, fmt.Errorf("delete expired feed followers: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete expired feed followers: %w", err)
	}
	return int(n), nil
}
