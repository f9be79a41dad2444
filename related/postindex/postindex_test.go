package postindex_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/related/postindex"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// stories are posts on three subjects, two or three each.
var stories = []struct{ key, headline, summary, tags string }{
	{"ferry1", "Harbour ferry sails again after pier repairs", "The harbour ferry carried passengers across the bay again after two weeks of repairs to the storm-damaged pier. The ferry operator added sailings.", "transport, harbour"},
	{"ferry2", "Ferry operator adds evening sailings across the bay", "Passengers asked for later crossings, and the ferry operator now runs evening sailings from the pier across the bay to the harbour.", "transport"},
	{"ferry3", "New ferry for the bay crossing", "A larger ferry joins the bay crossing next month; the operator says the pier and harbour can take the bigger vessel and its passengers.", "harbour"},
	{"school1", "School budget cut leaves music lessons in doubt", "The school board's budget cut means music lessons and teachers' posts may go, parents were told at a crowded meeting on the school budget.", "schools"},
	{"school2", "Parents protest school budget at board meeting", "Parents filled the board meeting to protest the school budget, asking the board to spare music teachers and lessons.", "schools"},
	{"orchard1", "Orchard growers expect a record apple harvest", "Growers in the valley orchards expect a record apple harvest after a mild spring, and cider makers are hiring pickers.", "farming"},
	{"orchard2", "Cider makers hire pickers for the apple harvest", "The valley's cider makers are hiring pickers as orchard growers bring in the apple harvest, the largest for years.", "farming"},
}

func setup(t *testing.T, db *store.DB) (map[string]*newsdesk.Post, *postindex.Index) {
	t.Helper()
	ctx := context.Background()
	clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { clock = clock.Add(time.Second); return clock }
	posts := map[string]*newsdesk.Post{}
	for _, s := range stories {
		tags, err := newsdesk.ParseTags(s.tags)
		if err != nil {
			t.Fatal(err)
		}
		p := &newsdesk.Post{Headline: s.headline, Summary: s.summary, Status: newsdesk.PostPublished, Tags: tags,
			SourceName: "The Eastmere Courier", OriginalURL: "https://courier.example/" + s.key}
		if err := db.CreatePost(ctx, p); err != nil {
			t.Fatal(err)
		}
		posts[s.key] = p
	}
	return posts, postindex.New(postindex.Config{Posts: db, Overlap: time.Hour})
}

