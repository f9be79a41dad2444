package extract

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Dates are read without regular expressions, which are too slow to run
// over every page: structured values in the layouts sites use, and
// visible text by scanning for day, month (as a number or a name in
// English, German, French, Spanish, Italian, Dutch or Portuguese) and
// year.

var structuredLayouts = []string{
	time.RFC3339, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02T15:04Z07:00",
	"2006-01-02T15:04", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05",
	"2006-01-02 15:04", "2006-01-02", "2006/01/02", "20060102", time.RFC1123Z, time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST", "Mon Jan 2 15:04:05 2006",
	"2006-01-02T15:04:05.000Z07:00", "2006-01-02T15:04:05.000000Z07:00",
}

// plausible bounds dates: none before the web, none far in the future.
func plausible(t time.Time) bool {
	return t.Year() >= 1995 && t.Year() <= 2035
}

// parseDate reads a date value, structured or as people write it;
// zero when it cannot.
func parseDate(s string) time.Time {
	return readValue(s).t
}

// readValue reads a date value as parseDate does, with the other
// reading of a day and month written both ways.
func readValue(s string) reading {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 80 {
		return reading{}
	}
	if t := parseStamp(s); !t.IsZero() {
		return reading{t: t}
	}
	return readDate(s)
}

// parseStamp reads a machine-written date value only (2020-05-03,
// 2020-05-03T10:00:00Z, RFC 1123); zero otherwise.
func parseStamp(s string) time.Time {
	s = strings.TrimSpace(s)
	if len(s) < 8 || len(s) > 80 {
		return time.Time{}
	}
	for _, l := range structuredLayouts {
		if t, err := time.Parse(l, s); err == nil && plausible(t) {
			return t
		}
	}
	// A date-time whose time part is unusual: take the date at its head.
	if len(s) >= 10 {
		if t, err := time.Parse("2006-01-02", s[:10]); err == nil && plausible(t) {
			return t
		}
	}
	return time.Time{}
}

// urlDate finds /2019/08/02/ or /2019-08-02 style dates in a path, and
// the day-first 02-08-2019 that some sites write.
func urlDate(p string) time.Time {
	parts := strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '-' || r == '_' || r == '.' })
	for i := 0; i+2 < len(parts); i++ {
		a, b, c := parts[i], parts[i+1], parts[i+2]
		dayFirst := len(a) <= 2 && len(b) <= 2 && len(c) == 4
		if !dayFirst && (len(a) != 4 || len(b) > 2 || len(c) > 2) {
			continue
		}
		x, e1 := strconv.Atoi(a)
		m, e2 := strconv.Atoi(b)
		z, e3 := strconv.Atoi(c)
		if e1 != nil || e2 != nil || e3 != nil {
			continue
		}
		if dayFirst {
			x, z = z, x
		}
		if t, ok := mkDate(x, m, z); ok {
			return t
		}
	}
	return time.Time{}
}

func mkDate(y, m, d int) (time.Time, bool) {
	if y < 100 {
		y += 2000
	}
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || !plausible(t) {
		return time.Time{}, false
	}
	return t, true
}

var monthNames = map[string]int{}

