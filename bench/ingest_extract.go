package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/store"
)

// ingestExtractBenchmark measures ingest with extraction on beside the
// same ingest with it off, in the same run: a child process polls every
// feed of a loopback server once and, with extraction on, fetches and
// extracts the page of every new item, as the poll and extraction jobs do.
func ingestExtractBenchmark(p ingestParams) benchmark {
	return benchmark{
		name:    "ingest-extract",
		about:   fmt.Sprintf("poll %d loopback feeds × %d items, with and without fetching and extracting each item's page", p.Feeds, p.ItemsPerFeed),
		timeout: 8 * time.Minute,
		run: func(ctx context.Context, e *env) ([]row, error) {
			return runIngestExtract(ctx, e, p)
		},
		children: map[string]childFunc{"ingest": ingestExtractChild},
	}
}

// ingestExtractInput is what the parent sends the child.
type ingestExtractInput struct {
	DSN         string
	FeedURLs    []string
	Concurrency int
	WantItems   int
	Extract     bool
}

// ingestExtractOutput is what the child measured.
type ingestExtractOutput struct {
	Stored    int     // items stored
	Extracted int     // articles stored with text
	Failed    int     // articles stored with an error
	Seconds   float64 // wall time from the first poll to the last article (or poll)
	// PeakRSS is the child's own high-water mark (VmHWM), in bytes; zero
	// where the OS does not say. The kernel's ru_maxrss of a child that Go
	// started with vfork begins at the parent's, so it can hide the
	// child's.
	PeakRSS int64
}