func sync(t *testing.T, x *postindex.Index) {
	t.Helper()
	if err := x.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func keys(posts map[string]*newsdesk.Post, ids []int64) []string {
	var out []string
	for _, id := range ids {
		for k, p := range posts {
			if p.ID == id {
				out = append(out, k)
			}
		}
	}
	return out
}

func TestRelatedPostsFollowChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		posts, x := setup(t, db)
		draft := &newsdesk.Post{Headline: "Ferry timetable draft", Summary: "Draft: the ferry operator's bay crossing timetable and sailings from the pier.",
			Status: newsdesk.PostDraft, SourceName: "The Eastmere Courier", OriginalURL: "https://courier.example/draft"}
		if err := db.CreatePost(ctx, draft); err != nil {
			t.Fatal(err)
		}
		posts["draft"] = draft
		if x.Ready() || x.Related(posts["ferry1"].ID, 5) != nil {
			t.Fatal("related posts before the first sync")
		}
		sync(t, x)
		if !x.Ready() || x.Len() != len(stories) {
			t.Fatalf("ready %v with %d posts, want %d (drafts left out)", x.Ready(), x.Len(), len(stories))
		}

		got := keys(posts, x.Related(posts["ferry1"].ID, 2))
		if !slices.Equal(got, []string{"ferry2", "ferry3"}) && !slices.Equal(got, []string{"ferry3", "ferry2"}) {
			t.Fatalf("related to ferry1: %v, want the other ferry posts", got)
		}
		if got := keys(posts, x.Related(posts["school1"].ID, 1)); !slices.Equal(got, []string{"school2"}) {
			t.Fatalf("related to school1: %v", got)
		}
		if got := x.Related(draft.ID, 5); got != nil {
			t.Fatalf("a draft has related posts: %v", got)
		}

		// Publishing the draft brings it in at the next sync.
		draft.Status = newsdesk.PostPublished
		if err := db.UpdatePost(ctx, draft); err != nil {
			t.Fatal(err)
		}
		sync(t, x)
		if got := keys(posts, x.Related(posts["ferry2"].ID, 5)); !slices.Contains(got, "draft") {
			t.Fatalf("published draft not related to ferry2: %v", got)
		}

		// Unpublishing takes a post out of everyone's lists.
		posts["ferry3"].Status = newsdesk.PostDraft
		if err := db.UpdatePost(ctx, posts["ferry3"]); err != nil {
			t.Fatal(err)
		}
		sync(t, x)
		for k, p := range posts {
			if slices.Contains(keys(posts, x.Related(p.ID, 10)), "ferry3") {
				t.Fatalf("unpublished ferry3 still related to %s", k)
			}
		}

		// So does deleting one, which leaves no change to read.
		if _, err := db.SQL().ExecContext(ctx, deletePost(db), posts["ferry2"].ID); err != nil {
			t.Fatal(err)
		}
		sync(t, x)
		if slices.Contains(keys(posts, x.Related(posts["ferry1"].ID, 10)), "ferry2") {
			t.Fatal("deleted ferry2 still related to ferry1")
		}
		if x.Len() != len(stories)-1 {
			t.Fatalf("%d posts indexed, want %d", x.Len(), len(stories)-1)
		}

		// A change stamped by a process whose clock is behind is still
		// read, within the overlap.
		db.Now = func() time.Time { return time.Date(2026, 3, 1, 11, 30, 0, 0, time.UTC) }
		o := posts["orchard2"]
		o.Headline = "Harbour ferry to carry apple harvest across the bay"
		o.Summary = "Orchard growers will send the apple harvest on the harbour ferry across the bay, the ferry operator said at the pier."
		if err := db.UpdatePost(ctx, o); err != nil {
			t.Fatal(err)
		}
		sync(t, x)
		if got := keys(posts, x.Related(posts["ferry1"].ID, 1)); len(got) != 1 || got[0] == "school1" {
			t.Fatalf("related to ferry1 after the edit: %v", got)
		}
		if !slices.Contains(keys(posts, x.Related(posts["ferry1"].ID, 5)), "orchard2") {
			t.Fatal("the edit behind the clock was not read")
		}
	})
}

func TestWatchUpdatesAtOnce(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	posts, x := setup(t, db)
	sync(t, x)
	ps := x.Watch(db)
	p := &newsdesk.Post{Headline: "Music lessons saved in school budget deal", Summary: "The school board found money in the budget for music lessons and teachers after parents protested.",
		Status: newsdesk.PostPublished, SourceName: "The Civic Review", OriginalURL: "https://civic.example/deal"}
	if err := ps.CreatePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	posts["deal"] = p
	if got := keys(posts, x.Related(posts["school1"].ID, 5)); !slices.Contains(got, "deal") {
		t.Fatalf("new post not related before any sync: %v", got)
	}
	p.Status = newsdesk.PostDraft
	if err := ps.UpdatePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got := keys(posts, x.Related(posts["school1"].ID, 5)); slices.Contains(got, "deal") {
		t.Fatalf("unpublished post still related: %v", got)
	}
}

