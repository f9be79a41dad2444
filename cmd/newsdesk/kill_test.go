package main

import (
	"context"
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
