package ingest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// However many adds and polls are asked for at once (an editor's
// clicks, API clients, an OPML import, the scheduler's jobs), a process
// reads only Config.Concurrency feeds at a time, so that a burst of
// large feeds cannot multiply its memory. The rest wait their turn and
// are then read as usual.
func TestServiceReadsFewFeedsAtOnce(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	var now, most atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := now.Add(1)
		defer now.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>Feed %s</title><item><guid>%s</guid><title>x</title></item></channel></rss>`,
			r.URL.Path, r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	f := loopbackFetcher()
	f.Hosts = ingest.NewHostLimiter(32, 0) // one host, as if many: only the service limits
	svc := ingest.New(ingest.Config{Sources: db, Items: db, Fetcher: f, Concurrency: 3})

	// Four polls of followed sources and eight adds, all at once.
	var polled []int64
	for i := range 4 {
		src := &newsdesk.Source{Name: fmt.Sprint(i), FeedURL: fmt.Sprintf("%s/polled/%d", srv.URL, i)}
		if err := db.CreateSource(ctx, src); err != nil {
			t.Fatal(err)
		}
		polled = append(polled, src.ID)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for _, id := range polled {
		wg.Go(func() {
			_, err := svc.PollSource(ctx, id)
			errs <- err
		})
	}
	for i := range 8 {
		wg.Go(func() {
			_, err := svc.AddFeed(ctx, fmt.Sprintf("%s/added/%d", srv.URL, i))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n, _ := db.CountItems(ctx, 0); n != 12 {
		t.Errorf("%d items stored, want 12", n)
	}
	if got := most.Load(); got != 3 {
		t.Errorf("%d feeds read at once, want 3", got)
	}

	// A poll that waits for its turn past its deadline gives up, and
	// the source's record is left alone: it says nothing of the feed.
	block := make(chan struct{})
	var waiting atomic.Int32
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		waiting.Add(1)
		<-block
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(block) })
	for i := range 3 {
		go svc.AddFeed(ctx, fmt.Sprintf("%s/%d", slow.URL, i))
	}
	for waiting.Load() < 3 {
		time.Sleep(10 * time.Millisecond)
	}
	before, _ := db.FindSourceByID(ctx, polled[0])
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	_, err := svc.PollSource(short, polled[0])
	if newsdesk.ErrorCode(err) != newsdesk.EUNAVAILABLE || !strings.Contains(newsdesk.ErrorMessage(err), "reading other feeds") {
		t.Fatalf("waiting poll: %v (%s)", err, newsdesk.ErrorCode(err))
	}
	if after, _ := db.FindSourceByID(ctx, polled[0]); after.ErrorCount != before.ErrorCount || after.LastError != before.LastError {
		t.Fatalf("the source's record changed: %q, %d errors", after.LastError, after.ErrorCount)
	}
}
