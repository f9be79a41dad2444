package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"html"
	"html/template"
	"slices"
	"strings"

	"github.com/newsdesk/newsdesk"
)

var _ newsdesk.SearchService = (*DB)(nil)

// Search finds articles and posts whose text matches q, best first. The
// query is parsed once in Go (newsdesk.ParseSearch) and rendered for the
// database: an FTS5 MATCH expression ranked by bm25 on SQLite, a tsquery
// ranked by ts_rank_cd on PostgreSQL. Titles and headlines weigh more
// than the text. It returns EINVALID for a query with nothing to search
// for.
func (d *DB) Search(ctx context.Context, q newsdesk.SearchQuery) (*newsdesk.SearchResults, error) {
	parsed, err := newsdesk.ParseSearch(q.Text)
	if err != nil {
		return nil, err
	}
	switch q.Kind {
	case "":
		q.Kind = newsdesk.SearchAll
	case newsdesk.SearchAll, newsdesk.SearchArticles, newsdesk.SearchPosts:
	default:
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "Search in articles, posts or all, not %q.", q.Kind)
	}
	if q.Limit <= 0 {
		q.Limit = 20
	}
	q.Limit = min(q.Limit, newsdesk.MaxSearchLimit)
	if q.Offset < 0 || q.Offset > newsdesk.MaxSearchOffset {
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "Results can be paged through up to the %d first only.", newsdesk.MaxSearchOffset)
	}
	s := searcher{d: d, q: q, match: d.matchExpr(parsed)}

	var refs []searchRef
	// One page more than asked says whether there is a next page.
	want := q.Limit + 1
	single := q.Kind != newsdesk.SearchAll
	offset := 0
	if single {
		offset = q.Offset
	} else {
		want += q.Offset
	}
	if q.Kind != newsdesk.SearchPosts && q.Tag == "" {
		r, err := s.rankItems(ctx, want, offset)
		if err != nil {
			return nil, fmt.Errorf("search articles: %w", err)
		}
		refs = append(refs, r...)
	}
	if q.Kind != newsdesk.SearchArticles {
		r, err := s.rankPosts(ctx, want, offset)
		if err != nil {
			return nil, fmt.Errorf("search posts: %w", err)
		}
		refs = append(refs, r...)
	}
	if !single {
		// Scores of the two indexes are on one scale only roughly; this
		// interleaves them by it, ties broken newest first.
		slices.SortStableFunc(refs, func(a, b searchRef) int {
			if c := cmp.Compare(b.score, a.score); c != 0 {
				return c
			}
			return cmp.Compare(b.id, a.id)
		})
		refs = refs[min(q.Offset, len(refs)):]
	}
	res := &newsdesk.SearchResults{More: len(refs) > q.Limit}
	refs = refs[:min(len(refs), q.Limit)]
	if len(refs) == 0 {
		return res, nil
	}

	var items, posts []int64
	for _, r := range refs {
		if r.kind == newsdesk.SearchPosts {
			posts = append(posts, r.id)
		} else {
			items = append(items, r.id)
		}
	}
	hits := map[searchRef]newsdesk.SearchHit{}
	if err := s.itemHits(ctx, items, hits); err != nil {
		return nil, fmt.Errorf("search articles: %w", err)
	}
	if err := s.postHits(ctx, posts, hits); err != nil {
		return nil, fmt.Errorf("search posts: %w", err)
	}
	for _, r := range refs {
		if h, ok := hits[searchRef{kind: r.kind, id: r.id}]; ok {
			res.Hits = append(res.Hits, h)
		}
	}
	return res, nil
}

// searchRef is a ranked result before its details are read. score is
// higher for better results on both databases.
type searchRef struct {
	kind  newsdesk.SearchKind
	id    int64
	score float64
}

// searcher runs one search.
type searcher struct {
	d     *DB
	q     newsdesk.SearchQuery
	match string // the parsed query in the database's own syntax
}

// Snippet markers: control characters that text from feeds and pages
// does not carry, turned into <mark> after the text is escaped.
const (
	markStart = "\x02"
	markEnd   = "\x03"
)

// snippetLength is about how many words a snippet has.
const snippetLength = 30

