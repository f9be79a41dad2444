package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/newsdesk/newsdesk"
)

const postColumns = `id, slug, headline, summary, status, item_id, source_name, original_url,
	author_id, published_at, created_at, updated_at`

func scanPost(row interface{ Scan(...any) error }) (*newsdesk.Post, error) {
	var p newsdesk.Post
	var itemID, authorID sql.NullInt64
	var published sql.NullTime
	if err := row.Scan(&p.ID, &p.Slug, &p.Headline, &p.Summary, &p.Status, &itemID, &p.SourceName,
		&p.OriginalURL, &authorID, &published, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return nil, err
	}
	if itemID.Valid {
		p.ItemID = &itemID.Int64
	}
	p.AuthorID = authorID.Int64
	p.PublishedAt = timePtr(published)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return &p, nil
}

// FindPostByID returns the post, or ENOTFOUND.
func (d *DB) FindPostByID(ctx context.Context, id int64) (*newsdesk.Post, error) {
	return d.findPost(ctx, "id", id)
}

// FindPostBySlug returns the post, or ENOTFOUND.
func (d *DB) FindPostBySlug(ctx context.Context, slug string) (*newsdesk.Post, error) {
	return d.findPost(ctx, "slug", slug)
}

func (d *DB) findPost(ctx context.Context, column string, key any) (*newsdesk.Post, error) {
	p, err := scanPost(d.db.QueryRowContext(ctx, d.q(`SELECT `+postColumns+` FROM posts WHERE `+column+` = ?`), key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Post", key)
	}
	if err != nil {
		return nil, fmt.Errorf("find post %v: %w", key, err)
	}
	return p, nil
}

// FindPosts returns published posts newest first, then drafts newest first.
func (d *DB) FindPosts(ctx context.Context, f newsdesk.PostFilter) ([]*newsdesk.Post, error) {
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 20
	}
	query := `SELECT ` + postColumns + ` FROM posts`
	var args []any
	if f.Status != "" {
		query += ` WHERE status = ?`
		args = append(args, f.Status)
	}
	// Drafts have no publication time; they follow the published posts.
	query += ` ORDER BY CASE WHEN published_at IS NULL THEN 1 ELSE 0 END, published_at DESC, id DESC LIMIT ? OFFSET ?`
	args = append(args, limit, max(f.Offset, 0))
	rows, err := d.db.QueryContext(ctx, d.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("find posts: %w", err)
	}
	defer rows.Close()
	var out []*newsdesk.Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, fmt.Errorf("find posts: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// CreatePost stores a post with a unique slug from its headline: the second
// post titled "Rain" gets "rain-2".
func (d *DB) CreatePost(ctx context.Context, p *newsdesk.Post) error {
	if err := p.Validate(); err != nil {
		return err
	}
	now := d.now()
	p.CreatedAt, p.UpdatedAt = now, now
	if p.Status == newsdesk.PostPublished && p.PublishedAt == nil {
		p.PublishedAt = &now
	}
	base := newsdesk.Slugify(p.Headline)
	for n := 1; ; n++ {
		slug := base
		if n > 1 {
			slug = base + "-" + strconv.Itoa(n)
		}
		err := d.db.QueryRowContext(ctx, d.q(`INSERT INTO posts (slug, headline, summary, status, item_id,
			source_name, original_url, author_id, published_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			slug, p.Headline, p.Summary, p.Status, p.ItemID, p.SourceName, p.OriginalURL,
			nullID(p.AuthorID), nullTime(p.PublishedAt), now, now).Scan(&p.ID)
		if isConflict(err) && n < 1000 {
			continue
		}
		if err != nil {
			return fmt.Errorf("create post: %w", err)
		}
		p.Slug = slug
		return nil
	}
}

// UpdatePost stores the post's editable fields. Publishing a draft stamps
// its publication time once; the slug never changes.
func (d *DB) UpdatePost(ctx context.Context, p *newsdesk.Post) error {
	if err := p.Validate(); err != nil {
		return err
	}
	now := d.now()
	if p.Status == newsdesk.PostPublished && p.PublishedAt == nil {
		p.PublishedAt = &now
	}
	res, err := d.db.ExecContext(ctx, d.q(`UPDATE posts SET headline = ?, summary = ?, status = ?,
		source_name = ?, original_url = ?, published_at = ?, updated_at = ? WHERE id = ?`),
		p.Headline, p.Summary, p.Status, p.SourceName, p.OriginalURL, nullTime(p.PublishedAt), now, p.ID)
	if err != nil {
		return fmt.Errorf("update post %d: %w", p.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("Post", p.ID)
	}
	p.UpdatedAt = now
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
