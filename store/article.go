package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/newsdesk/newsdesk"
)

var _ newsdesk.ArticleService = (*DB)(nil)

// SaveArticle stores the article of its item, replacing any it had. It
// returns EINVALID without an item, and ENOTFOUND if the item does not
// exist (it may have been deleted with its source while being fetched).
func (d *DB) SaveArticle(ctx context.Context, a *newsdesk.Article) error {
	if a.ItemID <= 0 {
		return newsdesk.Errorf(newsdesk.EINVALID, "An article needs the item it belongs to.")
	}
	if a.ExtractedAt.IsZero() {
		a.ExtractedAt = d.now()
	}
	a.ExtractedAt = a.ExtractedAt.UTC()
	cleanArticle(a)
	_, err := d.db.ExecContext(ctx, d.q(`INSERT INTO articles
		(item_id, title, byline, site_name, language, image, published_at, text, html, error, extracted_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (item_id) DO UPDATE SET
			title = excluded.title, byline = excluded.byline, site_name = excluded.site_name,
			language = excluded.language, image = excluded.image, published_at = excluded.published_at,
			text = excluded.text, html = excluded.html, error = excluded.error,
			extracted_at = excluded.extracted_at`),
		a.ItemID, a.Title, a.Byline, a.SiteName, a.Language, a.Image, nullTime(a.PublishedAt),
		a.Text, a.HTML, a.Error, a.ExtractedAt)
	if isForeignKey(err) {
		return notFound("Item", a.ItemID)
	}
	if err != nil {
		return fmt.Errorf("save article of item %d: %w", a.ItemID, err)
	}
	return nil
}

// FindArticle returns the article of an item, or ENOTFOUND if extraction
// has not been tried yet.
func (d *DB) FindArticle(ctx context.Context, itemID int64) (*newsdesk.Article, error) {
	var a newsdesk.Article
	var published sql.NullTime
	err := d.db.QueryRowContext(ctx, d.q(`SELECT item_id, title, byline, site_name, language, image,
		published_at, text, html, error, extracted_at FROM articles WHERE item_id = ?`), itemID).
		Scan(&a.ItemID, &a.Title, &a.Byline, &a.SiteName, &a.Language, &a.Image,
			&published, &a.Text, &a.HTML, &a.Error, &a.ExtractedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, newsdesk.Errorf(newsdesk.ENOTFOUND, "Item %d has no article yet.", itemID)
	}
	if err != nil {
		return nil, fmt.Errorf("find article of item %d: %w", itemID, err)
	}
	a.PublishedAt = timePtr(published)
	a.ExtractedAt = a.ExtractedAt.UTC()
	return &a, nil
}

// ExtractFilter narrows ItemsToExtract.
type ExtractFilter struct {
	SourceID int64     // zero for every source
	Since    time.Time // only items fetched at or after this; zero for any
	Limit    int       // zero or less for 100
}

// ItemsToExtract returns the IDs of items that have a URL but no article
// yet, newest first: the work the extraction workers have left.
func (d *DB) ItemsToExtract(ctx context.Context, f ExtractFilter) ([]int64, error) {
	query := `SELECT i.id FROM items i WHERE i.url <> ''
		AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.item_id = i.id)`
	var args []any
	if f.SourceID != 0 {
		query += ` AND i.source_id = ?`
		args = append(args, f.SourceID)
	}
	if !f.Since.IsZero() {
		query += ` AND i.fetched_at >= ?`
		args = append(args, f.Since.UTC())
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	query += ` ORDER BY i.id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := d.db.QueryContext(ctx, d.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("items to extract: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("items to extract: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// isForeignKey reports whether err is a foreign-key violation, by the
// database's own error code.
func isForeignKey(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23503"
	}
	var liteErr *sqlite.Error
	return errors.As(err, &liteErr) && liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}
