package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/newsdesk/newsdesk"
)

// The stories as the desk sees them: found in coverage order, merged and
// split by editors. Every change goes through storyTx, under the same lock
// and into the same log as the clustering worker's.

const storyColumns = `st.id, COALESCE(st.lead_item_id, 0), st.headline, st.articles, st.copies, st.first_seen, st.last_seen,
	st.rank, COALESCE(st.merged_into, 0)`

func scanStory(row interface{ Scan(...any) error }) (*newsdesk.Story, error) {
	var s newsdesk.Story
	var first, last sql.NullTime
	if err := row.Scan(&s.ID, &s.LeadItemID, &s.Headline, &s.Articles, &s.Copies, &first, &last, &s.Rank, &s.MergedInto); err != nil {
		return nil, err
	}
	if first.Valid {
		s.FirstSeen = first.Time.UTC()
	}
	if last.Valid {
		s.LastSeen = last.Time.UTC()
	}
	return &s, nil
}

// FindStoryByID returns the story with its items, oldest first, or
// ENOTFOUND. A merged story comes with MergedInto set and no items.
func (d *DB) FindStoryByID(ctx context.Context, id int64) (*newsdesk.Story, error) {
	s, err := scanStory(d.db.QueryRowContext(ctx, d.q(`SELECT `+storyColumns+` FROM stories st WHERE st.id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Story", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find story %d: %w", id, err)
	}
	if s.MergedInto != 0 {
		return s, nil
	}
	rows, err := d.db.QueryContext(ctx, d.q(`SELECT `+itemColumns+`, COALESCE(si.copy_of, 0), si.seen_at
		FROM story_items si JOIN items i ON i.id = si.item_id JOIN sources s ON s.id = i.source_id
		WHERE si.story_id = ? ORDER BY si.seen_at, i.id`), id)
	if err != nil {
		return nil, fmt.Errorf("find story %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var si newsdesk.StoryItem
		it, err := scanItem(withExtra{rows, []any{&si.CopyOf, &si.SeenAt}})
		if err != nil {
			return nil, fmt.Errorf("find story %d: %w", id, err)
		}
		si.Item, si.SeenAt = it, si.SeenAt.UTC()
		s.Items = append(s.Items, &si)
		if !slices.Contains(s.Outlets, it.SourceName) {
			s.Outlets = append(s.Outlets, it.SourceName)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find story %d: %w", id, err)
	}
	slices.Sort(s.Outlets)
	return s, nil
}

// withExtra scans a row's leading columns with scanItem and the rest into
// extra.
type withExtra struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.row.Scan(append(dest, w.extra...)...) }

// FindStories returns stories that stand alone, highest coverage first.
func (d *DB) FindStories(ctx context.Context, f newsdesk.StoryFilter) ([]*newsdesk.Story, error) {
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := d.db.QueryContext(ctx, d.q(`SELECT `+storyColumns+` FROM stories st
		WHERE st.merged_into IS NULL AND st.articles > 0 AND st.outlets >= ?
		ORDER BY st.rank DESC, st.id LIMIT ? OFFSET ?`), max(f.MinOutlets, 1), limit, max(f.Offset, 0))
	if err != nil {
		return nil, fmt.Errorf("find stories: %w", err)
	}
	var out []*newsdesk.Story
	byID := map[int64]*newsdesk.Story{}
	for rows.Next() {
		s, err := scanStory(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("find stories: %w", err)
		}
		out = append(out, s)
		byID[s.ID] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find stories: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	for i, s := range out {
		ids[i] = s.ID
	}
	rows, err = d.db.QueryContext(ctx, d.q(`SELECT DISTINCT si.story_id, s.name
		FROM story_items si JOIN items i ON i.id = si.item_id JOIN sources s ON s.id = i.source_id
		WHERE si.story_id IN (`+placeholders(len(ids))+`) ORDER BY si.story_id, s.name`), int64Args(ids)...)
	if err != nil {
		return nil, fmt.Errorf("find stories' outlets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("find stories' outlets: %w", err)
		}
		byID[id].Outlets = append(byID[id].Outlets, name)
	}
	return out, rows.Err()
}

// standing loads a story for an editor's change: ENOTFOUND if there is
// none, EINVALID if it was merged away.
func (d *DB) standing(ctx context.Context, tx *sql.Tx, id int64) (*newsdesk.Story, error) {
	s, err := scanStory(tx.QueryRowContext(ctx, d.q(`SELECT `+storyColumns+` FROM stories st WHERE st.id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Story", id)
	}
	if err != nil {
		return nil, fmt.Errorf("load story %d: %w", id, err)
	}
	if s.MergedInto != 0 {
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "Story %d was merged into story %d already.", id, s.MergedInto)
	}
	return s, nil
}

// MergeStories moves every item of story from into story into.
func (d *DB) MergeStories(ctx context.Context, into, from int64) error {
	if into == from {
		return newsdesk.Errorf(newsdesk.EINVALID, "Choose two different stories to merge.")
	}
	return d.storyTx(ctx, func(b *storyBatch) error {
		for _, id := range []int64{into, from} {
			if _, err := d.standing(ctx, b.tx, id); err != nil {
				return err
			}
		}
		_, err := b.Merge(into, from)
		return err
	})
}

// SplitStory moves the given items of the story into a new story and
// returns its ID.
func (d *DB) SplitStory(ctx context.Context, id int64, itemIDs []int64) (int64, error) {
	ids := slices.Clone(itemIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return 0, newsdesk.Errorf(newsdesk.EINVALID, "Choose the articles to move to a new story.")
	}
	var newID int64
	err := d.storyTx(ctx, func(b *storyBatch) error {
		s, err := d.standing(ctx, b.tx, id)
		if err != nil {
			return err
		}
		var n int
		if err := b.tx.QueryRowContext(ctx, d.q(`SELECT COUNT(*) FROM story_items
			WHERE story_id = ? AND item_id IN (`+placeholders(len(ids))+`)`), append([]any{id}, int64Args(ids)...)...).Scan(&n); err != nil {
			return fmt.Errorf("split story %d: %w", id, err)
		}
		var total int
		if err := b.tx.QueryRowContext(ctx, d.q(`SELECT COUNT(*) FROM story_items WHERE story_id = ?`), id).Scan(&total); err != nil {
			return fmt.Errorf("split story %d: %w", id, err)
		}
		switch {
		case n != len(ids):
			return newsdesk.Errorf(newsdesk.EINVALID, "Some of those articles are not in story %d any more.", s.ID)
		case n == total:
			return newsdesk.Errorf(newsdesk.EINVALID, "A story cannot be split into itself: leave at least one article in it.")
		}
		if newID, err = d.newStory(ctx, b.tx, b.now); err != nil {
			return err
		}
		if _, err := d.logChange(ctx, b.tx, newsdesk.StoryChange{Kind: newsdesk.StoryChangeSplit, StoryID: id, OtherID: newID, Items: ids}, b.now); err != nil {
			return err
		}
		if _, err := b.tx.ExecContext(ctx, d.q(`UPDATE story_items SET story_id = ?
			WHERE item_id IN (`+placeholders(len(ids))+`)`), append([]any{newID}, int64Args(ids)...)...); err != nil {
			return fmt.Errorf("split story %d: %w", id, err)
		}
		b.touched[id], b.touched[newID] = true, true
		return nil
	})
	if err != nil {
		return 0, err
	}
	return newID, nil
}
