// Package demo makes `newsdesk serve --demo` show a populated site within
// seconds and with no internet: it serves four fictional outlets' feeds and
// article pages on loopback, follows them, and publishes a few posts that
// credit their stories.
//
// The outlets cover some of the same events in their own words, and carry
// some of the same wire copy almost word for word, so that story clustering
// and near-duplicate detection have something to find. The text lives in
// content/ (see its README); dates are stored as ages and turned into
// times when the server starts, so the demo always looks fresh.
package demo

import (
	"cmp"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

//go:embed content/*.txt
var content embed.FS

// The feed formats the outlets use, one each.
const (
	formatRSSContent   = "rss-content"   // RSS 2.0 with content:encoded and dc:creator
	formatAtom         = "atom"          // Atom 1.0
	formatJSONFeed     = "jsonfeed"      // JSON Feed 1.1
	formatRSSEnclosure = "rss-enclosure" // RSS 2.0, plain descriptions, enclosures
)

// outlet is one fictional outlet as written in content/.
type outlet struct {
	Name     string
	Format   string
	Dir      string // its directory on the fixture server
	Feed     string // its feed's file name in Dir
	Tag      string // the authority of its items' tag: URIs
	Tagline  string
	Sections []string
	Articles []*article // as written: oldest first
}

// article is one story of an outlet: an item in its feed and a page.
type article struct {
	Slug    string
	Title   string
	Author  string
	Section string
	Summary string
	Age     time.Duration // how long before the server started it appeared
	Body    []string      // paragraphs of plain text
}

// guid is the article's stable identifier in its outlet's feed. It does
// not depend on the server's address, so a restart on another port is
// recognised as the same item.
func (o *outlet) guid(a *article) string {
	return "tag:" + o.Tag + ",2020:" + a.Slug
}

// block is one "=== name" section of a content file, or the file's header
// (with no name): key: value fields, then paragraphs.
type block struct {
	name   string
	line   int
	fields map[string]string
	body   []string
}

// parseBlocks splits a content file into its header and its blocks.
func parseBlocks(text string) (head block, blocks []block, err error) {
	cur := &head
	cur.fields = map[string]string{}
	inBody := false
	var para []string
	flush := func() {
		if len(para) > 0 {
			cur.body = append(cur.body, strings.Join(para, " "))
			para = nil
		}
	}
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimRight(line, " \t")
		if name, ok := strings.CutPrefix(line, "=== "); ok {
			flush()
			if cur != &head {
				blocks = append(blocks, *cur)
			}
			cur = &block{name: strings.TrimSpace(name), line: i + 1, fields: map[string]string{}}
			inBody = false
			continue
		}
		switch {
		case line == "":
			if len(cur.fields) > 0 {
				inBody = true
			}
			flush()
		case !inBody:
			key, value, ok := strings.Cut(line, ":")
			if !ok {
				return head, nil, fmt.Errorf("line %d: want key: value, have %q", i+1, line)
			}
			key = strings.TrimSpace(key)
			if _, dup := cur.fields[key]; dup {
				return head, nil, fmt.Errorf("line %d: %s given twice", i+1, key)
			}
			cur.fields[key] = strings.TrimSpace(value)
		default:
			para = append(para, strings.TrimSpace(line))
		}
	}
	flush()
	if cur != &head {
		blocks = append(blocks, *cur)
	}
	return head, blocks, nil
}

// need returns the named fields, failing if one is missing or empty or if
// the block has a field not named (a typo would otherwise go unnoticed).
func (b *block) need(keys ...string) ([]string, error) {
	out := make([]string, len(keys))
	for i, k := range keys {
		if out[i] = b.fields[k]; out[i] == "" {
			return nil, fmt.Errorf("line %d: %q needs %s", b.line, b.name, k)
		}
	}
	for k := range b.fields {
		if !slices.Contains(keys, k) {
			return nil, fmt.Errorf("line %d: %q has unknown field %s", b.line, b.name, k)
		}
	}
	return out, nil
}

// parseAge reads an age such as "19d6h", "36h" or "45m".
func parseAge(s string) (time.Duration, error) {
	var days time.Duration
	if d, rest, ok := strings.Cut(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil {
			return 0, fmt.Errorf("age %q: %w", s, err)
		}
		days, s = time.Duration(n)*24*time.Hour, rest
	}
	var rest time.Duration
	if s != "" {
		var err error
		if rest, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("age %q: %w", s, err)
		}
	}
	if days+rest <= 0 {
		return 0, fmt.Errorf("age %q: must be in the past", s)
	}
	return days + rest, nil
}

