package main

import (
	"context"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/cluster"
	"github.com/newsdesk/newsdesk/related"
)

// cmdCluster groups a stream of articles into stories offline, as the
// workers do live: for backfilling an archive and for the benchmarks.
func cmdCluster(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("cluster", "cluster < articles.jsonl",
		`Reads JSON Lines on standard input, one article a line:
  {"id": "...", "title": "...", "text": "...", "published": "RFC 3339"}
("published" is optional), processes them in order as a live stream, and
writes each line back with a "story" field: the id of the story the article
joined when it arrived. Other fields are kept as they were.`)
	threshold := fs.Float64("threshold", 0, "least similarity for an article to join a story (0: the default, 0.1)")
	window := fs.Duration("window", 0, "how far an article's time may lie outside a story's span (0: the default, 72h)")
	pos, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		fs.Usage()
		return newsdesk.Errorf(newsdesk.EINVALID, "cluster reads standard input and takes no arguments.")
	}
	if err := cluster.ClusterJSONL(e.stdin, e.stdout, cluster.Options{Threshold: *threshold, Window: *window}); err != nil {
		return newsdesk.WrapError(newsdesk.EINVALID, err, "cluster: %v", err)
	}
	return ctx.Err()
}

// cmdRelated ranks, for each of a set of documents, the others most
// related to it.
func cmdRelated(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("related", "related [--k 10] < documents.jsonl",
		`Reads JSON Lines on standard input, one document a line:
  {"id": "...", "title": "...", "text": "...", "tags": ["..."]}
("tags" is optional), and writes for each, in input order,
  {"id": "...", "related": [ids, best first]}
with at most k ids. Near-identical copies of a document are left out.`)
	k := fs.Int("k", 10, "how many related documents to list for each")
	pos, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		fs.Usage()
		return newsdesk.Errorf(newsdesk.EINVALID, "related reads standard input and takes no arguments.")
	}
	if *k < 1 {
		return newsdesk.Errorf(newsdesk.EINVALID, "--k must be at least 1.")
	}
	if err := related.RelatedJSONL(e.stdin, e.stdout, *k, related.Options{}); err != nil {
		return newsdesk.WrapError(newsdesk.EINVALID, err, "related: %v", err)
	}
	return ctx.Err()
}
