package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds the newsdesk command once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "newsdesk-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "newsdesk")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = &buildError{out: string(out), err: err}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

type buildError struct {
	out string
	err error
}

func (e *buildError) Error() string { return "go build: " + e.err.Error() + "\n" + e.out }

// A poll job whose process is killed with SIGKILL in the middle of the
// fetch is run again after a restart, and its work is done exactly once.
func TestJobSurvivesSIGKILL(t *testing.T) {
	for _, tc := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "newsdesk.db") }},
		{"postgres", func(t *testing.T) string { return storetest.PostgresURL(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bin := binary(t)
			dsn := tc.dsn(t)

			// The first fetch hangs until the process holding it dies;
			// later ones answer.
			var hits atomic.Int32
			firstFetch := make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if hits.Add(1) == 1 {
					close(firstFetch)
					<-r.Context().Done()
					return
				}
				w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Kiln Street Bulletin</title>
<item><guid>k1</guid><title>Pottery fair returns</title><link>https://kiln.example/1</link></item>
<item><guid>k2</guid><title>Tram line consultation</title><link>https://kiln.example/2</link></item>
</channel></rss>`))
			}))
			defer srv.Close()

			if out, err := exec.Command(bin, "sources", "add", "--no-check", "--database", dsn, srv.URL+"/feed").CombinedOutput(); err != nil {
				t.Fatalf("sources add: %v\n%s", err, out)
			}
			serve := func() *exec.Cmd {
				cmd := exec.Command(bin, "serve", "--database", dsn, "--role", "worker", "--tick", "200ms", "--job-timeout", "1s",
					"--allow-private", "127.0.0.1")
				cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				return cmd
			}

			first := serve()
			select {
			case <-firstFetch:
			case <-time.After(60 * time.Second):
				first.Process.Kill()
				t.Fatal("the poll job never fetched the feed")
			}
			if err := first.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			first.Wait()

			db, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if n, _ := db.CountItems(context.Background(), 0); n != 0 {
				t.Fatalf("%d items stored before the restart, want 0", n)
			}

			second := serve()
			defer func() {
				second.Process.Signal(syscall.SIGTERM)
				second.Wait()
			}()
			deadline := time.Now().Add(90 * time.Second)
			for {
				n, _ := db.CountItems(context.Background(), 0)
				if n == 2 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after restart: %d items, want 2", n)
				}
				time.Sleep(100 * time.Millisecond)
			}
			time.Sleep(time.Second) // room for a duplicate to show itself

			var jobs, completed, attempts int
			err = db.SQL().QueryRowContext(context.Background(), `SELECT COUNT(*),
				SUM(CASE WHEN state = 'completed' THEN 1 ELSE 0 END), MAX(attempt)
				FROM river_job WHERE kind = 'poll_source'`).Scan(&jobs, &completed, &attempts)
			if err != nil {
				t.Fatal(err)
			}
			if jobs != 1 || completed != 1 || attempts != 2 {
				t.Fatalf("poll jobs: %d, completed %d, attempts %d; want one job completed on its second attempt", jobs, completed, attempts)
			}
			if n, _ := db.CountItems(context.Background(), 0); n != 2 || hits.Load() != 2 {
				t.Fatalf("%d items from %d fetches, want 2 from 2", n, hits.Load())
			}
		})
	}
}

// Work that a killed process left half done (a poll and a page fetch
// hanging when it died, and the clustering of their items) is done within
// 30 seconds of the restart, with the default --job-timeout, and no job
// runs twice at once.
func TestStalledWorkResumesSoonAfterSIGKILL(t *testing.T) {
	for _, tc := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "newsdesk.db") }},
		{"postgres", func(t *testing.T) string { return storetest.PostgresURL(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bin := binary(t)
			dsn := tc.dsn(t)

			// The first fetch of outlet A's feed and of the page of B's
			// first item hang until the process holding them dies.
			var mu sync.Mutex
			hits := map[string]int{}
			inFlight := map[string]int{}
			var overlaps []string
			hang := map[string]chan struct{}{"/a/feed.xml": make(chan struct{}), "/b/1": make(chan struct{})}
			var srv *httptest.Server
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				path := r.URL.Path
				mu.Lock()
				hits[path]++
				first := hits[path] == 1
				if inFlight[path]++; inFlight[path] > 1 {
					overlaps = append(overlaps, path)
				}
				mu.Unlock()
				defer func() {
					mu.Lock()
					inFlight[path]--
					mu.Unlock()
				}()
				if ch := hang[path]; ch != nil && first {
					close(ch)
					<-r.Context().Done()
					return
				}
				switch path {
				case "/a/feed.xml", "/b/feed.xml":
					o := path[1:2]
					fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet %[1]s</title>
<item><guid>%[1]s1</guid><title>Outlet %[1]s reports the ferry timetable changes</title><link>%[2]s/%[1]s/1</link></item>
<item><guid>%[1]s2</guid><title>Outlet %[1]s on the harbour wall repairs</title><link>%[2]s/%[1]s/2</link></item>
</channel></rss>`, o, srv.URL)
				case "/a/1", "/a/2", "/b/1", "/b/2":
					fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>Story %[1]s</title></head><body><article><h1>Story %[1]s</h1>
<p>The harbour authority said on Monday that the ferry timetable would change from next month, with fewer crossings at night and more in the morning.</p>
<p>Residents of the island told the council that the late crossings are the only way home for shift workers, and asked for a review in the spring.</p>
</article></body></html>`, path)
				default:
					http.NotFound(w, r)
				}
			}))
			defer srv.Close()

			for _, o := range []string{"a", "b"} {
				if out, err := exec.Command(bin, "sources", "add", "--no-check", "--database", dsn, srv.URL+"/"+o+"/feed.xml").CombinedOutput(); err != nil {
					t.Fatalf("sources add: %v\n%s", err, out)
				}
			}
			serve := func() *exec.Cmd {
				cmd := exec.Command(bin, "serve", "--database", dsn, "--role", "worker",
					"--allow-private", "127.0.0.1", "--per-host", "8", "--host-delay", "0s")
				cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				return cmd
			}

			first := serve()
			for path, ch := range hang {
				select {
				case <-ch:
				case <-time.After(60 * time.Second):
					first.Process.Kill()
					t.Fatalf("%s was never fetched", path)
				}
			}
			if err := first.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			first.Wait()

			db, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			count := func(query string) int {
				var n int
				if err := db.SQL().QueryRowContext(context.Background(), query).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}

			restarted := time.Now()
			second := serve()
			defer func() {
				second.Process.Signal(syscall.SIGTERM)
				second.Wait()
			}()
			for {
				items := count("SELECT COUNT(*) FROM items")
				articles := count("SELECT COUNT(*) FROM articles WHERE error = ''")
				clustered := count("SELECT COUNT(*) FROM story_items")
				if items == 4 && articles == 4 && clustered == 4 {
					break
				}
				if time.Since(restarted) > 30*time.Second {
					t.Fatalf("30s after the restart: %d items of 4, %d articles of 4, %d clustered of 4", items, articles, clustered)
				}
				time.Sleep(100 * time.Millisecond)
			}
			t.Logf("the stalled work was done %.1fs after the restart", time.Since(restarted).Seconds())
			time.Sleep(time.Second) // room for a duplicate to show itself

			mu.Lock()
			defer mu.Unlock()
			if len(overlaps) > 0 {
				t.Fatalf("fetched twice at once: %v", overlaps)
			}
			// The hung fetches were made again, once. Work that was done
			// but whose job the killed process had not yet marked done
			// may be done again: a job runs at least once, never twice
			// at once.
			for path, want := range map[string]int{"/a/feed.xml": 2, "/b/1": 2} {
				if hits[path] != want {
					t.Errorf("%s fetched %d times, want %d", path, hits[path], want)
				}
			}
			for _, kind := range []string{"poll_source", "extract_article"} {
				if n := count("SELECT COUNT(*) FROM river_job WHERE kind = '" + kind + "' AND state <> 'completed'"); n != 0 {
					t.Errorf("%d %s jobs not completed", n, kind)
				}
			}
		})
	}
}
