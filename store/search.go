package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store/ftstoken"
)

var _ newsdesk.SearchService = (*DB)(nil)

// Search finds articles and posts whose text matches q, best first. The
// query is parsed once in Go (parseSearch) and rendered for the
// database: an FTS5 MATCH expression on SQLite, a tsquery on PostgreSQL.
// Articles are ranked by the query's terms in their titles, posts by
// bm25 or ts_rank_cd. Titles and headlines weigh more than the text. It
// returns EINVALID for a query with nothing to search for.
func (d *DB) Search(ctx context.Context, q newsdesk.SearchQuery) (*newsdesk.SearchResults, error) {
	parsed, err := parseSearch(q.Text)
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
	s := searcher{d: d, q: q, parsed: parsed, match: d.matchExpr(parsed)}

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
	d      *DB
	q      newsdesk.SearchQuery
	parsed *parsedSearch
	match  string // the parsed query in the database's own syntax
	m      *queryMatcher
}

// Snippet markers: control characters that text from feeds and pages
// does not carry, which the databases' snippet functions and the
// matcher put around each match; markedSnippet turns them into ranges.
const (
	markStart = "\x02"
	markEnd   = "\x03"
)

// snippetLength is about how many words a snippet has.
const snippetLength = 30

// rankCandidates bounds the work of broad searches. A word in a third of
// a million articles would otherwise have every one of them scored to
// show twenty; instead, when more articles match than this, the newest
// this many of them (by arrival) are ranked. Both indexes give matches
// newest first cheaply: FTS5 walks its doclists backwards, and
// PostgreSQL's index is asked for one range of IDs at a time, newest
// first (rankNewest).
const rankCandidates = 1000

// The ranking queries per database. Filters go in {{where}}. On SQLite
// the FTS5 rank column of posts is bm25 with the weights set in the
// migration; bm25 is lower for better matches, so it is negated.
//
// Articles on SQLite are not ranked by bm25: before scoring its first
// row, bm25 counts every article holding each word of the query (to
// weigh rare words above common ones) by walking all of that word's
// index, so a search for a common word cost more the more articles
// there were, however few were ranked. rankByTitle ranks the candidates
// by how many of the query's terms their titles hold instead, newest
// first among equals.
const (
	sqliteRankItems = `SELECT f.rowid, f.title_text FROM items_fts f{{join}} WHERE items_fts MATCH ?{{where}} ORDER BY f.rowid DESC LIMIT ?`
	// postgresRankItems is run once for each range of IDs searched, named
	// in {{range}}; see rankNewest. A source is found in the index, a
	// date in the item.
	postgresRankItems = `SELECT s.item_id, {{score}} FROM item_search s{{join}}
		WHERE s.document @@ ?::tsquery{{range}}{{where}} ORDER BY s.item_id DESC LIMIT ?`

	sqliteRankPosts = `SELECT id, score FROM (
			SELECT f.rowid AS id, -f.rank AS score FROM posts_fts f JOIN posts p ON p.id = f.rowid
			WHERE posts_fts MATCH ?{{where}} ORDER BY f.rowid DESC LIMIT ?
		) ORDER BY score DESC, id DESC LIMIT ? OFFSET ?`
	postgresRankPosts = `SELECT c.id, ts_rank_cd(s.document, to_tsquery('newsdesk', ?)) AS score FROM (
			SELECT s.post_id AS id FROM post_search s JOIN posts p ON p.id = s.post_id
			WHERE s.document @@ to_tsquery('newsdesk', ?){{where}} ORDER BY s.post_id DESC LIMIT ?
		) c JOIN post_search s ON s.post_id = c.id ORDER BY score DESC, c.id DESC LIMIT ? OFFSET ?`
)

func (s *searcher) rankItems(ctx context.Context, limit, offset int) ([]searchRef, error) {
	if s.d.dialect == Postgres {
		return s.rankNewest(ctx, limit, offset)
	}
	var where []string
	var args []any
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
	join := " JOIN items i ON i.id = f.rowid"
	// Reading each candidate's item row costs more than the search
	// itself; only filters need it.
	if len(where) == 0 {
		join = ""
	}
	query = strings.Replace(query, "{{join}}", join, 1)
	return s.rankByTitle(ctx, query, where, args, limit, offset)
}

