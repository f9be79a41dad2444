package main

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/ingest"
)

// TestMain lets the test binary serve as the child process that
// env.runChild starts, as the bench binary does.
func TestMain(m *testing.M) {
	if isChild(os.Args[1:]) {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestIngest runs the ingest benchmark at a small size, child process and
// all, so that a change that breaks the harness or the ingest path fails
// here rather than in the next person's benchmark run.
func TestIngest(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var log bytes.Buffer
	// PostgreSQL runs too when the store's tests would.
	e, err := newEnv(ctx, options{
		postgres:         os.Getenv("NEWSDESK_TEST_POSTGRES"),
		postgresExplicit: true,
		concurrency:      3,
		count:            2,
		log:              &log,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()

	rows, err := ingestBenchmark(ingestParams{Feeds: 5, ItemsPerFeed: 10}).run(ctx, e)
	if err != nil {
		t.Fatalf("%v\nlog:\n%s", err, log.String())
	}
	got := map[string]row{}
	for _, r := range rows {
		got[r.variant+"/"+r.metric] = r
	}
	for _, db := range []string{"sqlite", "postgres"} {
		if db == "postgres" && e.postgres == "" {
			if r := got["postgres/all"]; !strings.HasPrefix(r.status, "skipped") {
				t.Errorf("postgres without a server: got %+v, want a skipped row", r)
			}
			continue
		}
		for _, metric := range []string{"items stored/s", "first-poll wall time", "re-poll (no new items)", "child CPU time", "peak RSS"} {
			r, ok := got[db+"/"+metric]
			if !ok || r.status != "" || r.value <= 0 {
				t.Errorf("%s %s: got %+v, want a positive figure", db, metric, r)
			}
		}
		if r := got[db+"/first-poll wall time"]; !strings.Contains(r.notes, "50 items stored") {
			t.Errorf("%s: first pass notes %q, want 50 items stored", db, r.notes)
		}
	}

	var table bytes.Buffer
	if err := writeReport(&table, describeMachine(ctx, e, time.Now()), rows); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + table.String())
	for _, want := range []string{"Machine: ", "| benchmark | variant | metric | value | unit | notes |", "| ingest | sqlite | items stored/s | "} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
}

// TestFeeds checks the generated feeds are what the ingest benchmark
// counts on: every item parses, with a GUID of its own and a description
// of about 500 bytes.
func TestFeeds(t *testing.T) {
	base, _ := url.Parse("http://127.0.0.1/feed/0.xml")
	guids := map[string]bool{}
	for n := range 3 {
		body := rssFeed(n, 20)
		if !bytes.Equal(body, rssFeed(n, 20)) {
			t.Fatalf("feed %d differs between two generations", n)
		}
		f, err := ingest.Parse(body, base)
		if err != nil {
			t.Fatalf("feed %d: %v", n, err)
		}
		if len(f.Items) != 20 {
			t.Fatalf("feed %d: %d items, want 20", n, len(f.Items))
		}
		for _, it := range f.Items {
			if guids[it.GUID] {
				t.Errorf("GUID %q repeats", it.GUID)
			}
			guids[it.GUID] = true
			if it.PublishedAt == nil || it.Title == "" || it.URL == "" {
				t.Errorf("item %s lacks a date, title or link: %+v", it.GUID, it)
			}
		}
	}
	rng := newRand(1, 2)
	if d := description(rng, "https://outlet001.example/story-2"); len(d) < 450 || len(d) > 650 {
		t.Errorf("description is %d bytes, want about 500:\n%s", len(d), d)
	}
}

// TestHostile runs the hostile benchmark on two of its feeds, child
// processes and all: each is measured alone and eight at once, and comes
// to what newsdesk promises (refused, or read in part and noted).
func TestHostile(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var log bytes.Buffer
	e, err := newEnv(ctx, options{count: 1, log: &log})
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	var feeds []hostileFeed
	for _, f := range hostileFeeds() {
		if f.name == "deep" || f.name == "100k-items" {
			feeds = append(feeds, f)
		}
	}
	rows, err := hostileBenchmark(feeds).run(ctx, e)
	if err != nil {
		t.Fatalf("%v\nlog:\n%s", err, log.String())
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4: %+v", len(rows), rows)
	}
	for _, r := range rows {
		if r.status == "not measured on this OS" {
			continue
		}
		want := map[string]string{"deep": "refused: The feed nests elements more than", "100k-items": "1000 items stored, note: The feed lists more than 1000 items"}[r.variant]
		if r.status != "" || r.value <= 0 || !strings.Contains(r.notes, want) {
			t.Errorf("%s %s: %+v, want a positive figure and %q", r.variant, r.metric, r, want)
		}
	}
}