func runIngestExtract(ctx context.Context, e *env, p ingestParams) ([]row, error) {
	srv, err := startPageServer(p.Feeds, p.ItemsPerFeed)
	if err != nil {
		return nil, err
	}
	defer srv.close()
	in := ingestExtractInput{Concurrency: e.concurrency, WantItems: p.Feeds * p.ItemsPerFeed}
	for n := range p.Feeds {
		in.FeedURLs = append(in.FeedURLs, srv.feedURL(n))
	}
	size := fmt.Sprintf("%d feeds × %d items, %d workers", p.Feeds, p.ItemsPerFeed, e.concurrency)

	var rows []row
	for _, db := range e.databases() {
		if db.skip != "" {
			rows = append(rows, row{benchmark: "ingest-extract", variant: db.name, metric: "all", status: db.skip})
			continue
		}
		var off, on, offCPU, onCPU, offRSS, onRSS []float64
		pages := srv.pageRequests.Load()
		for run := range e.count {
			// Off and on alternate, so that both see the same load.
			for _, extract := range []bool{false, true} {
				e.logf("ingest-extract: %s: run %d of %d: extraction %s", db.name, run+1, e.count, onOff(extract))
				in.Extract = extract
				out, usage, err := ingestExtractOnce(ctx, e, db, in)
				if err != nil {
					return rows, fmt.Errorf("%s, extraction %s: %w", db.name, onOff(extract), err)
				}
				rate, cpu, rss := float64(out.Stored)/out.Seconds, usage.CPU.Seconds(), float64(out.PeakRSS)/(1<<20)
				if extract {
					on, onCPU, onRSS = append(on, rate), append(onCPU, cpu), append(onRSS, rss)
				} else {
					off, offCPU, offRSS = append(off, rate), append(offCPU, cpu), append(offRSS, rss)
				}
			}
		}
		pages = srv.pageRequests.Load() - pages

		r := func(metric, unit string, samples []float64, notes string) {
			rows = append(rows, medianRow("ingest-extract", db.name, metric, unit, samples, notes))
		}
		r("items/s, extraction off", "items/s", off, "first poll of each feed, every item stored: "+size)
		r("items/s, extraction on", "items/s", on,
			fmt.Sprintf("stored and extracted: from the first poll until every item's article is stored; %s; %s pages of about %s KB served (all runs)",
				size, group(fmt.Sprint(pages)), fmt.Sprintf("%.1f", float64(srv.pageBytes.Load())/float64(max(srv.pageRequests.Load(), 1))/1000)))
		r("child CPU time, extraction off", "s", offCPU, "user+sys of the newsdesk process, whole run")
		r("child CPU time, extraction on", "s", onCPU, "user+sys of the newsdesk process, whole run")
		if !slices.Contains(offRSS, 0) && !slices.Contains(onRSS, 0) {
			r("peak RSS, extraction off", "MiB", offRSS, "VmHWM of the newsdesk process, whole run; the page server runs in another process")
			r("peak RSS, extraction on", "MiB", onRSS, "VmHWM of the newsdesk process, whole run; the page server runs in another process")
		}
	}
	return rows, nil
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// ingestExtractOnce runs the child once on a fresh database.
func ingestExtractOnce(ctx context.Context, e *env, db database, in ingestExtractInput) (ingestExtractOutput, childUsage, error) {
	var out ingestExtractOutput
	dsn, drop, err := db.create(ctx)
	if err != nil {
		return out, childUsage{}, err
	}
	defer drop()
	in.DSN = dsn
	usage, err := e.runChild(ctx, "ingest-extract", "ingest", in, &out)
	return out, usage, err
}

// ingestExtractChild is the measured part: newsdesk's store, ingest
// service and page extractor. Pollers hand each poll's new items to
// extraction workers, as a poll job queues extraction jobs; the job
// queue's own overhead is not part of it.
func ingestExtractChild(ctx context.Context, raw json.RawMessage) (any, error) {
	var in ingestExtractInput
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, in.DSN)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	ids := make([]int64, len(in.FeedURLs))
	for i, u := range in.FeedURLs {
		src := &newsdesk.Source{Name: fmt.Sprintf("Bench Outlet %03d", i), FeedURL: u}
		if err := db.CreateSource(ctx, src); err != nil {
			return nil, fmt.Errorf("create source %s: %w", u, err)
		}
		ids[i] = src.ID
	}
	fetcher := benchFetcher(in.Concurrency)
	svc := ingest.New(ingest.Config{Sources: db, Items: db, Fetcher: fetcher})
	articles := ingest.NewArticles(ingest.ArticlesConfig{Items: db, Articles: db, Fetcher: fetcher})

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	polls := make(chan int64)
	pages := make(chan int64, 1024)
	var stored, extracted, failed atomic.Int64
	var pollers, extractors sync.WaitGroup
	start := time.Now()
	for range max(in.Concurrency, 1) {
		pollers.Go(func() {
			for id := range polls {
				n, err := svc.PollSource(ctx, id)
				if err != nil {
					cancel(fmt.Errorf("poll source %d: %w", id, err))
					return
				}
				stored.Add(int64(n))
				if !in.Extract || n == 0 {
					continue
				}
				todo, err := db.ItemsToExtract(ctx, store.ExtractFilter{SourceID: id, Limit: 500})
				if err != nil {
					cancel(err)
					return
				}
				for _, item := range todo {
					select {
					case pages <- item:
					case <-ctx.Done():
						return
					}
				}
			}
		})
		if in.Extract {
			extractors.Go(func() {
				for item := range pages {
					a, err := articles.ExtractItem(ctx, item, true)
					if err != nil {
						cancel(fmt.Errorf("extract item %d: %w", item, err))
						return
					}
					if a.Error != "" {
						failed.Add(1)
					} else {
						extracted.Add(1)
					}
				}
			})
		}
	}
send:
	for _, id := range ids {
		select {
		case polls <- id:
		case <-ctx.Done():
			break send
		}
	}
	close(polls)
	pollers.Wait()
	close(pages)
	extractors.Wait()
	took := time.Since(start)
	if ctx.Err() != nil {
		return nil, context.Cause(ctx)
	}

	out := ingestExtractOutput{Stored: int(stored.Load()), Extracted: int(extracted.Load()), Failed: int(failed.Load()),
		Seconds: took.Seconds(), PeakRSS: ownPeakRSS()}
	count, err := db.CountItems(ctx, 0)
	if err != nil {
		return nil, err
	}
	if out.Stored != in.WantItems || count != in.WantItems {
		return nil, fmt.Errorf("stored %d items and the database holds %d; want %d", out.Stored, count, in.WantItems)
	}
	if in.Extract {
		left, err := db.ItemsToExtract(ctx, store.ExtractFilter{Limit: 1})
		if err != nil {
			return nil, err
		}
		if out.Extracted != in.WantItems || len(left) != 0 {
			return nil, fmt.Errorf("extracted %d articles (%d failed, %d items left); want %d", out.Extracted, out.Failed, len(left), in.WantItems)
		}
	}
	return out, nil
}