// rankByTitle runs SQLite's article candidates query (sqliteRankItems)
// and ranks the candidates by the terms of the query in their titles,
// each worth titleWeight, ties broken newest first.
func (s *searcher) rankByTitle(ctx context.Context, query string, where []string, filterArgs []any, limit, offset int) ([]searchRef, error) {
	filters := ""
	for _, w := range where {
		filters += " AND " + w
	}
	query = strings.Replace(query, "{{where}}", filters, 1)
	args := append([]any{s.match}, filterArgs...)
	rows, err := s.d.db.QueryContext(ctx, query, append(args, max(rankCandidates, limit+offset))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := s.matcher()
	var out []searchRef
	var toks []ftstoken.Token
	for rows.Next() {
		var id int64
		var title string
		if err := rows.Scan(&id, &title); err != nil {
			return nil, err
		}
		var n int
		toks, n = m.titleMatches(title, toks)
		out = append(out, searchRef{kind: newsdesk.SearchArticles, id: id, score: titleWeight * float64(n)})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b searchRef) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(b.id, a.id)
	})
	out = out[min(offset, len(out)):]
	return out[:min(limit, len(out))], nil
}

// recencyShifts are the sizes of the ranges of IDs that PostgreSQL's
// article index holds for every article besides its words: ranges of
// 1<<shift IDs, each numbered in its top byte by its place here
// (newsdesk_item_keys in migration 0012).
var recencyShifts = [...]uint{12, 16, 20, 24, 28}

// sourceKey is the key PostgreSQL's article index holds for an
// article's source (newsdesk_item_keys).
func sourceKey(id int64) int64 { return 7<<56 | id }

// int8Array renders keys as a PostgreSQL bigint[].
func int8Array(keys ...int64) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(k, 10))
	}
	b.WriteByte('}')
	return b.String()
}

// recencyKeys returns the index's keys for the IDs from lo up to hi,
// both multiples of the smallest range: the fewest ranges that cover
// them, the largest that fit first.
func recencyKeys(lo, hi int64) []int64 {
	var keys []int64
	for hi > lo {
		for i := len(recencyShifts) - 1; i >= 0; i-- {
			size := int64(1) << recencyShifts[i]
			if hi%size == 0 && hi-size >= lo {
				hi -= size
				keys = append(keys, int64(i)<<56|hi>>recencyShifts[i])
				break
			}
		}
	}
	return keys
}

// The plan of every PostgreSQL article search: through the GIN index, a
// bitmap of the matches in the range asked for, whatever the planner
// estimates. Its other plans read each row's document, stored out of
// line (migration 0012): walking the primary key newest first, which it
// takes when a LIMIT makes a common-looking query seem cheap that way,
// or all rows. Parallel workers cost more to start than such a search
// takes.
const postgresSearchSettings = `set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true),
	set_config('max_parallel_workers_per_gather', '0', true)`

// maxRecencyProbes bounds how many times rankNewest asks for the
// matches in a range of IDs; the last time it asks for the newest
// matches of all articles.
const maxRecencyProbes = 6