func TestRunSyncsUntilCancelled(t *testing.T) {
	db := storetest.SQLite(t)
	posts, _ := setup(t, db)
	x := postindex.New(postindex.Config{Posts: db, Interval: 10 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { x.Run(ctx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for !x.Ready() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if !x.Ready() || len(x.Related(posts["orchard1"].ID, 1)) != 1 {
		t.Fatal("Run did not fill the index")
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

// deletePost is the query that deletes a post, as another part of newsdesk
// (or an operator) might, for the database.
func deletePost(db *store.DB) string {
	if db.Dialect() == store.Postgres {
		return "DELETE FROM posts WHERE id = $1"
	}
	return "DELETE FROM posts WHERE id = ?"
}

// TestTwoProcesses runs two "processes" on one database, each with its own
// connection pool and its own index kept current by Run: a post published
// through one appears in the related lists of the other, and leaves them
// when it is unpublished there.
func TestTwoProcesses(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			dsn := filepath.Join(t.TempDir(), "newsdesk.db")
			if dialect == "postgres" {
				dsn = storetest.PostgresURL(t)
			}
			open := func() *store.DB {
				db, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if _, err := db.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				return db
			}
			writer, reader := open(), open()
			posts, _ := setup(t, writer)
			x := postindex.New(postindex.Config{Posts: reader, Interval: 10 * time.Millisecond})
			runCtx, cancel := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { x.Run(runCtx); close(done) }()
			t.Cleanup(func() { cancel(); <-done })

			waitFor := func(what string, ok func() bool) {
				t.Helper()
				for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
					if time.Now().After(deadline) {
						t.Fatalf("the reader's index never saw %s", what)
					}
				}
			}
			waitFor("the first posts", func() bool { return x.Len() == len(stories) })

			p := &newsdesk.Post{Headline: "School budget saved after parents protest", Summary: "The school board restored the music lessons budget after parents protested at the board meeting.",
				Status: newsdesk.PostPublished, SourceName: "The Civic Review", OriginalURL: "https://civic.example/saved"}
			if err := writer.CreatePost(ctx, p); err != nil {
				t.Fatal(err)
			}
			posts["saved"] = p
			waitFor("the new post", func() bool { return slices.Contains(keys(posts, x.Related(posts["school1"].ID, 3)), "saved") })
			p.Status = newsdesk.PostDraft
			if err := writer.UpdatePost(ctx, p); err != nil {
				t.Fatal(err)
			}
			waitFor("the post unpublished", func() bool { return !slices.Contains(keys(posts, x.Related(posts["school1"].ID, 3)), "saved") })
		})
	}
}

// gatedSource holds CountPublishedPosts, which Sync calls after reading
// every page and before computing the neighbour lists, until gate is
// closed: the first sync of a large archive, frozen half way.
type gatedSource struct {
	postindex.Source
	gate    chan struct{}
	waiting chan struct{}
}

func (g gatedSource) CountPublishedPosts(ctx context.Context) (int, error) {
	select {
	case g.waiting <- struct{}{}:
	default:
	}
	select {
	case <-g.gate:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	return g.Source.CountPublishedPosts(ctx)
}

// within fails the test unless f returns within d.
func within(t *testing.T, d time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { f(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s waited for the first sync", what)
	}
}

// TestPagesDoNotWaitForFirstSync is a web process starting on an archive
// whose index takes a while to build: post pages get no related posts
// until it is ready, at once rather than after a wait, editors' writes do
// not wait either, and the lists appear when the build is done.
func TestPagesDoNotWaitForFirstSync(t *testing.T) {
	db := storetest.SQLite(t)
	posts, _ := setup(t, db)
	src := gatedSource{Source: db, gate: make(chan struct{}), waiting: make(chan struct{}, 1)}
	x := postindex.New(postindex.Config{Posts: src, Interval: 10 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { x.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	select {
	case <-src.waiting:
	case <-time.After(5 * time.Second):
		t.Fatal("the first sync never got to counting the posts")
	}
	within(t, time.Second, "a post page", func() {
		if x.Ready() || x.Related(posts["ferry1"].ID, 5) != nil {
			t.Error("related posts before the first sync is done")
		}
	})
	p := &newsdesk.Post{ID: posts["school1"].ID, Headline: posts["school1"].Headline, Summary: "Edited.",
		Status: newsdesk.PostPublished, UpdatedAt: time.Now()}
	within(t, time.Second, "an editor's write", func() { x.Apply(p) })

	close(src.gate)
	for deadline := time.Now().Add(5 * time.Second); !x.Ready(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the index never got ready")
		}
	}
	got := keys(posts, x.Related(posts["ferry1"].ID, 2))
	if !slices.Equal(got, []string{"ferry2", "ferry3"}) && !slices.Equal(got, []string{"ferry3", "ferry2"}) {
		t.Fatalf("related to ferry1 once ready: %v, want the other ferry posts", got)
	}
}
