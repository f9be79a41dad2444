package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
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
	if !storable(slug) {
		// No post can have it (see cleanText), and PostgreSQL would
		// refuse to look.
		return nil, newsdesk.Errorf(newsdesk.ENOTFOUND, "No post has that address.")
	}
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
	if err := d.loadTags(ctx, []*newsdesk.Post{p}); err != nil {
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
	if !storable(f.Tag) {
		return nil, nil // no tag is named so (see cleanText)
	}
	if f.IDs != nil {
		return d.findPostsByID(ctx, f, limit)
	}
	query := `SELECT ` + postColumns + ` FROM posts WHERE 1 = 1`
	var args []any
	if f.Status != "" {
		query += ` AND status = ?`
		args = append(args, f.Status)
	}
	if f.Tag != "" {
		query += ` AND id IN (SELECT post_id FROM post_tags WHERE tag = ?)`
		args = append(args, f.Tag)
	}
	// Drafts have no publication time; they follow the published posts.
	query += ` ORDER BY CASE WHEN published_at IS NULL THEN 1 ELSE 0 END, published_at DESC, id DESC LIMIT ? OFFSET ?`
	args = append(args, limit, max(f.Offset, 0))
	out, err := d.queryPosts(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("find posts: %w", err)
	}
	return out, nil
}

// findPostsByID is FindPosts for a list of IDs. It reads the posts by
// primary key and applies the other filters and the order itself: given
// "status = ?" too, SQLite's planner would rather walk the status index
// through every published post than look up a few IDs.
func (d *DB) findPostsByID(ctx context.Context, f newsdesk.PostFilter, limit int) ([]*newsdesk.Post, error) {
	if len(f.IDs) == 0 {
		return nil, nil
	}
	if len(f.IDs) > 500 {
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "At most 500 posts can be asked for by ID at once.")
	}
	args := make([]any, len(f.IDs))
	for i, id := range f.IDs {
		args[i] = id
	}
	found, err := d.queryPosts(ctx, `SELECT `+postColumns+` FROM posts WHERE id IN (`+placeholders(len(args))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("find posts: %w", err)
	}
	out := found[:0]
	for _, p := range found {
		if f.Status != "" && p.Status != f.Status {
			continue
		}
		if _, ok := p.TagNamed(f.Tag); f.Tag != "" && !ok {
			continue
		}
		out = append(out, p)
	}
	// The order of the SQL in FindPosts: published newest first, then
	// drafts; ties by ID, newest first.
	slices.SortFunc(out, func(a, b *newsdesk.Post) int {
		switch {
		case (a.PublishedAt == nil) != (b.PublishedAt == nil):
			if a.PublishedAt == nil {
				return 1
			}
			return -1
		case a.PublishedAt != nil && !a.PublishedAt.Equal(*b.PublishedAt):
			return b.PublishedAt.Compare(*a.PublishedAt)
		}
		return cmp.Compare(b.ID, a.ID)
	})
	offset := min(max(f.Offset, 0), len(out))
	out = out[offset:]
	return out[:min(limit, len(out))], nil
}

// queryPosts runs a query that selects postColumns and loads the posts'
// tags.
func (d *DB) queryPosts(ctx context.Context, query string, args ...any) ([]*newsdesk.Post, error) {
	rows, err := d.db.QueryContext(ctx, d.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*newsdesk.Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if err := d.loadTags(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// CreatePost stores a post and its tags with a unique slug from its
// headline: the second post titled "Rain" gets "rain-2".
func (d *DB) CreatePost(ctx context.Context, p *newsdesk.Post) error {
	cleanPost(p)
	if err := p.Validate(); err != nil {
		return err
	}
	now := d.now()
	published := p.PublishedAt
	if p.Status == newsdesk.PostPublished && published == nil {
		published = &now
	}
	base := newsdesk.Slugify(p.Headline)
	var id int64
	var slug string
	err := d.tx(ctx, func(tx *sql.Tx) error {
		for n := 1; ; n++ {
			slug = base
			if n > 1 {
				slug = base + "-" + strconv.Itoa(n)
			}
			// ON CONFLICT DO NOTHING rather than catching the error: on
			// PostgreSQL a failed statement would abort the transaction.
			err := tx.QueryRowContext(ctx, d.q(`INSERT INTO posts (slug, headline, summary, status, item_id,
				source_name, original_url, author_id, published_at, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (slug) DO NOTHING RETURNING id`),
				slug, p.Headline, p.Summary, p.Status, p.ItemID, p.SourceName, p.OriginalURL,
				nullID(p.AuthorID), nullTime(published), now, now).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) && n < 1000 {
				continue
			}
			if err != nil {
				return err
			}
			return d.saveTags(ctx, tx, id, p.Tags)
		}
	})
	if err != nil {
		return fmt.Errorf("create post: %w", err)
	}
	p.ID, p.Slug, p.PublishedAt = id, slug, published
	p.CreatedAt, p.UpdatedAt = now, now
	return nil
}

// UpdatePost stores the post's editable fields and its tags. Publishing a
// draft stamps its publication time once; the slug never changes.
func (d *DB) UpdatePost(ctx context.Context, p *newsdesk.Post) error {
	cleanPost(p)
	if err := p.Validate(); err != nil {
		return err
	}
	now := d.now()
	published := p.PublishedAt
	if p.Status == newsdesk.PostPublished && published == nil {
		published = &now
	}
	err := d.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, d.q(`UPDATE posts SET headline = ?, summary = ?, status = ?,
			source_name = ?, original_url = ?, published_at = ?, updated_at = ? WHERE id = ?`),
			p.Headline, p.Summary, p.Status, p.SourceName, p.OriginalURL, nullTime(published), now, p.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Post", p.ID)
		}
		if _, err := tx.ExecContext(ctx, d.q(`DELETE FROM post_tags WHERE post_id = ?`), p.ID); err != nil {
			return err
		}
		return d.saveTags(ctx, tx, p.ID, p.Tags)
	})
	if newsdesk.ErrorCode(err) == newsdesk.ENOTFOUND {
		return err
	}
	if err != nil {
		return fmt.Errorf("update post %d: %w", p.ID, err)
	}
	p.PublishedAt, p.UpdatedAt = published, now
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