// rankNewest runs PostgreSQL's article candidates query
// (postgresRankItems) and ranks the candidates as rankByTitle does on
// SQLite: by the terms of the query in their titles, newest first among
// equals. The candidates, the newest matches, are found a range of IDs
// at a time, newest first, each range sized from the matches found so
// far to hold about as many as are still wanted: the index then reads
// few more matches than are ranked, whatever their number in all.
//
// An article's score is the share of the query's terms in its title,
// from 0 to 1: about what ts_rank_cd gives a post with them in its
// headline, so that articles and posts interleave roughly by it.
func (s *searcher) rankNewest(ctx context.Context, limit, offset int) ([]searchRef, error) {
	var where []string
	var filterArgs []any
	join := ""
	if s.q.SourceID != 0 {
		where = append(where, "newsdesk_item_keys(s.item_id, s.source_id) @> ?::bigint[]")
		filterArgs = append(filterArgs, int8Array(sourceKey(s.q.SourceID)))
	}
	if s.q.From != nil {
		where = append(where, "COALESCE(i.published_at, i.fetched_at) >= ?")
		filterArgs = append(filterArgs, s.q.From.UTC())
		join = " JOIN items i ON i.id = s.item_id"
	}
	if s.q.To != nil {
		where = append(where, "COALESCE(i.published_at, i.fetched_at) < ?")
		filterArgs = append(filterArgs, s.q.To.UTC())
		join = " JOIN items i ON i.id = s.item_id"
	}
	want := max(rankCandidates, limit+offset)
	var terms []string
	for _, t := range s.parsed.Terms {
		if !t.Exclude {
			terms = append(terms, tsquery(&parsedSearch{Terms: []searchTerm{t}}))
		}
	}
	tx, err := s.d.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	// The newest ID, and the query and its terms as the index has their
	// words (stemmed, stop words left out), parsed once here rather than
	// for every row.
	var settings [3]string // the settings' values, unused
	var newest int64
	match := ""
	parsed := make([]string, len(terms))
	dest := []any{&settings[0], &settings[1], &settings[2], &newest, &match}
	args := []any{s.match}
	prep := `SELECT ` + postgresSearchSettings + `, COALESCE((SELECT max(item_id) FROM item_search), 0), to_tsquery('newsdesk', ?)::text`
	for i, t := range terms {
		prep += `, to_tsquery('newsdesk', ?)::text`
		args = append(args, t)
		dest = append(dest, &parsed[i])
	}
	if err := tx.QueryRowContext(ctx, s.d.q(prep), args...).Scan(dest...); err != nil {
		return nil, err
	}

	score := make([]string, len(terms))
	var scoreArgs []any
	for i, t := range parsed {
		score[i] = "(s.title @@ ?::tsquery)::int"
		scoreArgs = append(scoreArgs, t)
	}
	filters := ""
	for _, w := range where {
		filters += " AND " + w
	}
	query := strings.NewReplacer("{{score}}", strings.Join(score, " + "), "{{join}}", join, "{{where}}", filters).Replace(postgresRankItems)
	inRange := s.d.q(strings.Replace(query, "{{range}}", " AND newsdesk_item_keys(s.item_id, s.source_id) && ?::bigint[]", 1))
	all := s.d.q(strings.Replace(query, "{{range}}", "", 1))
	var out []searchRef
	// search appends the newest matches in the ranges keys, or in all
	// articles when keys is empty, up to want in all.
	search := func(keys []int64) error {
		args := append(append([]any{}, scoreArgs...), match)
		query := all
		if len(keys) > 0 {
			args = append(args, int8Array(keys...))
			query = inRange
		}
		args = append(append(args, filterArgs...), want-len(out))
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				return err
			}
			out = append(out, searchRef{kind: newsdesk.SearchArticles, id: id, score: float64(n) / float64(len(terms))})
		}
		return rows.Err()
	}

	// The first range is the newest of the smallest size, with the one
	// before it while it has barely begun.
	step := int64(1) << recencyShifts[0]
	top := (newest/step + 1) * step
	lo := max(0, top-step)
	if newest-lo < step/2 {
		lo = max(0, lo-step)
	}
	if err := search(recencyKeys(lo, top)); err != nil {
		return nil, err
	}
	for probe := 2; len(out) < want && lo > 0; probe++ {
		// The next range holds the matches still wanted at the rate seen
		// so far: somewhat fewer while that rate rests on few matches
		// (another range is cheaper than reading many matches too
		// many), a few more once it is known. It is at least as large
		// as all the ranges before it.
		found, searched := len(out), top-lo
		f := 1.1
		if found < 50 {
			f = 0.7
		}
		next := max(int64(float64(want-found)*float64(searched)/float64(found+1)*f), searched)
		if next >= lo || probe == maxRecencyProbes {
			// A range that runs to the oldest article costs the index
			// more than all the matches do: the newest matches are asked
			// for at once, those found already among them.
			out = out[:0]
			if err := search(nil); err != nil {
				return nil, err
			}
			break
		}
		hi := lo
		lo = (lo - next) / step * step
		if err := search(recencyKeys(lo, hi)); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(out, func(a, b searchRef) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(b.id, a.id)
	})
	out = out[min(offset, len(out)):]
	return out[:min(limit, len(out))], nil
}

// titleWeight is what a term of the query found in an article's title
// scores, about what bm25 with the title weighed 10 gives it, so that
// articles and posts interleave roughly by it.
const titleWeight = 10

// matcher returns the query's matcher for text tokenized in Go.
func (s *searcher) matcher() *queryMatcher {
	if s.m == nil {
		s.m = newQueryMatcher(s.parsed)
	}
	return s.m
}

func (s *searcher) rankPosts(ctx context.Context, limit, offset int) ([]searchRef, error) {
	var where []string
	var args []any
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
	return s.rank(ctx, newsdesk.SearchPosts, query, where, args, limit, offset)
}

