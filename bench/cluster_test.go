package main

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"
)

// TestCluster runs the cluster benchmark on the first 300 articles of the
// dev set, child processes and all, so that a change that breaks it fails
// here rather than in the next benchmark run.
func TestCluster(t *testing.T) {
	if findStoriesSet() == "" {
		t.Skip("cluster benchmark test skipped: ../shared/data/stories/googlenews-dev.jsonl not found")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var log bytes.Buffer
	e, err := newEnv(ctx, options{postgres: os.Getenv("NEWSDESK_TEST_POSTGRES"), postgresExplicit: true, count: 1, log: &log})
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	rows, err := clusterBenchmark(clusterParams{Limit: 300}).run(ctx, e)
	if err != nil {
		t.Fatalf("%v\nlog:\n%s", err, log.String())
	}
	got := map[string]row{}
	for _, r := range rows {
		got[r.variant+"/"+r.metric] = r
	}
	variants := []string{"memory", "sqlite"}
	if e.postgres != "" {
		variants = append(variants, "postgres")
	}
	for _, v := range variants {
		if r := got[v+"/throughput"]; r.status != "" || r.value <= 0 {
			t.Errorf("%s throughput: %+v", v, r)
		}
		for _, m := range []string{"NMI", "B-cubed F1"} {
			if r := got[v+"/"+m]; r.value < 0.8 || r.value > 1 {
				t.Errorf("%s %s: %+v, want a score between 0.8 and 1 on 300 articles", v, m, r)
			}
		}
	}
}
