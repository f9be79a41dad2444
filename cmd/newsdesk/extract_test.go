package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExtractPrintsOneObjectPerPage(t *testing.T) {
	dir := t.TempDir()
	page := `<!doctype html><html lang="en"><head><title>Ferry returns to Gull Island | Lakeside Gazette</title>
<meta property="og:site_name" content="Lakeside Gazette">
<meta property="article:published_time" content="2026-03-03T08:15:00Z">
<meta property="og:image" content="/img/ferry.jpg"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Ferry returns to Gull Island</h1><p class="byline">By Mara Quinn</p>
<p>The island ferry resumed its crossings on Monday after three weeks of repairs to the landing stage, the harbour board said.</p>
<p>Passengers queued from early morning, and the first sailing left on time with every seat taken.</p>
<p>Read more at <a href="https://gazette.example/timetable?utm_source=rss&id=4">the timetable</a>.</p></article>
<footer>Copyright Lakeside Gazette. All rights reserved.</footer></body></html>`
	a := filepath.Join(dir, "a.html")
	os.WriteFile(a, []byte(page), 0o600)
	out, _, msg := cli(t, "", "extract", "--url", "https://gazette.example/2026/03/ferry", a, "-")
	if msg != "" {
		t.Fatal(msg)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines for two pages:\n%s", len(lines), out)
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(lines[0]), &got); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"title", "byline", "published", "site_name", "language", "image", "text", "html"} {
		if _, ok := got[key]; !ok {
			t.Errorf("no %q key in %s", key, lines[0])
		}
	}
	if got["title"] != "Ferry returns to Gull Island" || got["published"] != "2026-03-03T08:15:00Z" ||
		got["image"] != "https://gazette.example/img/ferry.jpg" || got["language"] != "en" {
		t.Errorf("metadata: %v", got)
	}
	if !strings.Contains(got["text"], "three weeks of repairs to the landing stage, the harbour board said.\n\nPassengers queued") {
		t.Errorf("text does not keep paragraphs: %q", got["text"])
	}
	if strings.Contains(got["text"], "All rights reserved") || strings.Contains(got["text"], "Sport") {
		t.Errorf("boilerplate in text: %q", got["text"])
	}
	if strings.Contains(got["html"], "utm_source") {
		t.Errorf("tracking parameter kept: %s", got["html"])
	}

	if _, _, msg := cli(t, "", "extract", filepath.Join(dir, "missing.html")); !strings.Contains(msg, "Cannot read") {
		t.Errorf("missing file: %q", msg)
	}
}

func TestExtractExplainShowsTheChoice(t *testing.T) {
	dir := t.TempDir()
	page := `<html><head><title>Ferry returns</title></head><body>
<div class="sidebar"><p>Most read: the ten best beaches of the coast, ranked by our readers.</p></div>
<article><h1>Ferry returns</h1>
<p>The island ferry resumed its crossings on Monday after three weeks of repairs to the landing stage, the harbour board said.</p>
<p>Passengers queued from early morning, and the first sailing left on time with every seat taken.</p></article></body></html>`
	f := filepath.Join(dir, "ferry.html")
	os.WriteFile(f, []byte(page), 0o600)
	out, _, msg := cli(t, "", "extract", "--explain", f)
	if msg != "" {
		t.Fatal(msg)
	}
	for _, s := range []string{"== " + f, "candidates", "CHOSEN", "article", `names page furniture`, "three weeks of repairs"} {
		if !strings.Contains(out, s) {
			t.Errorf("--explain output lacks %q:\n%s", s, out)
		}
	}
	if strings.HasPrefix(strings.TrimSpace(out), "{") {
		t.Errorf("--explain printed JSON:\n%s", out)
	}
}