// loadOutlets reads every outlet in content/, in file-name order.
func loadOutlets() ([]*outlet, error) {
	names, err := fs.Glob(content, "content/*.txt")
	if err != nil {
		return nil, err
	}
	var out []*outlet
	for _, name := range names {
		if path.Base(name) == "posts.txt" {
			continue
		}
		o, err := parseOutlet(name)
		if err != nil {
			return nil, fmt.Errorf("demo content %s: %w", name, err)
		}
		out = append(out, o)
	}
	return out, nil
}

func parseOutlet(name string) (*outlet, error) {
	data, err := content.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return parseOutletText(string(data))
}

func parseOutletText(text string) (*outlet, error) {
	head, blocks, err := parseBlocks(text)
	if err != nil {
		return nil, err
	}
	head.name = "header"
	f, err := head.need("name", "format", "dir", "feed", "tag", "tagline", "sections")
	if err != nil {
		return nil, err
	}
	o := &outlet{Name: f[0], Format: f[1], Dir: f[2], Feed: f[3], Tag: f[4], Tagline: f[5]}
	for s := range strings.SplitSeq(f[6], ",") {
		o.Sections = append(o.Sections, strings.TrimSpace(s))
	}
	switch o.Format {
	case formatRSSContent, formatAtom, formatJSONFeed, formatRSSEnclosure:
	default:
		return nil, fmt.Errorf("unknown format %q", o.Format)
	}
	seen := map[string]bool{}
	for _, b := range blocks {
		f, err := b.need("title", "author", "age", "section", "summary")
		if err != nil {
			return nil, err
		}
		age, err := parseAge(f[2])
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", b.line, err)
		}
		if seen[b.name] {
			return nil, fmt.Errorf("line %d: slug %q used twice", b.line, b.name)
		}
		seen[b.name] = true
		if len(b.body) == 0 {
			return nil, fmt.Errorf("line %d: %q has no text", b.line, b.name)
		}
		o.Articles = append(o.Articles, &article{
			Slug: b.name, Title: f[0], Author: f[1], Age: age, Section: f[3], Summary: f[4], Body: b.body,
		})
	}
	return o, nil
}

// PostSeed is a post the demo publishes: newsdesk's own headline and
// summary of one outlet's item, credited to that outlet.
type PostSeed struct {
	Outlet   string // the outlet's name, as in Server.Outlets
	GUID     string // the item's GUID in that outlet's feed
	Headline string
	Summary  string        // plain text; blank lines separate paragraphs
	Tags     string        // comma-separated, as an editor types them
	Age      time.Duration // how long ago it was published
}

// Posts returns the demo's seed posts, oldest first.
func Posts() []PostSeed {
	seeds, err := loadPosts()
	if err != nil {
		// The content is compiled in and checked by the tests: failing here
		// is a bug in this package, not something a caller can handle.
		panic(err)
	}
	return seeds
}

func loadPosts() ([]PostSeed, error) {
	data, err := content.ReadFile("content/posts.txt")
	if err != nil {
		return nil, err
	}
	head, blocks, err := parseBlocks(string(data))
	if err != nil {
		return nil, fmt.Errorf("demo content posts.txt: %w", err)
	}
	if len(head.fields) > 0 || len(head.body) > 0 {
		return nil, fmt.Errorf("demo content posts.txt: text before the first post")
	}
	var out []PostSeed
	for _, b := range blocks {
		f, err := b.need("outlet", "guid", "age", "headline", "tags")
		if err != nil {
			return nil, fmt.Errorf("demo content posts.txt: %w", err)
		}
		age, err := parseAge(f[2])
		if err != nil {
			return nil, fmt.Errorf("demo content posts.txt line %d: %w", b.line, err)
		}
		out = append(out, PostSeed{
			Outlet: f[0], GUID: f[1], Headline: f[3], Summary: strings.Join(b.body, "\n\n"), Tags: f[4], Age: age,
		})
	}
	slices.SortStableFunc(out, func(a, b PostSeed) int { return cmp.Compare(b.Age, a.Age) })
	return out, nil
}
