package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/newsdesk/newsdesk"
)

const itemColumns = `i.id, i.source_id, i.guid, i.url, i.title, i.summary, i.content, i.author,
	i.published_at, i.fetched_at, i.image_url, s.name`

func scanItem(row interface{ Scan(...any) error }) (*newsdesk.Item, error) {
	var it newsdesk.Item
	var published sql.NullTime
	if err := row.Scan(&it.ID, &it.SourceID, &it.GUID, &it.URL, &it.Title, &it.Summary,
		&it.Content, &it.Author, &published, &it.FetchedAt, &it.ImageURL, &it.SourceName); err != nil {
		return nil, err
	}
	it.PublishedAt = timePtr(published)
	it.FetchedAt = it.FetchedAt.UTC()
	return &it, nil
}

// FindItemByID returns the item, or ENOTFOUND.
func (d *DB) FindItemByID(ctx context.Context, id int64) (*newsdesk.Item, error) {
	it, err := scanItem(d.db.QueryRowContext(ctx, d.q(`SELECT `+itemColumns+`
		FROM items i JOIN sources s ON s.id = i.source_id WHERE i.id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Item", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find item %d: %w", id, err)
	}
	if err := d.loadItemMedia(ctx, []*newsdesk.Item{it}); err != nil {
		return nil, fmt.Errorf("find item %d: %w", id, err)
	}
	return it, nil
}

// FindItems returns items newest first (by arrival).
func (d *DB) FindItems(ctx context.Context, f newsdesk.ItemFilter) ([]*newsdesk.Item, error) {
	var where []string
	var args []any
	if f.SourceID != 0 {
		where = append(where, "i.source_id = ?")
		args = append(args, f.SourceID)
	}
	if f.Before != 0 {
		where = append(where, "i.id < ?")
		args = append(args, f.Before)
	}
	query := `SELECT ` + itemColumns + ` FROM items i JOIN sources s ON s.id = i.source_id`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	query += " ORDER BY i.id DESC LIMIT ?"
	args = append(args, limit)

	rows, err := d.db.QueryContext(ctx, d.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("find items: %w", err)
	}
	defer rows.Close()
	var out []*newsdesk.Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("find items: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find items: %w", err)
	}
	if err := d.loadItemMedia(ctx, out); err != nil {
		return nil, fmt.Errorf("find items: %w", err)
	}
	return out, nil
}

// CountItems counts a source's items, or all items for sourceID 0.
func (d *DB) CountItems(ctx context.Context, sourceID int64) (int, error) {
	var n int
	var err error
	if sourceID == 0 {
		err = d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM items`).Scan(&n)
	} else {
		err = d.db.QueryRowContext(ctx, d.q(`SELECT COUNT(*) FROM items WHERE source_id = ?`), sourceID).Scan(&n)
	}
	if err != nil {
		return 0, fmt.Errorf("count items: %w", err)
	}
	return n, nil
}

// itemBatch is how many rows one INSERT carries: 10 values a row stays
// well under SQLite's 32,766 and PostgreSQL's 65,535 parameters.
const itemBatch = 400

// SaveItems stores new items of a source in one transaction, skipping GUIDs
// the source already has, and returns how many rows were new.
func (d *DB) SaveItems(ctx context.Context, sourceID int64, items []*newsdesk.Item) (int, error) {
	return d.SaveItemsThen(ctx, sourceID, items, nil)
}

// SaveItemsThen is SaveItems, calling then (if not nil and some items
// were new) in the same transaction, before it commits, with the IDs of
// the new items in the order they were stored. The job queue, which shares
// the database, queues their next stage there, so that no item is stored
// without it; an error from then stores nothing.
func (d *DB) SaveItemsThen(ctx context.Context, sourceID int64, items []*newsdesk.Item, then func(tx *sql.Tx, ids []int64) error) (int, error) {
	if len(items) == 0 {
		return 0, nil
	}
	now := d.now()
	clean := make([]*newsdesk.Item, len(items))
	for i, it := range items {
		clean[i] = cleanItem(it)
	}
	items = clean
	var added []int64
	err := d.tx(ctx, func(tx *sql.Tx) error {
		for start := 0; start < len(items); start += itemBatch {
			batch := items[start:min(start+itemBatch, len(items))]
			ids, err := d.insertItems(ctx, tx, sourceID, batch, now)
			if err != nil {
				return err
			}
			added = append(added, ids...)
		}
		if then == nil || len(added) == 0 {
			return nil
		}
		slices.Sort(added)
		return then(tx, added)
	})
	if err != nil {
		return 0, fmt.Errorf("save items of source %d: %w", sourceID, err)
	}
	return len(added), nil
}

// insertItems inserts the items a source does not have yet and returns
// their IDs.
func (d *DB) insertItems(ctx context.Context, tx *sql.Tx, sourceID int64, items []*newsdesk.Item, now any) ([]int64, error) {
	var b strings.Builder
	b.WriteString(`INSERT INTO items (source_id, guid, url, title, summary, content, author, published_at, fetched_at, image_url) VALUES `)
	args := make([]any, 0, len(items)*10)
	seen := make(map[string]bool, len(items))
	rows := 0
	for _, it := range items {
		// A feed may repeat a GUID; one statement must not insert it twice.
		if it.GUID == "" || seen[it.GUID] {
			continue
		}
		seen[it.GUID] = true
		if rows > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, sourceID, it.GUID, it.URL, it.Title, it.Summary, it.Content, it.Author,
			nullTime(it.PublishedAt), now, it.ImageURL)
		rows++
	}
	if rows == 0 {
		return nil, nil
	}
	// RETURNING names only the rows inserted, so only new items get
	// their enclosures and categories stored.
	b.WriteString(" ON CONFLICT (source_id, guid) DO NOTHING RETURNING id, guid")
	added, err := insertedIDs(ctx, tx, d.q(b.String()), args)
	if err != nil {
		return nil, err
	}
	if err := d.saveItemMedia(ctx, tx, items, added); err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(added))
	for _, id := range added {
		ids = append(ids, id)
	}
	return ids, nil
}
