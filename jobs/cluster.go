package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"

	"github.com/newsdesk/newsdesk/cluster"
	"github.com/newsdesk/newsdesk/store"
)

// queueStories runs the clustering job, one at a time.
const queueStories = "stories"

// ClusterArgs asks for the items that are in no story yet to be clustered.
// A poll that stores new items queues one, and one is queued every tick in
// case a poll's was refused because another was queued or running.
type ClusterArgs struct{}

// Kind names the job in the database.
func (ClusterArgs) Kind() string { return "cluster_items" }

// InsertOpts keeps at most one clustering job queued or running across
// every process, so that items are clustered in one order, once.
func (ClusterArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       queueStories,
		MaxAttempts: 10,
		UniqueOpts:  river.UniqueOpts{ByState: activeStates},
	}
}

// Tuning of the clustering worker.
const (
	// clusterBatch is how many items one transaction clusters.
	clusterBatch = 200
	// clusterRunBatches is how many batches one run of the job clusters
	// before it makes way for other work and comes back (a first start
	// on a database full of items has a backlog).
	clusterRunBatches = 50
	// ClusterLookback bounds which items are clustered: those fetched
	// within it. Older ones (a backlog from before stories existed) are
	// out of every story's window anyway.
	ClusterLookback = 7 * 24 * time.Hour
	// restoreWindow is how far back from the newest story the stories a
	// restarted worker rebuilds reach: twice the clusterer's 72-hour
	// window, beyond which no new article can join a story.
	restoreWindow = 6 * 24 * time.Hour
	// reloadAfter is how many articles the in-memory state may hold before
	// it is rebuilt from the recent window, so that a worker that runs for
	// months does not keep every article it ever saw.
	reloadAfter = 200_000
	// storyLogRetention is how long changes stay in the story log. The
	// log is read only by clustering workers, each replaying what other
	// processes and editors changed since its own last batch. A worker
	// further behind than this (its process lost the clustering job to
	// others for a week, or slept) finds its next change pruned and
	// rebuilds from the stored stories instead, as a restarted worker
	// does; nothing is lost, the rebuild costs a read of the recent
	// window. A week is far longer than workers sharing the job are ever
	// apart, and holds the log to a week of changes (about one a
	// clustered item) rather than every change ever made.
	storyLogRetention = 7 * 24 * time.Hour
	// pruneEvery is how often a worker prunes the log, in one of its
	// batches.
	pruneEvery = time.Hour
)

// Clustering assigns each new item to a story as it arrives, near-duplicates
// to the story of the item they copy. Its state lives in memory: a
// cluster.Clusterer and a cluster.Dedup, rebuilt from the stored stories of the
// recent window when it starts, and kept in step with the database by
// replaying the changes other processes and editors logged (see
// store.StoryChange) before each batch. Every batch runs under the
// stories lock, so however many processes share the database, items are
// clustered one at a time, in the order they arrived, once.
//
// The same items in the same order, with the same editors' changes, give
// the same stories.
//
// One batch an hour also prunes the log of changes older than a week
// (see storyLogRetention), so that it does not grow forever.
type Clustering struct {
	db     *store.DB
	logger *slog.Logger
	now    func() time.Time

	mu     sync.Mutex
	st     *clusterState // nil until restored, and after a failure
	pruned time.Time     // when this worker last pruned the story log
}

// clusterState is the in-memory mirror of the stored stories.
type clusterState struct {
	c      *cluster.Clusterer
	dedup  *cluster.Dedup
	head   int64         // the last logged change reflected in memory
	toDB   map[int]int64 // clusterer's story ID -> stored story ID
	fromDB map[int64]int
}

// NewClustering returns a Clustering over db. now is the clock (nil for
// time.Now) and logger may be nil.
func NewClustering(db *store.DB, logger *slog.Logger, now func() time.Time) *Clustering {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	return &Clustering{db: db, logger: logger, now: now}
}

// errStale says that the in-memory state no longer matches the stored
// stories (a change could not be replayed), so it must be rebuilt.
var errStale = errors.New("clustering state is stale")

// Run clusters up to maxBatches batches of the items still to cluster and
// returns how many it clustered, and whether items may remain.
func (cl *Clustering) Run(ctx context.Context, maxBatches int) (clustered int, more bool, err error) {
	return cl.RunThen(ctx, maxBatches, nil)
}

// RunThen is Run, calling done (if not nil) in the transaction of the
// batch that leaves no item to cluster, before it commits: the clustering
// job records there that it is done. Items stored while that batch ran
// are clustered in it too, after done, so that none is left behind by a
// poll that could not queue another clustering job because this one was
// still running.
func (cl *Clustering) RunThen(ctx context.Context, maxBatches int, done func(tx *sql.Tx) error) (clustered int, more bool, err error) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	retried := false
	for batch := 0; batch < maxBatches; batch++ {
		if cl.st == nil || cl.st.c.Len() > reloadAfter {
			if err := cl.restore(ctx); err != nil {
				return clustered, true, err
			}
		}
		n, last, err := cl.batch(ctx, done)
		if err != nil {
			cl.st = nil // memory may be ahead of what was committed
			if errors.Is(err, errStale) && !retried {
				cl.logger.Warn("clustering: rebuilding from the stored stories", "reason", err)
				retried = true
				batch--
				continue
			}
			return clustered, true, err
		}
		clustered += n
		if last {
			return clustered, false, nil
		}
	}
	return clustered, true, nil
}

