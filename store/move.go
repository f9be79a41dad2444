package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/newsdesk/newsdesk"
)

// MoveSource points a source, and everything stored from it, at a new
// address: every address that starts with from (its feed and site, its
// items' links, images and enclosures, the links and images inside their
// HTML and their articles', and the credit links of posts made from its
// items) starts with to instead, in one transaction. Both should end with
// "/", so that http://127.0.0.1:8 does not match http://127.0.0.1:80/.
//
// It is for an outlet now served from somewhere else, such as the demo's
// outlets on a new port at each start: the feed's new links reach items
// already stored only this way, since a poll stores an item once.
// It returns ENOTFOUND if the source does not exist, EINVALID if from is
// empty or the source's feed is not under it, and ECONFLICT if another
// source follows the moved feed.
func (d *DB) MoveSource(ctx context.Context, id int64, from, to string) error {
	if from == "" || from == to {
		return newsdesk.Errorf(newsdesk.EINVALID, "Say which address the source moved from and to.")
	}
	of := `(SELECT id FROM items WHERE source_id = ?)`
	// Each statement rewrites its columns where from occurs, and leaves
	// other rows alone, so that search triggers do not re-index them.
	steps := []struct {
		table, where string
		cols         []string
	}{
		{"items", "source_id = ?", []string{"url", "image_url", "summary", "content"}},
		{"item_enclosures", "item_id IN " + of, []string{"url"}},
		{"articles", "item_id IN " + of, []string{"image", "html"}},
		{"posts", "item_id IN " + of, []string{"original_url"}},
	}
	return d.tx(ctx, func(tx *sql.Tx) error {
		var feed string
		err := tx.QueryRowContext(ctx, d.q(`SELECT feed_url FROM sources WHERE id = ?`), id).Scan(&feed)
		if err == sql.ErrNoRows {
			return notFound("Source", id)
		}
		if err != nil {
			return fmt.Errorf("move source %d: %w", id, err)
		}
		if !strings.HasPrefix(feed, from) {
			return newsdesk.Errorf(newsdesk.EINVALID, "The feed %s is not under %s.", feed, from)
		}
		// New validators for the new address: the old ones were another
		// server's.
		_, err = tx.ExecContext(ctx, d.q(`UPDATE sources SET feed_url = replace(feed_url, ?, ?),
			site_url = replace(site_url, ?, ?), etag = '', last_modified = '', updated_at = ? WHERE id = ?`),
			from, to, from, to, d.now(), id)
		if isConflict(err) {
			return newsdesk.WrapError(newsdesk.ECONFLICT, err, "The feed %s is already followed.", to+strings.TrimPrefix(feed, from))
		}
		if err != nil {
			return fmt.Errorf("move source %d: %w", id, err)
		}
		for _, s := range steps {
			var set, changed []string
			var args, changedArgs []any
			for _, c := range s.cols {
				set = append(set, fmt.Sprintf("%s = replace(%s, ?, ?)", c, c))
				changed = append(changed, fmt.Sprintf("%s <> replace(%s, ?, ?)", c, c))
				args = append(args, from, to)
				changedArgs = append(changedArgs, from, to)
			}
			query := fmt.Sprintf("UPDATE %s SET %s WHERE %s AND (%s)",
				s.table, strings.Join(set, ", "), s.where, strings.Join(changed, " OR "))
			args = append(append(args, id), changedArgs...)
			if _, err := tx.ExecContext(ctx, d.q(query), args...); err != nil {
				return fmt.Errorf("move source %d: %s: %w", id, s.table, err)
			}
		}
		return nil
	})
}
