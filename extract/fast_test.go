package extract

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// The extractor's hot helpers take short cuts (tables of words by first
// bytes, counts that stop at a bound, ASCII fast paths). These tests hold
// each to the plain definition it replaces, on tricky texts and on the
// pages in testdata/.

var trickyTexts = []string{
	"", " ", "a", "  a  b  ", "\t\n\r\fx\u00a0y\u200bz ", "plain words only", "ends with space ",
	"Byline AUTHOR post-Meta", "comment-list no-comment", "\u212Aelvin \u0130stanbul ÜBER", "\xff\xfe bad utf-8 \xc3",
	"nav-bar site-header", "PUBLISHED updated_at", "datum fecha submitted", "x\u00a0\u00a0y", "©2020 All Rights Reserved",
}

func refCollapse(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\f' || r == '\u00a0' || r == '\u200b' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

func refNonSpace(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\n', '\t', '\r', '\f':
		default:
			n++
		}
	}
	return n
}

// refWrite is the text a textWriter writes for texts with a pending
// break of brk after the first, written a rune at a time.
func refWrite(first string, brk int, texts ...string) string {
	var b strings.Builder
	b.WriteString(first)
	space := false
	for _, s := range texts {
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size
			switch r {
			case ' ', '\n', '\t', '\r', '\f', '\u00a0', '\u200b':
				space = true
				continue
			}
			switch {
			case brk == 2:
				b.WriteString("\n\n")
			case brk == 1:
				b.WriteByte('\n')
			case space:
				b.WriteByte(' ')
			}
			brk, space = 0, false
			b.WriteRune(r)
		}
	}
	return b.String()
}

// refReadDate is readDate as written before dateScan.
func refReadDate(s string) reading {
	if len(s) > 100000 {
		s = s[:100000]
	}
	const piece, overlap = 4096, 64
	start := 0
	for len(s)-start > piece+overlap {
		end := start + piece
		if i := strings.IndexByte(s[end:], ' '); i >= 0 && i < overlap {
			end += i
		}
		if r := readPiece(s[start:end]); !r.t.IsZero() {
			return r
		}
		start = end - overlap
		if i := strings.IndexByte(s[start:end], ' '); i >= 0 {
			start += i
		}
	}
	return readPiece(s[start:])
}

func TestFastTextHelpers(t *testing.T) {
	texts := append([]string{}, trickyTexts...)
	texts = append(texts, strings.Repeat("word, \t", 40), strings.Repeat(" ", 100))
	for _, s := range texts {
		if got, want := collapse(s), refCollapse(s); got != want {
			t.Errorf("collapse(%q) = %q, want %q", s, got, want)
		}
		if got, want := nonSpace(s), refNonSpace(s); got != want {
			t.Errorf("nonSpace(%q) = %d, want %d", s, got, want)
		}
		for _, e := range []string{s, s + `<a href="x">&amp;'` + "\r\n" + `</a>`} {
			var b strings.Builder
			writeEscaped(&b, e)
			if got, want := b.String(), html.EscapeString(e); got != want {
				t.Errorf("writeEscaped(%q) = %q, want %q", e, got, want)
			}
		}
		var w textWriter
		w.write("x")
		w.breakLine(2)
		w.write(s)
		w.write(s)
		if got, want := w.b.String(), refWrite("x", 2, s, s); got != want {
			t.Errorf("textWriter.write(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestFastWordMatching(t *testing.T) {
	contains := func(s string, words []string) bool {
		for _, w := range words {
			if strings.Contains(s, w) {
				return true
			}
		}
		return false
	}
	for _, s := range trickyTexts {
		for _, ws := range [][]string{negativeWords, positiveWords, dateWords} {
			l := strings.ToLower(s)
			if got, want := newWordSet(ws).in(l), contains(l, ws); got != want {
				t.Errorf("wordSet.in(%q) = %v, want %v", l, got, want)
			}
		}
		for _, id := range []string{"", "Main-Author"} {
			n := &html.Node{Type: html.ElementNode, Attr: []html.Attribute{{Key: "class", Val: s}, {Key: "id", Val: id}}}
			ci := classID(n)
			var want uint8
			for w, m := range map[string]uint8{"byline": markByline, "author": markAuthor, "comment": markComment,
				"published": markPublished, "updated": markUpdated} {
				if strings.Contains(ci, w) {
					want |= m
				}
			}
			if contains(ci, dateWords) {
				want |= markDate
			}
			got, ok := classMarks(n)
			if got != want || ok != (ci != "") {
				t.Errorf("classMarks(%q, %q) = %b, %v; want %b, %v", s, id, got, ok, want, ci != "")
			}
		}
	}
}

// TestFastTreeHelpers checks the bounded counts and the date read from
// a page's text as it is written out on every element of the pages in
// testdata/.
func TestFastTreeHelpers(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.html")
	if len(files) == 0 {
		t.Skip("no pages in testdata")
	}
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parse(bytes.NewReader(decode(body, "")))
		if err != nil {
			t.Fatal(err)
		}
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			l := textLen(n)
			if hasText(n) != (l > 0) {
				t.Errorf("%s: hasText disagrees with textLen %d", f, l)
			}
			for _, limit := range []int{0, 1, 20, 80, l - 1, l, l + 1} {
				got := textLenMax(n, limit)
				if (l <= limit && got != l) || (l > limit && got <= limit) {
					t.Errorf("%s: textLenMax(limit %d) = %d with textLen %d", f, limit, got, l)
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		m := pageMeta{meta: map[string]string{}, body: findBody(doc)}
		m.walk(doc, nil)
		if got, want := m.bodyText, textLen(m.body); got != want {
			t.Errorf("%s: walk counted %d bytes of text in the body, textLen %d", f, got, want)
		}
		if got, want := m.firstTextDate(), refReadDate(m.visibleText()).t; !got.Equal(want) {
			t.Errorf("%s: firstTextDate = %v, want %v", f, got, want)
		}
	}
}

func TestDateScanPieces(t *testing.T) {
	// A date in the second piece, one across two pieces' overlap, one
	// past the text read, and none.
	pad := strings.Repeat("lorem ipsum ", 400)
	for _, s := range []string{pad + "on 3 May 2020", pad[:4090] + " 3 May 2020 " + pad, strings.Repeat(pad, 25) + " 3 May 2020", pad} {
		var d dateScan
		var got reading
		// Written out a few bytes at a time, as firstTextDate writes it.
		for i := 7; ; i += 7 {
			if got = d.more(s[:min(i, len(s))]); !got.t.IsZero() || i >= len(s) {
				break
			}
		}
		if got.t.IsZero() {
			got = d.last()
		}
		if want := refReadDate(s); !got.t.Equal(want.t) || !readDate(s).t.Equal(want.t) {
			t.Errorf("dateScan on %d bytes = %v, readDate = %v", len(s), got.t, want.t)
		}
	}
}