// restore rebuilds the in-memory state from the stored stories of the
// recent window, placing each item in its story in the order they were
// clustered.
func (cl *Clustering) restore(ctx context.Context) error {
	items, head, err := cl.db.StorySnapshot(ctx, restoreWindow)
	if err != nil {
		return err
	}
	st := &clusterState{
		c:      cluster.NewClusterer(cluster.Options{}),
		dedup:  cluster.NewDedup(cluster.DedupOptions{}),
		head:   head,
		toDB:   map[int]int64{},
		fromDB: map[int64]int{},
	}
	for _, it := range items {
		if err := st.place(it, it.StoryID); err != nil {
			return err
		}
		st.dedup.Add(key(it.ID), dedupText(it))
	}
	cl.st = st
	cl.logger.Debug("clustering: restored", "articles", len(items), "stories", len(st.fromDB), "head", head)
	return nil
}

// place puts an item in the memory of the stored story dbStory.
func (st *clusterState) place(it store.ClusterItem, dbStory int64) error {
	id, err := st.c.Place(doc(it), st.fromDB[dbStory])
	if err != nil {
		return fmt.Errorf("%w: item %d: %v", errStale, it.ID, err)
	}
	st.toDB[id], st.fromDB[dbStory] = dbStory, id
	return nil
}

// batch replays the logged changes memory lacks, then clusters one batch
// of new items, in one transaction under the stories lock. It reports
// whether that was the last of them; if so, done is called in the
// transaction (see RunThen).
func (cl *Clustering) batch(ctx context.Context, done func(tx *sql.Tx) error) (n int, last bool, err error) {
	st := cl.st
	now := cl.now()
	prune := now.Sub(cl.pruned) >= pruneEvery
	err = cl.db.ClusterStories(ctx, func(b *store.StoryBatch) error {
		changes, err := b.Changes(st.head)
		if errors.Is(err, store.ErrChangesPruned) {
			return fmt.Errorf("%w: %v", errStale, err)
		}
		if err != nil {
			return err
		}
		if err := st.replay(b, changes); err != nil {
			return err
		}
		todo, err := b.Unclustered(now.Add(-ClusterLookback), clusterBatch)
		if err != nil {
			return err
		}
		for _, it := range todo {
			if err := st.cluster(b, it); err != nil {
				return err
			}
		}
		n, last = len(todo), len(todo) < clusterBatch
		if last && done != nil {
			if err := done(b.Tx()); err != nil {
				return err
			}
			// A poll that stored items after the look above found this
			// job running, so queued none: its items are clustered here.
			// (On SQLite no poll can store meanwhile; on PostgreSQL one
			// that queues after done waits for this commit and then
			// queues its job.)
			for {
				late, err := b.Unclustered(now.Add(-ClusterLookback), clusterBatch)
				if err != nil {
					return err
				}
				for _, it := range late {
					if err := st.cluster(b, it); err != nil {
						return err
					}
				}
				n += len(late)
				if len(late) < clusterBatch {
					break
				}
			}
		}
		if prune {
			pruned, err := b.PruneChanges(storyLogRetention)
			if err != nil {
				return err
			}
			if pruned > 0 {
				cl.logger.Debug("clustering: pruned the story log", "changes", pruned)
			}
		}
		return nil
	})
	if err == nil && prune {
		cl.pruned = now
	}
	return n, last, err
}

// cluster assigns one new item to a story and records it.
func (st *clusterState) cluster(b *store.StoryBatch, it store.ClusterItem) error {
	k := key(it.ID)
	var internal int
	var copyOf int64
	if lead, dup := st.dedup.Add(k, dedupText(it)); dup {
		if s, ok := st.c.StoryOf(lead); ok {
			var err error
			if internal, err = st.c.Place(doc(it), st.c.Resolve(s)); err != nil {
				return fmt.Errorf("%w: %v", errStale, err)
			}
			copyOf, _ = strconv.ParseInt(lead, 10, 64)
		}
	}
	if internal == 0 {
		internal = st.c.Add(doc(it))
	}
	// Stories the clusterer merged by itself are merged in the database
	// too, before the item is recorded in the one that remains.
	for _, m := range st.c.Absorbed() {
		into, from := st.toDB[m.Into], st.toDB[m.From]
		if into == 0 || from == 0 {
			return fmt.Errorf("%w: merge of stories %d and %d that were never stored", errStale, m.Into, m.From)
		}
		seq, err := b.Merge(into, from)
		if err != nil {
			return err
		}
		delete(st.fromDB, from)
		delete(st.toDB, m.From)
		st.head = seq
	}
	dbStory, seq, err := b.Add(it, st.toDB[internal], copyOf)
	if err != nil {
		return err
	}
	st.toDB[internal], st.fromDB[dbStory] = dbStory, internal
	st.head = seq
	return nil
}

