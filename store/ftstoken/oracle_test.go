package ftstoken

import (
	"database/sql"
	"fmt"
	"slices"
	"testing"

	_ "modernc.org/sqlite"
)

// An oracle is a real FTS5 table with newsdesk's tokenizer, and an
// fts5vocab table that reads back each term it indexed and its position.
type oracle struct {
	db *sql.DB
}

func newOracle() (*oracle, error) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // each connection to :memory: is a database of its own
	for _, q := range []string{
		`CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'porter unicode61 remove_diacritics 2')`,
		`CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')`,
	} {
		if _, err := db.Exec(q); err != nil {
			db.Close()
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	return &oracle{db: db}, nil
}

func openOracle(tb testing.TB) *oracle {
	tb.Helper()
	o, err := newOracle()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { o.db.Close() })
	return o
}

// terms returns, for each text, the terms FTS5 indexes for it in order.
func (o *oracle) terms(texts []string) ([][]string, error) {
	tx, err := o.db.Begin()
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`DELETE FROM t`); err != nil {
		return nil, err
	}
	for i, s := range texts {
		if _, err := tx.Exec(`INSERT INTO t(rowid, x) VALUES (?, ?)`, i, s); err != nil {
			return nil, err
		}
	}
	rows, err := tx.Query(`SELECT term, doc, offset FROM v`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type inst struct {
		term     string
		doc, off int
	}
	var all []inst
	for rows.Next() {
		var term []byte // as bytes: a term may be invalid UTF-8
		var in inst
		if err := rows.Scan(&term, &in.doc, &in.off); err != nil {
			return nil, err
		}
		in.term = string(term)
		all = append(all, in)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([][]string, len(texts))
	for _, in := range all {
		d := out[in.doc]
		for len(d) <= in.off {
			d = append(d, "\x00missing")
		}
		if d[in.off] != "\x00missing" {
			return nil, fmt.Errorf("doc %d: two terms at offset %d: %q and %q", in.doc, in.off, d[in.off], in.term)
		}
		d[in.off] = in.term
		out[in.doc] = d
	}
	return out, tx.Commit()
}

// compare checks Tokens against FTS5 for each text and returns how many
// tokens agreed.
func (o *oracle) compare(tb testing.TB, texts []string) int {
	tb.Helper()
	want, err := o.terms(texts)
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	var toks []Token
	for i, text := range texts {
		toks = Tokens(toks[:0], text)
		got := make([]string, len(toks))
		for j, tk := range toks {
			got[j] = tk.Term
		}
		if !slices.Equal(got, want[i]) {
			tb.Errorf("Tokens(%q):\n got  %q\n want %q\n first difference: %s", clip(text), clipList(got), clipList(want[i]), firstDiff(got, want[i]))
			continue
		}
		checkOffsets(tb, text, toks)
		n += len(toks)
	}
	return n
}

// checkOffsets checks that the tokens are in order and do not overlap,
// and that each token's source, tokenized alone, is that one token.
func checkOffsets(tb testing.TB, text string, toks []Token) {
	tb.Helper()
	prev := 0
	for _, tk := range toks {
		if tk.Start < prev || tk.End <= tk.Start || tk.End > len(text) {
			tb.Errorf("Tokens(%q): token %q at [%d,%d) after offset %d", clip(text), clip(tk.Term), tk.Start, tk.End, prev)
			return
		}
		prev = tk.End
		src := text[tk.Start:tk.End]
		alone := Tokens(nil, src)
		if len(alone) != 1 || alone[0] != (Token{Term: tk.Term, Start: 0, End: len(src)}) {
			tb.Errorf("Tokens(%q): token %q's source %q alone gives %+v", clip(text), clip(tk.Term), clip(src), alone)
		}
		if got := Term(src); got != tk.Term {
			tb.Errorf("Term(%q) = %q, want %q", clip(src), clip(got), clip(tk.Term))
		}
	}
}

func firstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("token %d: got %q, want %q", i, clip(got[i]), clip(want[i]))
		}
	}
	return fmt.Sprintf("got %d tokens, want %d", len(got), len(want))
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:100] + "…" + s[len(s)-100:]
	}
	return s
}

func clipList(a []string) []string {
	if len(a) > 40 {
		a = append(slices.Clip(a[:20]), append([]string{"…"}, a[len(a)-20:]...)...)
	}
	out := make([]string, len(a))
	for i, s := range a {
		out[i] = clip(s)
	}
	return out
}

// TestSQLiteVersion guards the tables: they were generated from the SQLite
// that modernc.org/sqlite links, and must be regenerated with it.
func TestSQLiteVersion(t *testing.T) {
	o := openOracle(t)
	var v string
	if err := o.db.QueryRow(`SELECT sqlite_version()`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	if v != sqliteVersion {
		t.Fatalf("linked SQLite is %s, tables are from %s: run go generate", v, sqliteVersion)
	}
}