// pageServer serves the feeds of feedServer, with each item linking to
// an article page on the same server, and a robots.txt. Pages are
// rendered on request (about 20 µs each) rather than held: the harness
// process's memory would otherwise show in the child's peak RSS, since a
// child's ru_maxrss starts from its parent's when Go starts it with vfork.
type pageServer struct {
	url   string
	srv   *http.Server
	feeds [][]byte
	items int // per feed

	pageRequests atomic.Int64
	pageBytes    atomic.Int64
}

// startPageServer renders feeds × itemsPerFeed items and their pages and
// serves them on a free loopback port until close.
func startPageServer(feeds, itemsPerFeed int) (*pageServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on loopback: %w", err)
	}
	s := &pageServer{url: "http://" + ln.Addr().String(), items: itemsPerFeed}
	for n := range feeds {
		// The generated feeds link to outletNNN.example; here those links
		// lead to this server.
		site := fmt.Sprintf("https://outlet%03d.example", n)
		local := fmt.Sprintf("%s/outlet%03d", s.url, n)
		s.feeds = append(s.feeds, bytes.ReplaceAll(rssFeed(n, itemsPerFeed), []byte(site), []byte(local)))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /feed/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		if _, err := fmt.Sscanf(r.PathValue("n"), "%d.xml", &n); err != nil || n < 0 || n >= len(s.feeds) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Write(s.feeds[n])
	})
	mux.HandleFunc("GET /robots.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "User-agent: *\nDisallow: /search\nDisallow: /*?share=\n\nUser-agent: GPTBot\nDisallow: /\n\nSitemap: "+s.url+"/sitemap.xml\n")
	})
	mux.HandleFunc("GET /{outlet}/{y}/{m}/{d}/{story}", func(w http.ResponseWriter, r *http.Request) {
		var n, i int
		_, err1 := fmt.Sscanf(r.PathValue("outlet"), "outlet%d", &n)
		_, err2 := fmt.Sscanf(r.PathValue("story"), "story-%d", &i)
		if err1 != nil || err2 != nil || n < 0 || n >= len(s.feeds) || i < 0 || i >= s.items {
			http.NotFound(w, r)
			return
		}
		page := articleHTML(n, i, s.url)
		s.pageRequests.Add(1)
		s.pageBytes.Add(int64(len(page)))
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln)
	return s, nil
}

func (s *pageServer) feedURL(n int) string { return fmt.Sprintf("%s/feed/%d.xml", s.url, n) }

func (s *pageServer) close() { s.srv.Close() }

// articleHTML returns the page of item i of feed n, of about 7 KB: an
// outlet's article page, with the head's metadata, a header and
// navigation, the story's eight to twelve paragraphs with a figure and a
// pull quote, share links, a list of related stories, a newsletter box,
// a footer and scripts: what extraction keeps and what it must strip.
func articleHTML(n, i int, base string) []byte {
	rng := newRand(n, i)
	title := sentence(rng, 6+rng.IntN(6))
	author := capitalize(words[rng.IntN(len(words))]) + " Reporter"
	published := feedEpoch.Add(-time.Duration(n+i*37) * time.Minute)
	site := fmt.Sprintf("%s/outlet%03d", base, n)
	var b strings.Builder
	fmt.Fprintf(&b, `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%[1]s | Bench Outlet %03[2]d</title>
<meta name="description" content="%[3]s.">
<meta name="author" content="%[4]s">
<meta property="og:type" content="article">
<meta property="og:title" content="%[1]s">
<meta property="og:site_name" content="Bench Outlet %03[2]d">
<meta property="og:image" content="%[5]s/images/story-%[6]d.jpg">
<meta property="article:published_time" content="%[7]s">
<link rel="stylesheet" href="%[5]s/static/site.css">
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag("js",new Date());gtag("config","G-BENCH");</script>
</head><body class="article-page">
<header class="masthead"><a class="logo" href="%[5]s/">Bench Outlet %03[2]d</a>
<nav class="sections"><ul><li><a href="%[5]s/news">News</a></li><li><a href="%[5]s/politics">Politics</a></li><li><a href="%[5]s/business">Business</a></li><li><a href="%[5]s/sport">Sport</a></li><li><a href="%[5]s/culture">Culture</a></li><li><a href="%[5]s/opinion">Opinion</a></li></ul></nav>
<form class="search" action="%[5]s/search"><input name="q" placeholder="Search"><button>Search</button></form></header>
<main><article class="story">
<h1 class="headline">%[1]s</h1>
<p class="byline">By <a rel="author" href="%[5]s/staff/%[6]d">%[4]s</a> · <time datetime="%[7]s">%[8]s</time></p>
`, title, n, sentence(rng, 16), author, site, i, published.Format(time.RFC3339), published.Format("2 January 2006"))
	paragraphs := 8 + rng.IntN(5)
	for p := range paragraphs {
		b.WriteString("<p>")
		for range 3 + rng.IntN(3) {
			b.WriteString(sentence(rng, 8+rng.IntN(10)) + ". ")
		}
		b.WriteString("</p>\n")
		switch p {
		case 2:
			fmt.Fprintf(&b, `<figure><img src="%s/images/story-%d.jpg" alt="%s" width="800" height="450"><figcaption>%s. Photo: Staff</figcaption></figure>`+"\n",
				site, i, sentence(rng, 5), sentence(rng, 9))
		case 5:
			fmt.Fprintf(&b, "<blockquote><p>“%s,” said the %s.</p></blockquote>\n", sentence(rng, 14), words[rng.IntN(len(words))])
		}
	}
	b.WriteString(`</article>
<aside class="share"><a href="https://social.example/share?u=story">Share</a> <a href="mailto:?subject=story">Email</a> <a href="?share=print">Print</a></aside>
<aside class="related"><h2>More from Bench Outlet</h2><ul>`)
	for k := range 5 {
		fmt.Fprintf(&b, `<li><a href="%s/%s/story-%d">%s</a></li>`, site, feedEpoch.Format("2006/01/02"), (i+k+1)%50, sentence(rng, 7))
	}
	fmt.Fprintf(&b, `</ul></aside>
<section class="newsletter"><h2>Get the morning briefing</h2><form action="%[1]s/subscribe" method="post"><input type="email" name="email" placeholder="you@example.com"><button>Sign up</button></form></section>
</main>
<footer><nav><a href="%[1]s/about">About us</a> <a href="%[1]s/contact">Contact</a> <a href="%[1]s/privacy">Privacy</a> <a href="%[1]s/terms">Terms</a></nav>
<p>© 2025 Bench Outlet. All rights reserved.</p></footer>
<script src="%[1]s/static/app.js" defer></script>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"%[2]s","datePublished":"%[3]s","author":{"@type":"Person","name":"%[4]s"}}</script>
</body></html>
`, site, title, published.Format(time.RFC3339), author)
	return []byte(b.String())
}
