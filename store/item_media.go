package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/newsdesk/newsdesk"
)

// mediaBatch bounds the rows of one INSERT of enclosures or categories:
// 5 values a row stays far under both databases' parameter limits.
const mediaBatch = 1000

// insertedIDs runs an INSERT ... RETURNING id, guid and returns the new
// rows' IDs by GUID.
func insertedIDs(ctx context.Context, tx *sql.Tx, query string, args []any) (map[string]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id int64
		var guid string
		if err := rows.Scan(&id, &guid); err != nil {
			return nil, err
		}
		out[guid] = id
	}
	return out, rows.Err()
}

// saveItemMedia stores the enclosures and categories of the items just
// inserted; added maps their GUIDs to their new IDs. Items already stored
// are not in added, so they are never changed.
func (d *DB) saveItemMedia(ctx context.Context, tx *sql.Tx, items []*newsdesk.Item, added map[string]int64) error {
	var enclosures, categories [][]any
	done := make(map[int64]bool, len(added))
	for _, it := range items {
		id, ok := added[it.GUID]
		if !ok || done[id] {
			continue // stored before, or a repeat of a GUID in this batch
		}
		done[id] = true
		for i, e := range it.Enclosures {
			enclosures = append(enclosures, []any{id, i, e.URL, e.Type, e.Length})
		}
		for i, c := range it.Categories {
			categories = append(categories, []any{id, i, c})
		}
	}
	if err := d.insertRows(ctx, tx, `INSERT INTO item_enclosures (item_id, position, url, type, length) VALUES `, enclosures); err != nil {
		return fmt.Errorf("store enclosures: %w", err)
	}
	if err := d.insertRows(ctx, tx, `INSERT INTO item_categories (item_id, position, name) VALUES `, categories); err != nil {
		return fmt.Errorf("store categories: %w", err)
	}
	return nil
}

// insertRows inserts rows of equal width in batches.
func (d *DB) insertRows(ctx context.Context, tx *sql.Tx, prefix string, rows [][]any) error {
	for start := 0; start < len(rows); start += mediaBatch {
		batch := rows[start:min(start+mediaBatch, len(rows))]
		var b strings.Builder
		b.WriteString(prefix)
		rowMarks := "(?" + strings.Repeat(", ?", len(batch[0])-1) + ")"
		args := make([]any, 0, len(batch)*len(batch[0]))
		for i, row := range batch {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(rowMarks)
			args = append(args, row...)
		}
		if _, err := tx.ExecContext(ctx, d.q(b.String()), args...); err != nil {
			return err
		}
	}
	return nil
}

// loadItemMedia fills in the enclosures and categories of items, with one
// query for each whatever the number of items.
func (d *DB) loadItemMedia(ctx context.Context, items []*newsdesk.Item) error {
	if len(items) == 0 {
		return nil
	}
	byID := make(map[int64]*newsdesk.Item, len(items))
	args := make([]any, 0, len(items))
	for _, it := range items {
		byID[it.ID] = it
		args = append(args, it.ID)
	}
	in := "(?" + strings.Repeat(", ?", len(args)-1) + ")"

	rows, err := d.db.QueryContext(ctx, d.q(`SELECT item_id, url, type, length FROM item_enclosures
		WHERE item_id IN `+in+` ORDER BY item_id, position`), args...)
	if err != nil {
		return fmt.Errorf("load enclosures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var e newsdesk.Enclosure
		if err := rows.Scan(&id, &e.URL, &e.Type, &e.Length); err != nil {
			return fmt.Errorf("load enclosures: %w", err)
		}
		byID[id].Enclosures = append(byID[id].Enclosures, e)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load enclosures: %w", err)
	}
	rows.Close()

	rows, err = d.db.QueryContext(ctx, d.q(`SELECT item_id, name FROM item_categories
		WHERE item_id IN `+in+` ORDER BY item_id, position`), args...)
	if err != nil {
		return fmt.Errorf("load categories: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return fmt.Errorf("load categories: %w", err)
		}
		byID[id].Categories = append(byID[id].Categories, name)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load categories: %w", err)
	}
	return nil
}
