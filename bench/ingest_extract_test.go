package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// TestIngestExtract runs the ingest-extract benchmark at a small size,
// child processes and all, so that a change that breaks extraction's
// path fails here rather than in the next benchmark run.
func TestIngestExtract(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var log bytes.Buffer
	e, err := newEnv(ctx, options{
		postgres:         os.Getenv("NEWSDESK_TEST_POSTGRES"),
		postgresExplicit: true,
		concurrency:      3,
		count:            1,
		log:              &log,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()

	rows, err := ingestExtractBenchmark(ingestParams{Feeds: 3, ItemsPerFeed: 5}).run(ctx, e)
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
		for _, metric := range []string{"items/s, extraction off", "items/s, extraction on", "child CPU time, extraction on", "peak RSS, extraction on"} {
			if r, ok := got[db+"/"+metric]; !ok || r.status != "" || r.value <= 0 {
				t.Errorf("%s %s: got %+v, want a positive figure", db, metric, r)
			}
		}
		if r := got[db+"/items/s, extraction on"]; !strings.Contains(r.notes, "15 pages") {
			t.Errorf("%s: notes %q, want 15 pages served", db, r.notes)
		}
	}
}

// The generated article pages are the size the benchmark promises, and
// newsdesk's extractor finds their story.
func TestArticleHTML(t *testing.T) {
	page := articleHTML(7, 3, "http://127.0.0.1:1")
	if n := len(page); n < 5000 || n > 10000 {
		t.Errorf("page of %d bytes, want 5-10 KB", n)
	}
	if !bytes.Contains(page, []byte("<h1 class=\"headline\">")) || !bytes.Equal(page, articleHTML(7, 3, "http://127.0.0.1:1")) {
		t.Error("pages are not generated the same way each time")
	}
}
