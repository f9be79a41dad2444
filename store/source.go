package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/newsdesk/newsdesk"
)

const sourceColumns = `id, name, feed_url, site_url, status, last_error, error_count,
	note, etag, last_modified, poll_interval_seconds,
	last_polled_at, next_poll_at, created_at, updated_at`

func scanSource(row interface{ Scan(...any) error }) (*newsdesk.Source, error) {
	var s newsdesk.Source
	var polled sql.NullTime
	var interval int64
	if err := row.Scan(&s.ID, &s.Name, &s.FeedURL, &s.SiteURL, &s.Status, &s.LastError,
		&s.ErrorCount, &s.Note, &s.ETag, &s.LastModified, &interval,
		&polled, &s.NextPollAt, &s.CreatedAt, &s.UpdatedAt); err != nil {
		return nil, err
	}
	s.PollInterval = time.Duration(interval) * time.Second
	s.LastPolledAt = timePtr(polled)
	s.NextPollAt, s.CreatedAt, s.UpdatedAt = s.NextPollAt.UTC(), s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return &s, nil
}

// FindSourceByID returns the source, or ENOTFOUND.
func (d *DB) FindSourceByID(ctx context.Context, id int64) (*newsdesk.Source, error) {
	s, err := scanSource(d.db.QueryRowContext(ctx, d.q(`SELECT `+sourceColumns+` FROM sources WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Source", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find source %d: %w", id, err)
	}
	return s, nil
}

// FindSources returns every source by name.
func (d *DB) FindSources(ctx context.Context) ([]*newsdesk.Source, error) {
	return d.querySources(ctx, `SELECT `+sourceColumns+` FROM sources ORDER BY name, id`)
}

// DueSources returns sources whose next poll is due, most overdue first.
func (d *DB) DueSources(ctx context.Context, now time.Time, limit int) ([]*newsdesk.Source, error) {
	return d.querySources(ctx, `SELECT `+sourceColumns+` FROM sources
		WHERE next_poll_at <= ? ORDER BY next_poll_at, id LIMIT ?`, now.UTC(), limit)
}

func (d *DB) querySources(ctx context.Context, query string, args ...any) ([]*newsdesk.Source, error) {
	rows, err := d.db.QueryContext(ctx, d.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("find sources: %w", err)
	}
	defer rows.Close()
	var out []*newsdesk.Source
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			return nil, fmt.Errorf("find sources: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// CreateSource stores a new source; ECONFLICT if its feed is followed.
func (d *DB) CreateSource(ctx context.Context, s *newsdesk.Source) error {
	cleanSource(s)
	if err := s.Validate(); err != nil {
		return err
	}
	now := d.now()
	if s.Status == "" {
		s.Status = newsdesk.SourceNew
	}
	if s.NextPollAt.IsZero() {
		s.NextPollAt = now
	}
	s.CreatedAt, s.UpdatedAt = now, now
	err := d.db.QueryRowContext(ctx, d.q(`INSERT INTO sources
		(name, feed_url, site_url, status, last_error, error_count, note, etag, last_modified,
		 poll_interval_seconds, last_polled_at, next_poll_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		s.Name, s.FeedURL, s.SiteURL, s.Status, s.LastError, s.ErrorCount, s.Note, s.ETag, s.LastModified,
		seconds(s.PollInterval), nullTime(s.LastPolledAt), s.NextPollAt.UTC(), now, now).Scan(&s.ID)
	if isConflict(err) {
		return newsdesk.WrapError(newsdesk.ECONFLICT, err, "The feed %s is already followed.", s.FeedURL)
	}
	if err != nil {
		return fmt.Errorf("create source: %w", err)
	}
	return nil
}

// DeleteSource removes a source and its items. The items leave their
// stories with them (story_items cascades), so the stories they were in
// are brought up to date in the same transaction, under the stories lock,
// and the removal is logged for the clustering workers, whose memory
// still holds the items.
func (d *DB) DeleteSource(ctx context.Context, id int64) error {
	err := d.storyTx(ctx, func(b *storyBatch) error {
		stories, err := queryIDs(ctx, b.tx, d.q(`SELECT DISTINCT si.story_id FROM story_items si
			JOIN items i ON i.id = si.item_id WHERE i.source_id = ?`), id)
		if err != nil {
			return err
		}
		res, err := b.tx.ExecContext(ctx, d.q(`DELETE FROM sources WHERE id = ?`), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Source", id)
		}
		if len(stories) == 0 {
			return nil
		}
		if _, err := d.logChange(ctx, b.tx, newsdesk.StoryChange{Kind: newsdesk.StoryChangeRemove, OtherID: id}, b.now); err != nil {
			return err
		}
		// Most of a source's stories are its own items alone, and are
		// left with none: they are emptied in bulk, and only the others
		// are refreshed one by one.
		for start := 0; start < len(stories); start += 500 {
			chunk := int64Args(stories[start:min(start+500, len(stories))])
			if _, err := b.tx.ExecContext(ctx, d.q(`UPDATE stories SET lead_item_id = NULL, headline = '',
				articles = 0, copies = 0, outlets = 0, first_seen = NULL, last_seen = NULL, rank = 0, updated_at = ?
				WHERE id IN (`+placeholders(len(chunk))+`)
				AND NOT EXISTS (SELECT 1 FROM story_items si WHERE si.story_id = stories.id)`),
				append([]any{b.now}, chunk...)...); err != nil {
				return err
			}
			left, err := queryIDs(ctx, b.tx, d.q(`SELECT DISTINCT story_id FROM story_items
				WHERE story_id IN (`+placeholders(len(chunk))+`)`), chunk...)
			if err != nil {
				return err
			}
			for _, story := range left {
				b.touched[story] = true
			}
		}
		return nil
	})
	if newsdesk.ErrorCode(err) == newsdesk.ENOTFOUND {
		return err
	}
	if err != nil {
		return fmt.Errorf("delete source %d: %w", id, err)
	}
	return nil
}

// RecordPoll records a poll's outcome on the source. A failure keeps the
// source's name, site, validators, interval and note, and counts the
// error; a success clears it and stores what the poll learned.
func (d *DB) RecordPoll(ctx context.Context, id int64, r newsdesk.PollResult) error {
	at := r.At.UTC()
	cleanPollResult(&r)
	var res sql.Result
	var err error
	if r.Err != nil {
		res, err = d.db.ExecContext(ctx, d.q(`UPDATE sources SET status = ?, last_error = ?,
			error_count = error_count + 1, last_polled_at = ?, next_poll_at = ?, updated_at = ?
			WHERE id = ?`),
			newsdesk.SourceError, cut(newsdesk.ErrorMessage(r.Err), newsdesk.MaxMessageLength), at, r.NextAt.UTC(), d.now(), id)
	} else {
		res, err = d.db.ExecContext(ctx, d.q(`UPDATE sources SET status = ?, last_error = '',
			error_count = 0, last_polled_at = ?, next_poll_at = ?, updated_at = ?,
			note = ?, etag = ?, last_modified = ?, poll_interval_seconds = ?,
			name = CASE WHEN name = feed_url AND ? <> '' THEN ? ELSE name END,
			site_url = CASE WHEN ? <> '' THEN ? ELSE site_url END
			WHERE id = ?`),
			newsdesk.SourceOK, at, r.NextAt.UTC(), d.now(),
			r.Note, r.ETag, r.LastModified, seconds(r.Interval),
			r.Name, r.Name, r.SiteURL, r.SiteURL, id)
	}
	if err != nil {
		return fmt.Errorf("record poll of source %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("Source", id)
	}
	return nil
}

// UpdateSource stores a source's name, feed URL and site URL. A new feed
// URL drops the old feed's validators, which say nothing about the new one.
func (d *DB) UpdateSource(ctx context.Context, s *newsdesk.Source) error {
	cleanSource(s)
	if err := s.Validate(); err != nil {
		return err
	}
	now := d.now()
	res, err := d.db.ExecContext(ctx, d.q(`UPDATE sources SET name = ?, feed_url = ?, site_url = ?, updated_at = ?,
		etag = CASE WHEN feed_url = ? THEN etag ELSE '' END,
		last_modified = CASE WHEN feed_url = ? THEN last_modified ELSE '' END
		WHERE id = ?`), s.Name, s.FeedURL, s.SiteURL, now, s.FeedURL, s.FeedURL, s.ID)
	if isConflict(err) {
		return newsdesk.WrapError(newsdesk.ECONFLICT, err, "The feed %s is already followed.", s.FeedURL)
	}
	if err != nil {
		return fmt.Errorf("update source %d: %w", s.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("Source", s.ID)
	}
	s.UpdatedAt = now
	return nil
}

// seconds stores a duration as whole seconds.
func seconds(d time.Duration) int64 { return int64(d / time.Second) }

// queryIDs runs a query that selects one column of IDs.
func queryIDs(ctx context.Context, q querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