// The ranking query per database. Filters go in {{where}}. On SQLite the
// FTS5 rank column is bm25 with the weights set in the migration; bm25
// is lower for better matches, so it is negated.
const (
	sqliteRankItems = `SELECT f.rowid, -f.rank FROM items_fts f JOIN items i ON i.id = f.rowid
		WHERE items_fts MATCH ?{{where}} ORDER BY f.rank, f.rowid DESC LIMIT ? OFFSET ?`
	postgresRankItems = `SELECT s.item_id, ts_rank_cd(s.document, query) AS score
		FROM item_search s JOIN items i ON i.id = s.item_id, to_tsquery('newsdesk', ?) query
		WHERE s.document @@ query{{where}} ORDER BY score DESC, s.item_id DESC LIMIT ? OFFSET ?`

	sqliteRankPosts = `SELECT f.rowid, -f.rank FROM posts_fts f JOIN posts p ON p.id = f.rowid
		WHERE posts_fts MATCH ?{{where}} ORDER BY f.rank, f.rowid DESC LIMIT ? OFFSET ?`
	postgresRankPosts = `SELECT s.post_id, ts_rank_cd(s.document, query) AS score
		FROM post_search s JOIN posts p ON p.id = s.post_id, to_tsquery('newsdesk', ?) query
		WHERE s.document @@ query{{where}} ORDER BY score DESC, s.post_id DESC LIMIT ? OFFSET ?`
)

func (s *searcher) rankItems(ctx context.Context, limit, offset int) ([]searchRef, error) {
	var where []string
	args := []any{s.match}
	if s.q.SourceID != 0 {
		where = append(where, "i.source_id = ?")
		args = append(args, s.q.SourceID)
	}
	if s.q.From != nil {
		where = append(where, "COALESCE(i.published_at, i.fetched_at) >= ?")
		args = append(args, s.q.From.UTC())
	}
	if s.q.To != nil {
		where = append(where, "COALESCE(i.published_at, i.fetched_at) < ?")
		args = append(args, s.q.To.UTC())
	}
	query := sqliteRankItems
	if s.d.dialect == Postgres {
		query = postgresRankItems
	}
	return s.rank(ctx, newsdesk.SearchArticles, query, where, append(args, limit, offset))
}

func (s *searcher) rankPosts(ctx context.Context, limit, offset int) ([]searchRef, error) {
	var where []string
	args := []any{s.match}
	if !s.q.Drafts {
		where = append(where, "p.status = ?")
		args = append(args, newsdesk.PostPublished)
	}
	if s.q.SourceID != 0 {
		where = append(where, "p.item_id IN (SELECT id FROM items WHERE source_id = ?)")
		args = append(args, s.q.SourceID)
	}
	if s.q.Tag != "" {
		where = append(where, "p.id IN (SELECT post_id FROM post_tags WHERE tag = ?)")
		args = append(args, s.q.Tag)
	}
	if s.q.From != nil {
		where = append(where, "COALESCE(p.published_at, p.updated_at) >= ?")
		args = append(args, s.q.From.UTC())
	}
	if s.q.To != nil {
		where = append(where, "COALESCE(p.published_at, p.updated_at) < ?")
		args = append(args, s.q.To.UTC())
	}
	query := sqliteRankPosts
	if s.d.dialect == Postgres {
		query = postgresRankPosts
	}
	return s.rank(ctx, newsdesk.SearchPosts, query, where, append(args, limit, offset))
}