// replay applies to memory the changes that other processes and editors
// logged since memory last matched the database.
func (st *clusterState) replay(b *store.StoryBatch, changes []store.StoryChange) error {
	if len(changes) == 0 {
		return nil
	}
	var added []int64
	for _, ch := range changes {
		if ch.Kind == store.ChangeAdd {
			added = append(added, ch.ItemID)
		}
	}
	items, err := b.Items(added)
	if err != nil {
		return err
	}
	for _, ch := range changes {
		switch ch.Kind {
		case store.ChangeAdd:
			it, ok := items[ch.ItemID]
			if !ok {
				break // deleted since, with its source
			}
			if err := st.place(it, ch.StoryID); err != nil {
				return err
			}
			st.dedup.Add(key(it.ID), dedupText(it))
		case store.ChangeMerge:
			from, ok := st.fromDB[ch.OtherID]
			if !ok {
				break // none of its items are in memory
			}
			delete(st.fromDB, ch.OtherID)
			into, ok := st.fromDB[ch.StoryID]
			if !ok {
				// The story merged into is not in memory: the one merged
				// stands for it from now on.
				st.toDB[from], st.fromDB[ch.StoryID] = ch.StoryID, from
				break
			}
			delete(st.toDB, from)
			if err := st.c.Merge(into, from); err != nil {
				return fmt.Errorf("%w: %v", errStale, err)
			}
		case store.ChangeSplit:
			from, ok := st.fromDB[ch.StoryID]
			if !ok {
				break
			}
			keys := make([]string, len(ch.Items))
			for i, id := range ch.Items {
				keys[i] = key(id)
			}
			id, err := st.c.Split(from, keys)
			if err != nil {
				return fmt.Errorf("%w: %v", errStale, err)
			}
			st.toDB[id], st.fromDB[ch.OtherID] = ch.OtherID, id
		case store.ChangeRemove:
			// A source was deleted with its items. Memory may hold some
			// of them, which new items must neither join nor copy (a
			// copy of a deleted item cannot be stored); the log does not
			// list them, so memory is rebuilt from the stories as they
			// are now. Sources are deleted rarely.
			return fmt.Errorf("%w: source %d was deleted", errStale, ch.OtherID)
		default:
			return fmt.Errorf("%w: unknown change %q", errStale, ch.Kind)
		}
		st.head = ch.Seq
	}
	return nil
}

func key(id int64) string { return strconv.FormatInt(id, 10) }

func doc(it store.ClusterItem) cluster.Doc {
	return cluster.Doc{ID: key(it.ID), Title: it.Title, Text: it.Text, Source: it.Source, Published: it.SeenAt}
}

// DedupText is what near-duplicates are found in: the text alone, since
// outlets that carry wire copy often retitle it, unless the text is too
// short to tell copies from articles that share a stock phrase, when the
// headline counts too.
func DedupText(title, text string) string {
	if len(strings.Fields(text)) >= dedupMinWords {
		return text
	}
	return title + "\n\n" + text
}

// dedupMinWords is the least number of words a text needs to be compared
// without its headline.
const dedupMinWords = 25

func dedupText(it store.ClusterItem) string { return DedupText(it.Title, it.Text) }

// clusterWorker runs the clustering job.
type clusterWorker struct {
	river.WorkerDefaults[ClusterArgs]
	clustering *Clustering
	logger     *slog.Logger
}

// Work clusters the items waiting; with a backlog, it clusters a share and
// comes back at once, so the queue's other work is not held up.
func (w *clusterWorker) Work(ctx context.Context, job *river.Job[ClusterArgs]) error {
	// The job is marked done in the transaction of its last batch, so
	// that a poll storing items after that batch can queue another.
	done := func(tx *sql.Tx) error {
		_, err := river.JobCompleteTx[riverdriver.Driver[*sql.Tx]](ctx, tx, job)
		return err
	}
	n, more, err := w.clustering.RunThen(ctx, clusterRunBatches, done)
	if n > 0 {
		w.logger.Info("clustered", "items", n)
	}
	if err != nil && ctx.Err() != nil {
		return river.JobSnooze(0) // shutting down or out of time: run again, not a failure
	}
	if err != nil {
		return err
	}
	if more {
		return river.JobSnooze(0)
	}
	return nil
}

// queueClustering asks for the new items to be clustered now rather than
// at the next tick. A clustering job already queued or running makes this
// one redundant, and River skips it.
func queueClustering(ctx context.Context, logger *slog.Logger) {
	client, err := river.ClientFromContextSafely[*sql.Tx](ctx)
	if err != nil {
		return
	}
	if _, err := client.Insert(ctx, ClusterArgs{}, nil); err != nil {
		logger.Warn("queue clustering", "err", err)
	}
}
