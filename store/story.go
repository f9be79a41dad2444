package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk"
)

var (
	_ newsdesk.StoryService = (*DB)(nil)
	_ newsdesk.StoryBatch   = (*storyBatch)(nil)
)

// storiesLock is the PostgreSQL advisory lock key that serialises every
// change to stories: clustering batches, and editors' merges and splits.
// On SQLite every write transaction holds the database's one write lock
// from its start, which serialises them already.
const storiesLock = 0x73746f72 // "stor"

// clusterItemColumns select a newsdesk.ClusterItem from items i, sources s and
// articles a (left-joined).
const clusterItemColumns = `i.id, i.source_id, s.name, i.title, i.summary,
	COALESCE(a.text, ''), i.published_at, i.fetched_at`

const clusterItemFrom = ` FROM items i JOIN sources s ON s.id = i.source_id
	LEFT JOIN articles a ON a.item_id = i.id`

func scanClusterItem(row interface{ Scan(...any) error }, extra ...any) (newsdesk.ClusterItem, error) {
	var it newsdesk.ClusterItem
	var published sql.NullTime
	var fetched time.Time
	dest := append([]any{&it.ID, &it.SourceID, &it.Source, &it.Title, &it.Summary, &it.Article, &published, &fetched}, extra...)
	if err := row.Scan(dest...); err != nil {
		return it, err
	}
	it.SeenAt = seenAt(timePtr(published), fetched)
	return it, nil
}

// seenAt is an item's time in a story: its publication time, unless it has
// none or claims to be from after it was fetched.
func seenAt(published *time.Time, fetched time.Time) time.Time {
	fetched = fetched.UTC()
	if published != nil && published.Before(fetched) {
		return published.UTC()
	}
	return fetched
}

// lockStories takes the stories lock for the rest of tx.
func (d *DB) lockStories(ctx context.Context, tx *sql.Tx) error {
	if d.dialect != Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", storiesLock); err != nil {
		return fmt.Errorf("lock stories: %w", err)
	}
	return nil
}

// storyTx runs fn in a transaction that holds the stories lock, and then
// brings every story fn touched up to date.
func (d *DB) storyTx(ctx context.Context, fn func(b *storyBatch) error) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		if err := d.lockStories(ctx, tx); err != nil {
			return err
		}
		b := &storyBatch{d: d, tx: tx, ctx: ctx, now: d.now(), touched: map[int64]bool{}}
		if err := fn(b); err != nil {
			return err
		}
		ids := make([]int64, 0, len(b.touched))
		for id := range b.touched {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			if err := d.refreshStory(ctx, tx, id, b.now); err != nil {
				return err
			}
		}
		return nil
	})
}

// storyBatch is a transaction that holds the stories lock: a clustering
// batch (newsdesk.StoryBatch), or an editor's merge or split, or a
// source's removal. Its methods use the context the transaction was
// begun with.
type storyBatch struct {
	d       *DB
	tx      *sql.Tx
	ctx     context.Context
	now     time.Time
	touched map[int64]bool
}

// ClusterStories runs fn in one transaction holding the stories lock, so
// that no other process clusters, merges or splits meanwhile, and commits
// what fn recorded if it returns nil. The stories fn changed are brought
// up to date (counts, outlets, span, lead, rank) before the commit.
func (d *DB) ClusterStories(ctx context.Context, fn func(b newsdesk.StoryBatch) error) error {
	if err := d.storyTx(ctx, func(b *storyBatch) error { return fn(b) }); err != nil {
		return fmt.Errorf("cluster stories: %w", err)
	}
	return nil
}

// Tx returns the batch's transaction, for the job queue, which shares the
// database, to record in it that the job clustering this batch is done.
func (b *storyBatch) Tx() *sql.Tx { return b.tx }

// Changes returns the changes to stories made after the one numbered
// after, in order. It returns newsdesk.ErrStoryLogPruned if some of them are no
// longer in the log (see PruneChanges).
func (b *storyBatch) Changes(after int64) ([]newsdesk.StoryChange, error) {
	return b.d.storyChanges(b.ctx, b.tx, after)
}