// rank runs a ranking query with its filters and their arguments.
func (s *searcher) rank(ctx context.Context, kind newsdesk.SearchKind, query string, where []string, filterArgs []any, limit, offset int) ([]searchRef, error) {
	filters := ""
	for _, w := range where {
		filters += " AND " + w
	}
	query = strings.Replace(query, "{{where}}", filters, 1)
	args := []any{s.match}
	if s.d.dialect == Postgres {
		args = append(args, s.match)
	}
	args = append(args, filterArgs...)
	args = append(args, max(rankCandidates, limit+offset), limit, offset)
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
	// The text itself, whose snippet is cut in Go, on PostgreSQL too:
	// ts_headline parsed the whole text of every hit, costing the server
	// more the longer the articles. The matcher finds the query's words as
	// FTS5 tokenizes and stems them, which PostgreSQL's english
	// configuration agrees with for all but a few words.
	query := `SELECT i.id, i.title, i.url, src.name, i.published_at, COALESCE(NULLIF(a.text, ''), i.summary)
		FROM items i JOIN sources src ON src.id = i.source_id LEFT JOIN articles a ON a.item_id = i.id
		WHERE i.id IN (` + placeholders(len(ids)) + `)`
	var args []any
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
		snippet = s.matcher().snippet(snippet, snippetLength)
		h.Snippet = markedSnippet(snippet)
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
	var snippets map[int64]string
	if s.d.dialect == Postgres {
		args = []any{s.match, headlineOptions}
		query = `SELECT p.id, p.headline, p.original_url, p.slug, p.status, p.source_name, p.published_at,
			ts_headline('newsdesk', p.summary, to_tsquery('newsdesk', ?), ?)
			FROM posts p WHERE p.id IN (` + placeholders(len(ids)) + `)`
	} else {
		var err error
		if snippets, err = s.snippets(ctx, "posts_fts", ids); err != nil {
			return err
		}
		query = `SELECT p.id, p.headline, p.original_url, p.slug, p.status, p.source_name, p.published_at, ''
			FROM posts p WHERE p.id IN (` + placeholders(len(ids)) + `)`
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
		if snippets != nil {
			snippet = snippets[h.ID]
		}
		h.Snippet = markedSnippet(snippet)
		into[searchRef{kind: h.Kind, id: h.ID}] = h
	}
	return rows.Err()
}

// snippets returns FTS5 snippets of the second column of table for the
// rows ids. The rows are asked for by their range with the others left
// out by a filter FTS5 does not see (+rowid): given "rowid IN (...)",
// FTS5 would look each one up in every segment of the index, which costs
// more than walking the few matches in the range.
func (s *searcher) snippets(ctx context.Context, table string, ids []int64) (map[int64]string, error) {
	args := []any{snippetLength, s.match, slices.Min(ids), slices.Max(ids)}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.d.db.QueryContext(ctx, `SELECT rowid, snippet(`+table+`, 1, char(2), char(3), '…', ?)
		FROM `+table+` WHERE `+table+` MATCH ? AND rowid BETWEEN ? AND ? AND +rowid IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int64]string, len(ids))
	for rows.Next() {
		var id int64
		var snippet string
		if err := rows.Scan(&id, &snippet); err != nil {
			return nil, err
		}
		out[id] = snippet
	}
	return out, rows.Err()
}

// matchExpr renders a parsed query in the database's syntax. Words hold
// only letters and digits, so they cannot carry operators or quotes of
// either syntax; each is quoted all the same.
func (d *DB) matchExpr(p *parsedSearch) string {
	if d.dialect == Postgres {
		return tsquery(p)
	}
	return fts5Query(p)
}

// fts5Query renders p as an FTS5 MATCH expression:
// "w1" AND "w2 w3" AND "pre"* NOT "x".
func fts5Query(p *parsedSearch) string {
	var pos, neg []string
	for _, t := range p.Terms {
		phrase := fts5Phrase(t)
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

// fts5Phrase renders one term as an FTS5 phrase: "w1 w2" or "pre"*.
func fts5Phrase(t searchTerm) string {
	phrase := `"` + strings.Join(t.Words, " ") + `"`
	if t.Prefix {
		phrase += "*"
	}
	return phrase
}

// tsquery renders p as text for to_tsquery('newsdesk', ...):
// 'w1' & ('w2' <-> 'w3') & 'pre':* & !'x'. to_tsquery stems each word and
// drops stop words, as to_tsvector did when indexing.
func tsquery(p *parsedSearch) string {
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