func init() {
	names := [][]string{
		{"january", "jan", "januar", "jänner", "janvier", "janv", "enero", "ene", "gennaio", "gen", "januari", "janeiro"},
		{"february", "feb", "februar", "février", "fevrier", "févr", "fevr", "febrero", "febbraio", "februari", "fevereiro", "fev"},
		{"march", "mar", "märz", "maerz", "mars", "marzo", "maart", "março", "marco", "mrz"},
		{"april", "apr", "avril", "avr", "abril", "abr", "aprile"},
		{"may", "mai", "mayo", "maggio", "mei", "maio", "mag"},
		{"june", "jun", "juni", "juin", "junio", "giugno", "junho", "giu"},
		{"july", "jul", "juli", "juillet", "juil", "julio", "luglio", "julho", "lug"},
		{"august", "aug", "août", "aout", "agosto", "ago", "augustus"},
		{"september", "sep", "sept", "septembre", "septiembre", "settembre", "setembro", "set"},
		{"october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "outubro", "ott", "out"},
		{"november", "nov", "novembre", "noviembre", "novembro"},
		{"december", "dec", "dezember", "dez", "décembre", "decembre", "déc", "diciembre", "dic", "dicembre", "dezembro"},
	}
	// Russian, Ukrainian and Polish write the day before the month in
	// the genitive ("15 августа 2016").
	slavic := [][]string{
		{"января", "январь", "січня", "stycznia"},
		{"февраля", "февраль", "лютого", "lutego"},
		{"марта", "март", "березня", "marca"},
		{"апреля", "апрель", "квітня", "kwietnia"},
		{"мая", "май", "травня", "maja"},
		{"июня", "июнь", "червня", "czerwca"},
		{"июля", "июль", "липня", "lipca"},
		{"августа", "август", "серпня", "sierpnia"},
		{"сентября", "сентябрь", "вересня", "września"},
		{"октября", "октябрь", "жовтня", "października"},
		{"ноября", "ноябрь", "листопада", "listopada"},
		{"декабря", "декабрь", "грудня", "grudnia"},
	}
	for i := range names {
		names[i] = append(names[i], slavic[i]...)
	}
	for i, ns := range names {
		for _, n := range ns {
			monthNames[n] = i + 1
		}
	}
}

// token is a word or number of a date text.
type token struct {
	s          string
	num        int // -1 when not a number
	start, end int // where it stands in the text
}

func dateTokens(s string) []token {
	var toks []token
	start, numEnd := -1, -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := strings.ToLower(s[start:end])
		n := -1
		if v, ok := atoi(w); ok {
			n = v
			numEnd = end
		} else if start == numEnd && ordinalSuffix(w) {
			// "29th", "1er": the suffix says nothing about the date.
			start = -1
			return
		}
		toks = append(toks, token{w, n, start, end})
		start = -1
	}
	for i, r := range s {
		isWord := r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0xc0 && unicode.IsLetter(r)
		if isWord {
			// A number next to letters ("2nd", "1er") splits from them.
			if start >= 0 {
				prevDigit := s[i-1] >= '0' && s[i-1] <= '9'
				if prevDigit != (r >= '0' && r <= '9') {
					flush(i)
				}
			}
			if start < 0 {
				start = i
			}
		} else {
			flush(i)
		}
	}
	flush(len(s))
	return toks
}

// atoi is strconv.Atoi for a token, which is all digits or has none,
// without the error value Atoi allocates for each word.
func atoi(w string) (int, bool) {
	if w == "" || w[0] < '0' || w[0] > '9' {
		return 0, false
	}
	if len(w) > 18 {
		v, err := strconv.Atoi(w)
		return v, err == nil
	}
	v := 0
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return 0, false
		}
		v = v*10 + int(w[i]-'0')
	}
	return v, true
}

// reading is a date as a page writes it, with alt the other reading
// of one written in numbers that reads both ways (03.04.2020 is 3 April
// or, written month first, 4 March), else zero.
type reading struct{ t, alt time.Time }

// findDate finds the first date written in s: 2019-08-02, 02.08.2019,
// 08/02/2019 (month first only when the day cannot be first),
// "2 August 2019", "August 2, 2019", "2. August 2019".
func findDate(s string) time.Time {
	return readDate(s).t
}

// readDate finds the first date written in s, as findDate does, with
// the other reading of a day and month that can be read both ways. A
// long text is read a piece at a time, each piece overlapping the one
// before, so that a date early in it is found without reading the rest.
func readDate(s string) reading {
	var d dateScan
	if r := d.more(s); !r.t.IsZero() {
		return r
	}
	return d.last()
}

// dateScan reads a text for a date as readDate does while the text is
// still being written: more reads the pieces that the text so far
// completes, and last the rest once it is all written. A date early in
// a page's text is so found without writing out the rest.
type dateScan struct {
	s     string
	start int // where the next piece starts
}

// The most of a text read for a date, and the size of the pieces it is
// read in and of their overlap.
const (
	maxDateText  = 100000
	datePiece    = 4096
	pieceOverlap = 64
)

