package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// TestSearch runs the search benchmark at a small size, so that a change
// that breaks it or the search path fails here.
func TestSearch(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var log bytes.Buffer
	e, err := newEnv(ctx, options{postgres: os.Getenv("NEWSDESK_TEST_POSTGRES"), postgresExplicit: true, count: 1, log: &log})
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	rows, err := searchBenchmark(searchParams{Articles: 2000, Queries: 40, Batch: 500}).run(ctx, e)
	if err != nil {
		t.Fatalf("%v\nlog:\n%s", err, log.String())
	}
	got := map[string]row{}
	for _, r := range rows {
		got[r.variant+"/"+r.metric] = r
	}
	for _, db := range []string{"sqlite", "postgres"} {
		if db == "postgres" && e.postgres == "" {
			continue
		}
		for _, metric := range []string{"indexing", "search p50", "search p95", "search CPU (mean)"} {
			if r, ok := got[db+"/"+metric]; !ok || r.status != "" || r.value <= 0 {
				t.Errorf("%s %s: got %+v, want a positive figure", db, metric, r)
			}
		}
		// Every search is for words of a headline, so finds something.
		if r := got[db+"/search p95"]; !strings.Contains(r.notes, "; 0 found nothing") {
			t.Errorf("%s: notes %q, want every search to find something", db, r.notes)
		}
	}
}

// TestCorpus checks that the generated text is the same every run and
// has the lengths the benchmark reports.
func TestCorpus(t *testing.T) {
	a, b := newCorpus(1).articles(2), newCorpus(1).articles(2)
	for range 50 {
		t1, b1, n := a()
		t2, b2, _ := b()
		if t1 != t2 || b1 != b2 {
			t.Fatal("two generations differ")
		}
		if words := len(strings.Fields(t1)) + len(strings.Fields(b1)); words != n || n < 105 || n > 312 {
			t.Fatalf("article of %d words (reported %d), want 105 to 312", words, n)
		}
	}
}
