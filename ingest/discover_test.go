package ingest

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestFeedLinks(t *testing.T) {
	for _, tc := range []struct {
		name, page string
		want       []string
	}{
		{"rss, relative", `<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head></html>`,
			[]string{"https://site.example/feed.xml"}},
		{"relative to the page's folder", `<link rel="alternate" type="application/atom+xml" href="atom.xml">`,
			[]string{"https://site.example/blog/atom.xml"}},
		{"json feed, absolute", `<link rel=alternate type="application/feed+json" href="https://cdn.example/f.json">`,
			[]string{"https://cdn.example/f.json"}},
		{"document order, repeats dropped", `<head>
			<link rel="alternate" type="application/rss+xml" title="Posts" href="/posts.rss">
			<link rel="alternate" type="application/atom+xml" title="Comments" href="/comments.atom">
			<link rel="alternate" type="application/rss+xml" href="https://site.example/posts.rss">`,
			[]string{"https://site.example/posts.rss", "https://site.example/comments.atom"}},
		{"case and parameters", `<LINK REL="Alternate Feed" TYPE="Application/RSS+XML; charset=utf-8" HREF="/x">`,
			[]string{"https://site.example/x"}},
		{"base href", `<head><base href="https://static.example/news/"><link rel="alternate" type="application/rss+xml" href="rss"></head>`,
			[]string{"https://static.example/news/rss"}},
		{"only the first base counts", `<base href="/a/"><base href="/b/"><link rel="alternate" type="application/rss+xml" href="rss">`,
			[]string{"https://site.example/a/rss"}},
		{"not feeds", `<link rel="stylesheet" type="text/css" href="/s.css">
			<link rel="alternate" hreflang="fr" type="text/html" href="/fr/">
			<link rel="alternate" href="/untyped">
			<link rel="feed" type="application/rss+xml" href="/not-alternate">
			<a rel="alternate" type="application/rss+xml" href="/anchor">`, nil},
		{"unsafe and empty hrefs", `<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
			<link rel="alternate" type="application/rss+xml" href="">
			<link rel="alternate" type="application/rss+xml">
			<link rel="alternate" type="application/rss+xml" href="data:text/xml,<rss/>">`, nil},
		{"inside a comment or script", `<!-- <link rel="alternate" type="application/rss+xml" href="/c"> -->
			<script>document.write('<link rel="alternate" type="application/rss+xml" href="/s">')</script>`, nil},
		{"no page", ``, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := FeedLinks([]byte(tc.page), mustURL(t, "https://site.example/blog/index.html"))
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// A page cannot make discovery try without end.
func TestFeedLinksBounded(t *testing.T) {
	page := strings.Repeat(`<link rel="alternate" type="application/rss+xml" href="/f?`, 1) +
		strings.Repeat(`x`, 10) + `">`
	for i := range 1000 {
		page += `<link rel="alternate" type="application/rss+xml" href="/f` + strings.Repeat("a", i%50) + `/` + string(rune('a'+i%26)) + `">`
	}
	if got := FeedLinks([]byte(page), mustURL(t, "https://site.example/")); len(got) != maxFeedLinks {
		t.Fatalf("%d links, want %d", len(got), maxFeedLinks)
	}
}

// FuzzFeedLinks: any page, however broken, yields only absolute http(s)
// addresses, a bounded number of them, and never panics.
func FuzzFeedLinks(f *testing.F) {
	f.Add([]byte(`<html><head><base href="/b/"><link rel="alternate" type="application/rss+xml" href="feed"></head></html>`))
	f.Add([]byte(`<link rel="alternate feed" type="application/feed+json; charset=utf-8" href="//cdn.example/f.json">`))
	f.Add([]byte(`<link rel=alternate type=application/atom+xml href=javascript:x><base href=data:x>`))
	f.Add([]byte(`<svg><link rel="alternate" type="application/rss+xml" href="/svg"></svg><template><link rel="alternate" type="application/rss+xml" href="/t"></template>`))
	base, _ := url.Parse("https://fuzz.example/dir/page")
	f.Fuzz(func(t *testing.T, page []byte) {
		links := FeedLinks(page, base)
		if len(links) > maxFeedLinks {
			t.Fatalf("%d links", len(links))
		}
		for _, l := range links {
			u, err := url.Parse(l)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Fatalf("link %q", l)
			}
		}
	})
}
