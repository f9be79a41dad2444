package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk"
)

// saveTags stores a post's tags. The caller has removed the old ones.
func (d *DB) saveTags(ctx context.Context, tx *sql.Tx, postID int64, tags []newsdesk.Tag) error {
	if len(tags) == 0 {
		return nil
	}
	query := `INSERT INTO post_tags (post_id, tag, name) VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(tags)), ", ") +
		` ON CONFLICT (post_id, tag) DO NOTHING`
	args := make([]any, 0, 3*len(tags))
	for _, t := range tags {
		args = append(args, postID, t.Slug, t.Name)
	}
	if _, err := tx.ExecContext(ctx, d.q(query), args...); err != nil {
		return fmt.Errorf("save tags of post %d: %w", postID, err)
	}
	return nil
}

// loadTags fills in the tags of posts, with one query.
func (d *DB) loadTags(ctx context.Context, posts []*newsdesk.Post) error {
	if len(posts) == 0 {
		return nil
	}
	byID := make(map[int64]*newsdesk.Post, len(posts))
	args := make([]any, 0, len(posts))
	for _, p := range posts {
		p.Tags = nil
		if _, dup := byID[p.ID]; !dup {
			args = append(args, p.ID)
		}
		byID[p.ID] = p
	}
	for start := 0; start < len(args); start += 500 {
		chunk := args[start:min(start+500, len(args))]
		rows, err := d.db.QueryContext(ctx, d.q(`SELECT post_id, tag, name FROM post_tags
			WHERE post_id IN (`+placeholders(len(chunk))+`) ORDER BY post_id, tag`), chunk...)
		if err != nil {
			return fmt.Errorf("load tags: %w", err)
		}
		for rows.Next() {
			var id int64
			var t newsdesk.Tag
			if err := rows.Scan(&id, &t.Slug, &t.Name); err != nil {
				rows.Close()
				return fmt.Errorf("load tags: %w", err)
			}
			if p := byID[id]; p != nil {
				p.Tags = append(p.Tags, t)
			}
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("load tags: %w", err)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("load tags: %w", err)
		}
	}
	return nil
}

// placeholders returns "?, ?, ?" with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// PostChanges returns posts of any status changed (created or updated)
// after the point (since, afterID) in the order (updated_at, id), at most
// limit of them, with their tags. A reader that keeps something current,
// such as the related-articles index, passes the last post it saw to read
// on from there.
func (d *DB) PostChanges(ctx context.Context, since time.Time, afterID int64, limit int) ([]*newsdesk.Post, error) {
	if limit <= 0 || limit > 5000 {
		limit = 1000
	}
	since = since.UTC()
	out, err := d.queryPosts(ctx, `SELECT `+postColumns+` FROM posts
		WHERE updated_at > ? OR (updated_at = ? AND id > ?)
		ORDER BY updated_at, id LIMIT ?`, since, since, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("post changes: %w", err)
	}
	return out, nil
}

// CountPublishedPosts counts the published posts.
func (d *DB) CountPublishedPosts(ctx context.Context) (int, error) {
	var n int
	err := d.db.QueryRowContext(ctx, d.q(`SELECT COUNT(*) FROM posts WHERE status = ?`), newsdesk.PostPublished).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count published posts: %w", err)
	}
	return n, nil
}

// PublishedPostIDs returns the IDs of every published post, in ascending
// order.
func (d *DB) PublishedPostIDs(ctx context.Context) ([]int64, error) {
	rows, err := d.db.QueryContext(ctx, d.q(`SELECT id FROM posts WHERE status = ? ORDER BY id`), newsdesk.PostPublished)
	if err != nil {
		return nil, fmt.Errorf("published post ids: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("published post ids: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("published post ids: %w", err)
	}
	return ids, nil
}