func (s *searcher) rank(ctx context.Context, kind newsdesk.SearchKind, query string, where []string, args []any) ([]searchRef, error) {
	filters := ""
	for _, w := range where {
		filters += " AND " + w
	}
	query = strings.Replace(query, "{{where}}", filters, 1)
	rows, err := s.d.db.QueryContext(ctx, s.d.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []searchRef
	for rows.Next() {
		r := searchRef{kind: kind}
		if err := rows.Scan(&r.id, &r.score); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// headlineOptions ask ts_headline for about the snippet FTS5 gives.
var headlineOptions = fmt.Sprintf(`StartSel=%s, StopSel=%s, MaxWords=%d, MinWords=%d, MaxFragments=1, ShortWord=2`,
	markStart, markEnd, snippetLength, snippetLength/2)

// itemHits reads the details and snippets of the items with ids.
func (s *searcher) itemHits(ctx context.Context, ids []int64, into map[searchRef]newsdesk.SearchHit) error {
	if len(ids) == 0 {
		return nil
	}
	var query string
	var args []any
	if s.d.dialect == Postgres {
		args = []any{s.match, headlineOptions}
		query = `SELECT i.id, i.title, i.url, src.name, i.published_at,
			ts_headline('newsdesk', COALESCE(NULLIF(a.text, ''), i.summary), to_tsquery('newsdesk', ?), ?)
			FROM items i JOIN sources src ON src.id = i.source_id LEFT JOIN articles a ON a.item_id = i.id
			WHERE i.id IN (` + placeholders(len(ids)) + `)`
	} else {
		args = []any{snippetLength, s.match}
		query = `SELECT i.id, i.title, i.url, src.name, i.published_at,
			snippet(items_fts, 1, char(2), char(3), '…', ?)
			FROM items_fts f JOIN items i ON i.id = f.rowid JOIN sources src ON src.id = i.source_id
			WHERE items_fts MATCH ? AND f.rowid IN (` + placeholders(len(ids)) + `)`
	}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.d.db.QueryContext(ctx, s.d.q(query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		h := newsdesk.SearchHit{Kind: newsdesk.SearchArticles}
		var published sql.NullTime
		var snippet string
		if err := rows.Scan(&h.ID, &h.Title, &h.URL, &h.SourceName, &published, &snippet); err != nil {
			return err
		}
		h.PublishedAt = timePtr(published)
		h.Snippet = markSnippet(snippet)
		into[searchRef{kind: h.Kind, id: h.ID}] = h
	}
	return rows.Err()
}

// postHits reads the details and snippets of the posts with ids.
func (s *searcher) postHits(ctx context.Context, ids []int64, into map[searchRef]newsdesk.SearchHit) error {
	if len(ids) == 0 {
		return nil
	}
	var query string
	var args []any
	if s.d.dialect == Postgres {
		args = []any{s.match, headlineOptions}
		query = `SELECT p.id, p.headline, p.original_url, p.slug, p.status, p.source_name, p.published_at,
			ts_headline('newsdesk', p.summary, to_tsquery('newsdesk', ?), ?)
			FROM posts p WHERE p.id IN (` + placeholders(len(ids)) + `)`
	} else {
		args = []any{snippetLength, s.match}
		query = `SELECT p.id, p.headline, p.original_url, p.slug, p.status, p.source_name, p.published_at,
			snippet(posts_fts, 1, char(2), char(3), '…', ?)
			FROM posts_fts f JOIN posts p ON p.id = f.rowid
			WHERE posts_fts MATCH ? AND f.rowid IN (` + placeholders(len(ids)) + `)`
	}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.d.db.QueryContext(ctx, s.d.q(query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		h := newsdesk.SearchHit{Kind: newsdesk.SearchPosts}
		var published sql.NullTime
		var snippet string
		if err := rows.Scan(&h.ID, &h.Title, &h.URL, &h.Slug, &h.Status, &h.SourceName, &published, &snippet); err != nil {
			return err
		}
		h.PublishedAt = timePtr(published)
		h.Snippet = markSnippet(snippet)
		into[searchRef{kind: h.Kind, id: h.ID}] = h
	}
	return rows.Err()
}

// markSnippet escapes a snippet's text and turns the database's match
// markers into <mark> elements, always balanced, whatever the text held.
func markSnippet(s string) template.HTML {
	s = strings.Join(strings.Fields(s), " ")
	var b strings.Builder
	open := false
	for s != "" {
		i := strings.IndexAny(s, markStart+markEnd)
		if i < 0 {
			b.WriteString(html.EscapeString(s))
			break
		}
		b.WriteString(html.EscapeString(s[:i]))
		switch {
		case s[i] == markStart[0] && !open:
			b.WriteString("<mark>")
			open = true
		case s[i] == markEnd[0] && open:
			b.WriteString("</mark>")
			open = false
		}
		s = s[i+1:]
	}
	if open {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String())
}

// matchExpr renders a parsed query in the database's syntax. Words hold
// only letters and digits, so they cannot carry operators or quotes of
// either syntax; each is quoted all the same.
func (d *DB) matchExpr(p *newsdesk.ParsedSearch) string {
	if d.dialect == Postgres {
		return tsquery(p)
	}
	return fts5Query(p)
}

// fts5Query renders p as an FTS5 MATCH expression:
// "w1" AND "w2 w3" AND "pre"* NOT "x".
func fts5Query(p *newsdesk.ParsedSearch) string {
	var pos, neg []string
	for _, t := range p.Terms {
		phrase := `"` + strings.Join(t.Words, " ") + `"`
		if t.Prefix {
			phrase += "*"
		}
		if t.Exclude {
			neg = append(neg, phrase)
		} else {
			pos = append(pos, phrase)
		}
	}
	expr := "(" + strings.Join(pos, " AND ") + ")"
	for _, n := range neg {
		expr += " NOT " + n
	}
	return expr
}

// tsquery renders p as text for to_tsquery('newsdesk', ...):
// 'w1' & ('w2' <-> 'w3') & 'pre':* & !'x'. to_tsquery stems each word and
// drops stop words, as to_tsvector did when indexing.
func tsquery(p *newsdesk.ParsedSearch) string {
	var parts []string
	for _, t := range p.Terms {
		words := make([]string, len(t.Words))
		for i, w := range t.Words {
			words[i] = "'" + w + "'"
		}
		if t.Prefix {
			words[len(words)-1] += ":*"
		}
		part := strings.Join(words, " <-> ")
		if len(words) > 1 {
			part = "(" + part + ")"
		}
		if t.Exclude {
			part = "!" + part
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, " & ")
}