// more reads the pieces of s, the text so far (each call's s extends the
// last one's), that no more text can change, and returns the first date
// in them.
func (d *dateScan) more(s string) reading {
	if len(s) > maxDateText {
		s = s[:maxDateText]
	}
	d.s = s
	for len(s)-d.start > datePiece+pieceOverlap {
		end := d.start + datePiece
		if i := strings.IndexByte(s[end:], ' '); i >= 0 && i < pieceOverlap {
			end += i
		}
		if r := readPiece(s[d.start:end]); !r.t.IsZero() {
			return r
		}
		d.start = end - pieceOverlap
		if i := strings.IndexByte(s[d.start:end], ' '); i >= 0 {
			d.start += i
		}
	}
	return reading{}
}

// last reads what more left of the text for a date.
func (d *dateScan) last() reading {
	return readPiece(d.s[d.start:])
}

func readPiece(s string) reading {
	toks := dateTokens(s)
	for i := range toks {
		t := toks[i]
		// A name of a month, with a day before or after it and a year.
		if m, ok := monthNames[strings.TrimSuffix(t.s, ".")]; ok {
			if i >= 2 && skipWord(toks[i-1].s) && toks[i-2].num > 0 {
				y := -1
				if i+1 < len(toks) && toks[i+1].num >= 1995 {
					y = toks[i+1].num
				} else if i+2 < len(toks) && skipWord(toks[i+1].s) && toks[i+2].num >= 1995 {
					y = toks[i+2].num
				}
				if d, ok := mkDate(y, m, toks[i-2].num); ok && y > 0 {
					return reading{t: d}
				}
			}
			if i+1 < len(toks) && i > 0 && toks[i-1].num > 0 && toks[i+1].num >= 1995 {
				if d, ok := mkDate(toks[i+1].num, m, toks[i-1].num); ok {
					return reading{t: d}
				}
			}
			if i+2 < len(toks) && toks[i+1].num > 0 && toks[i+2].num >= 1995 {
				if d, ok := mkDate(toks[i+2].num, m, toks[i+1].num); ok {
					return reading{t: d}
				}
			}
			if i+3 < len(toks) && toks[i+1].num > 0 && skipWord(toks[i+2].s) && toks[i+3].num >= 1995 {
				if d, ok := mkDate(toks[i+3].num, m, toks[i+1].num); ok {
					return reading{t: d}
				}
			}
			continue
		}
		if t.num < 0 || i+2 >= len(toks) || toks[i+1].num < 0 || toks[i+2].num < 0 {
			continue
		}
		a, b, c := t.num, toks[i+1].num, toks[i+2].num
		switch {
		case len(t.s) == 4 && a >= 1995:
			if d, ok := mkDate(a, b, c); ok {
				return reading{t: d}
			}
		case len(toks[i+2].s) == 4 || (len(toks[i+2].s) == 2 && len(t.s) <= 2 && len(toks[i+1].s) <= 2):
			if !numericSeparators(s, toks[i:i+3]) {
				continue
			}
			if d, ok := mkDate(c, b, a); ok {
				r := reading{t: d}
				if a <= 12 && a != b {
					r.alt, _ = mkDate(c, a, b)
				}
				return r
			}
			if d, ok := mkDate(c, a, b); ok {
				return reading{t: d}
			}
		}
	}
	return reading{}
}

func ordinalSuffix(w string) bool {
	switch w {
	case "st", "nd", "rd", "th", "er", "e", "o", "º":
		return true
	}
	return false
}

func skipWord(w string) bool { return w == "de" || w == "of" || w == "del" }

// numericSeparators reports whether three numbers are written as one
// date: joined by the same mark (".", "/", "-" or "|", with spaces
// around it at most), as in 02.08.2019, 2019-08-02 or 26 | 01 | 2022,
// and never by words or a range ("vom 9.1. - 10.2.2023"). A two-digit
// year ("02.08.19") takes the mark alone, without spaces.
func numericSeparators(s string, t []token) bool {
	var mark rune
	tight := true
	for i := 0; i+1 < len(t); i++ {
		n := 0
		for _, r := range s[t[i].end:t[i+1].start] {
			switch {
			case unicode.IsSpace(r):
				tight = false
				continue
			case r == '.' || r == '/' || r == '-' || r == '|':
				if mark != 0 && r != mark {
					return false
				}
				mark = r
			default:
				return false
			}
			n++
		}
		if n == 0 || n > 3 {
			return false
		}
	}
	if len(t[2].s) == 2 {
		return tight && (mark == '.' || mark == '/')
	}
	return mark != 0
}
