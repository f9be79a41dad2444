package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// Two worker processes on one PostgreSQL database share the polling: each
// due source is fetched exactly once, by one of them, and never by both
// at the same time.
func TestTwoWorkersPollEachSourceOnce(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	bin := binary(t)
	const sources = 20

	var mu sync.Mutex
	hits := map[string]int{}
	inFlight := map[string]int{}
	var overlaps []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		inFlight[r.URL.Path]++
		if inFlight[r.URL.Path] > 1 {
			overlaps = append(overlaps, r.URL.Path)
		}
		mu.Unlock()
		time.Sleep(100 * time.Millisecond) // a window in which a second fetch would overlap
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet %s</title>
<item><guid>a</guid><title>First</title><link>https://outlet.example%s/a</link></item>
<item><guid>b</guid><title>Second</title><link>https://outlet.example%s/b</link></item>
</channel></rss>`, r.URL.Path, r.URL.Path, r.URL.Path)
		mu.Lock()
		inFlight[r.URL.Path]--
		mu.Unlock()
	}))
	defer srv.Close()

	ctx := context.Background()
	db, err := openDB(ctx, dsn) // newsdesk's tables and the queue's
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := range sources {
		s := &newsdesk.Source{Name: fmt.Sprint("Outlet ", i), FeedURL: fmt.Sprintf("%s/feed/%d", srv.URL, i)}
		if err := db.CreateSource(ctx, s); err != nil {
			t.Fatal(err)
		}
	}

	var procs []*exec.Cmd
	for range 2 {
		cmd := exec.Command(bin, "serve", "--database", dsn, "--role", "worker", "--tick", "200ms",
			"--workers", "8", "--allow-private", "127.0.0.1", "--per-host", "8", "--host-delay", "0s")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs = append(procs, cmd)
	}
	defer func() {
		for _, p := range procs {
			p.Process.Signal(syscall.SIGTERM)
			p.Wait()
		}
	}()

	deadline := time.Now().Add(90 * time.Second)
	for {
		n, _ := db.CountItems(ctx, 0)
		if n == 2*sources {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d items, want %d", n, 2*sources)
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // several ticks of both schedulers: room for a second fetch to show itself

	mu.Lock()
	defer mu.Unlock()
	if len(overlaps) > 0 {
		t.Fatalf("fetched concurrently: %v", overlaps)
	}
	var wrong []string
	for i := range sources {
		path := fmt.Sprintf("/feed/%d", i)
		if hits[path] != 1 {
			wrong = append(wrong, fmt.Sprintf("%s fetched %d times", path, hits[path]))
		}
	}
	if len(wrong) > 0 {
		t.Fatal(strings.Join(wrong, "; "))
	}
	all, _ := db.FindSources(ctx)
	for _, s := range all {
		if s.Status != newsdesk.SourceOK {
			t.Fatalf("source %d: %s %s", s.ID, s.Status, s.LastError)
		}
	}
}