// PruneChanges deletes from the log the changes made longer than keep
// before this batch, except the newest change, and returns how many it
// deleted.
//
// The newest is kept so that Changes can tell a reader that missed
// pruned changes (its last change is older than the oldest one left)
// from one that is up to date; an empty log would tell them apart only by
// luck. Changes are logged under the stories lock with the batch's time,
// so their times rise with their numbers (give or take the clock skew of
// processes sharing PostgreSQL, which no sensible keep notices), and the
// oldest change to keep is found by walking the log from its start, over
// the few changes made since the last prune, without an index on time.
func (b *storyBatch) PruneChanges(keep time.Duration) (int64, error) {
	res, err := b.tx.ExecContext(b.ctx, b.d.q(`DELETE FROM story_log WHERE seq < COALESCE(
		(SELECT seq FROM story_log WHERE created_at >= ? ORDER BY seq LIMIT 1),
		(SELECT MAX(seq) FROM story_log))`), b.now.Add(-keep))
	if err != nil {
		return 0, fmt.Errorf("prune story changes: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

func (d *DB) storyChanges(ctx context.Context, q querier, after int64) ([]newsdesk.StoryChange, error) {
	// Change numbers come from the database's sequence, which never
	// reuses one but may skip one (a transaction that rolled back), so a
	// gap before the oldest change left may also be a skipped number.
	// Such a reader is told to start again too; it costs a rebuild, not a
	// wrong result.
	var oldest sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT MIN(seq) FROM story_log`).Scan(&oldest); err != nil {
		return nil, fmt.Errorf("story changes: %w", err)
	}
	if oldest.Valid && after < oldest.Int64-1 {
		return nil, fmt.Errorf("story changes after %d, the oldest left being %d: %w", after, oldest.Int64, newsdesk.ErrStoryLogPruned)
	}
	rows, err := q.QueryContext(ctx, d.q(`SELECT seq, kind, story_id, other_id, item_id, copy_of, items
		FROM story_log WHERE seq > ? ORDER BY seq`), after)
	if err != nil {
		return nil, fmt.Errorf("story changes: %w", err)
	}
	defer rows.Close()
	var out []newsdesk.StoryChange
	for rows.Next() {
		var c newsdesk.StoryChange
		var items string
		if err := rows.Scan(&c.Seq, &c.Kind, &c.StoryID, &c.OtherID, &c.ItemID, &c.CopyOf, &items); err != nil {
			return nil, fmt.Errorf("story changes: %w", err)
		}
		if c.Items, err = parseIDs(items); err != nil {
			return nil, fmt.Errorf("story change %d: %w", c.Seq, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Unclustered returns the items in no story yet that f lets through, in
// the order they arrived.
func (b *storyBatch) Unclustered(f newsdesk.UnclusteredFilter) ([]newsdesk.ClusterItem, error) {
	query := `SELECT ` + clusterItemColumns + clusterItemFrom + `
		WHERE i.fetched_at >= ? AND NOT EXISTS (SELECT 1 FROM story_items si WHERE si.item_id = i.id)`
	args := []any{f.Since.UTC()}
	if !f.AwaitArticlesSince.IsZero() {
		query += ` AND (a.item_id IS NOT NULL OR i.url = '' OR i.fetched_at < ?)`
		args = append(args, f.AwaitArticlesSince.UTC())
	}
	if !f.InOrderSince.IsZero() {
		// Before the first item still awaiting its article, if any.
		query += ` AND i.id < COALESCE((SELECT MIN(w.id) FROM items w
			WHERE w.fetched_at >= ? AND w.url <> ''
			AND NOT EXISTS (SELECT 1 FROM articles wa WHERE wa.item_id = w.id)
			AND NOT EXISTS (SELECT 1 FROM story_items ws WHERE ws.item_id = w.id)), i.id + 1)`
		args = append(args, f.InOrderSince.UTC())
	}
	rows, err := b.tx.QueryContext(b.ctx, b.d.q(query+` ORDER BY i.id LIMIT ?`), append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("unclustered items: %w", err)
	}
	defer rows.Close()
	var out []newsdesk.ClusterItem
	for rows.Next() {
		it, err := scanClusterItem(rows)
		if err != nil {
			return nil, fmt.Errorf("unclustered items: %w", err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// Items returns the items with the given IDs, where they are, by ID.
// Items that no longer exist are left out.
func (b *storyBatch) Items(ids []int64) (map[int64]newsdesk.ClusterItem, error) {
	out := make(map[int64]newsdesk.ClusterItem, len(ids))
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		rows, err := b.tx.QueryContext(b.ctx, b.d.q(`SELECT `+clusterItemColumns+`,
			COALESCE(si.story_id, 0), COALESCE(si.copy_of, 0)`+clusterItemFrom+`
			LEFT JOIN story_items si ON si.item_id = i.id
			WHERE i.id IN (`+placeholders(len(chunk))+`)`), int64Args(chunk)...)
		if err != nil {
			return nil, fmt.Errorf("items to cluster: %w", err)
		}
		for rows.Next() {
			var story, copyOf int64
			it, err := scanClusterItem(rows, &story, &copyOf)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("items to cluster: %w", err)
			}
			it.StoryID, it.CopyOf = story, copyOf
			out[it.ID] = it
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("items to cluster: %w", err)
		}
	}
	return out, nil
}

// Add records that the item is in the story (a new story if storyID is
// zero), as a copy of the item copyOf if that is not zero, and returns the
// story's ID and the change's number.
func (b *storyBatch) Add(it newsdesk.ClusterItem, storyID, copyOf int64) (story, seq int64, err error) {
	if storyID == 0 {
		if storyID, err = b.d.newStory(b.ctx, b.tx, b.now); err != nil {
			return 0, 0, err
		}
	}
	seq, err = b.d.logChange(b.ctx, b.tx, newsdesk.StoryChange{Kind: newsdesk.StoryChangeAdd, StoryID: storyID, ItemID: it.ID, CopyOf: copyOf}, b.now)
	if err != nil {
		return 0, 0, err
	}
	var copyArg any
	if copyOf != 0 {
		copyArg = copyOf
	}
	if _, err := b.tx.ExecContext(b.ctx, b.d.q(`INSERT INTO story_items (item_id, story_id, copy_of, seen_at, seq)
		VALUES (?, ?, ?, ?, ?)`), it.ID, storyID, copyArg, it.SeenAt.UTC(), seq); err != nil {
		return 0, 0, fmt.Errorf("add item %d to story %d: %w", it.ID, storyID, translate(err))
	}
	b.touched[storyID] = true
	return storyID, seq, nil
}

// Merge moves every item of story from into story into, and returns the
// change's number.
func (b *storyBatch) Merge(into, from int64) (int64, error) {
	return b.d.mergeStories(b.ctx, b.tx, into, from, b.now, b.touched)
}

func (d *DB) newStory(ctx context.Context, tx *sql.Tx, now time.Time) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, d.q(`INSERT INTO stories (created_at, updated_at) VALUES (?, ?) RETURNING id`),
		now, now).Scan(&id); err != nil {
		return 0, fmt.Errorf("new story: %w", err)
	}
	return id, nil
}

func (d *DB) logChange(ctx context.Context, tx *sql.Tx, c newsdesk.StoryChange, now time.Time) (int64, error) {
	ids := make([]string, len(c.Items))
	for i, id := range c.Items {
		ids[i] = strconv.FormatInt(id, 10)
	}
	var seq int64
	if err := tx.QueryRowContext(ctx, d.q(`INSERT INTO story_log (kind, story_id, other_id, item_id, copy_of, items, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq`),
		c.Kind, c.StoryID, c.OtherID, c.ItemID, c.CopyOf, strings.Join(ids, ","), now).Scan(&seq); err != nil {
		return 0, fmt.Errorf("log story change: %w", err)
	}
	return seq, nil
}

func parseIDs(s string) ([]int64, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	out := make([]int64, len(parts))
	for i, p := range parts {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bad item list %q", s)
		}
		out[i] = id
	}
	return out, nil
}

func int64Args(ids []int64) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

// StorySnapshot returns, for restoring a clustering worker, every item of
// the stories last seen within window of the newest story, in the order
// they were clustered, each with its story; and the number of the last
// change they reflect. It reads one consistent snapshot and takes no lock.
func (d *DB) StorySnapshot(ctx context.Context, window time.Duration) ([]newsdesk.ClusterItem, int64, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if d.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := d.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, 0, fmt.Errorf("story snapshot: %w", err)
	}
	defer tx.Rollback()
	var head int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM story_log`).Scan(&head); err != nil {
		return nil, 0, fmt.Errorf("story snapshot: %w", err)
	}
	// Not MAX(last_seen): SQLite would return the time as text.
	var newest sql.NullTime
	err = tx.QueryRowContext(ctx, `SELECT last_seen FROM stories WHERE merged_into IS NULL AND last_seen IS NOT NULL
		ORDER BY last_seen DESC LIMIT 1`).Scan(&newest)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, head, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("story snapshot: %w", err)
	}
	rows, err := tx.QueryContext(ctx, d.q(`SELECT `+clusterItemColumns+`, si.story_id, COALESCE(si.copy_of, 0)`+
		clusterItemFrom+` JOIN story_items si ON si.item_id = i.id
		JOIN stories st ON st.id = si.story_id
		WHERE st.merged_into IS NULL AND st.last_seen >= ?
		ORDER BY si.seq`), newest.Time.UTC().Add(-window))
	if err != nil {
		return nil, 0, fmt.Errorf("story snapshot: %w", err)
	}
	defer rows.Close()
	var out []newsdesk.ClusterItem
	for rows.Next() {
		var story, copyOf int64
		it, err := scanClusterItem(rows, &story, &copyOf)
		if err != nil {
			return nil, 0, fmt.Errorf("story snapshot: %w", err)
		}
		it.StoryID, it.CopyOf = story, copyOf
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("story snapshot: %w", err)
	}
	return out, head, nil
}

// refreshStory recomputes what the story row keeps about its items.
func (d *DB) refreshStory(ctx context.Context, tx *sql.Tx, id int64, now time.Time) error {
	rows, err := tx.QueryContext(ctx, d.q(`SELECT si.item_id, COALESCE(si.copy_of, 0), si.seen_at, i.source_id, i.title,
		LENGTH(COALESCE(NULLIF(a.text, ''), i.summary))
		FROM story_items si JOIN items i ON i.id = si.item_id LEFT JOIN articles a ON a.item_id = i.id
		WHERE si.story_id = ?`), id)
	if err != nil {
		return fmt.Errorf("refresh story %d: %w", id, err)
	}
	var ms []storyMember
	for rows.Next() {
		var m storyMember
		if err := rows.Scan(&m.id, &m.copyOf, &m.seen, &m.source, &m.title, &m.length); err != nil {
			rows.Close()
			return fmt.Errorf("refresh story %d: %w", id, err)
		}
		m.seen = m.seen.UTC()
		ms = append(ms, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("refresh story %d: %w", id, err)
	}

	in := make(map[int64]bool, len(ms))
	for _, m := range ms {
		in[m.id] = true
	}
	// A copy of an item that is not in the story (an editor split them
	// apart) stands for itself here.
	isCopy := func(m storyMember) bool { return m.copyOf != 0 && in[m.copyOf] }
	var lead *storyMember
	latest := map[int64]time.Time{} // by source
	var first, last time.Time
	copies := 0
	for i := range ms {
		m := &ms[i]
		if isCopy(*m) {
			copies++
		}
		if t, ok := latest[m.source]; !ok || m.seen.After(t) {
			latest[m.source] = m.seen
		}
		if first.IsZero() || m.seen.Before(first) {
			first = m.seen
		}
		if m.seen.After(last) {
			last = m.seen
		}
		if lead == nil || m.candidate(isCopy).Leads(lead.candidate(isCopy)) {
			lead = m
		}
	}
	var leadID, firstArg, lastArg any
	headline, rank := "", 0.0
	if lead != nil {
		leadID, headline, firstArg, lastArg = lead.id, lead.title, first, last
		times := make([]time.Time, 0, len(latest))
		for _, t := range latest {
			times = append(times, t)
		}
		rank = newsdesk.CoverageRank(times)
	}
	if _, err := tx.ExecContext(ctx, d.q(`UPDATE stories SET lead_item_id = ?, headline = ?, articles = ?, copies = ?,
		outlets = ?, first_seen = ?, last_seen = ?, rank = ?, updated_at = ? WHERE id = ?`),
		leadID, headline, len(ms), copies, len(latest), firstArg, lastArg, rank, now, id); err != nil {
		return fmt.Errorf("refresh story %d: %w", id, err)
	}
	return nil
}

// storyMember is one item of a story, as refreshStory weighs it.
type storyMember struct {
	id, copyOf, source int64
	seen               time.Time
	title              string
	length             int
}

func (m storyMember) candidate(isCopy func(storyMember) bool) newsdesk.LeadCandidate {
	return newsdesk.LeadCandidate{Copy: isCopy(m), Seen: m.seen, Length: m.length, Order: m.id}
}

// mergeStories moves the items of from into into and marks from as merged.
func (d *DB) mergeStories(ctx context.Context, tx *sql.Tx, into, from int64, now time.Time, touched map[int64]bool) (int64, error) {
	seq, err := d.logChange(ctx, tx, newsdesk.StoryChange{Kind: newsdesk.StoryChangeMerge, StoryID: into, OtherID: from}, now)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, d.q(`UPDATE story_items SET story_id = ? WHERE story_id = ?`), into, from); err != nil {
		return 0, fmt.Errorf("merge story %d into %d: %w", from, into, err)
	}
	// Stories merged into from before now lead to into directly.
	if _, err := tx.ExecContext(ctx, d.q(`UPDATE stories SET merged_into = ? WHERE id = ? OR merged_into = ?`), into, from, from); err != nil {
		return 0, fmt.Errorf("merge story %d into %d: %w", from, into, err)
	}
	touched[into], touched[from] = true, true
	return seq, nil
}
