package extract

import (
	"strings"
	"testing"
)

// TestPublishedDate checks the heuristics that choose among a page's
// dates, each on a small page made for it.
func TestPublishedDate(t *testing.T) {
	nav := `<header><div class="top-bar">Thursday, 9 November 2023</div><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a> <a href="/culture">Culture and arts</a> <a href="/weather">Weather</a> <a href="/opinion">Opinion and letters</a> <a href="/business">Business and economy</a> <a href="/travel">Travel</a> <a href="/contact">Contact us</a></nav></header>`
	tests := []struct{ name, head, body, url, want string }{
		{"date under the title outvotes one declared",
			`<meta property="article:published_time" content="2021-11-22T17:42:22Z">`,
			`<h1>Harbour plans</h1><p class="byline">By Jane Doe, 1. Januar 2023</p><p>` + para + `</p>`,
			"https://gazette.example/harbour", "2023-01-01"},
		{"date under the title, not today's date in the header", ``,
			nav + `<h1>Harbour plans</h1><p>By Jane Doe | November 8, 2023 at 11:30 p.m.</p><p>` + para + `</p>`,
			"https://gazette.example/harbour", "2023-11-08"},
		{"dateline before the title, not a date in the prose after it", ``,
			nav + `<p>05.02.2020</p><h1>Harbour plans</h1><p>` + para + ` The workshop runs from 6. to 7. März 2020 in the town hall, and everyone is welcome to join.</p>`,
			"https://gazette.example/harbour", "2020-02-05"},
		{"dateline at the head of the first paragraph", ``,
			nav + `<h1>Harbour plans</h1><p>29.11.2022 – ` + para + ` ` + para + `</p>`,
			"https://gazette.example/harbour", "2022-11-29"},
		{"hidden update time beside the title is passed over", ``,
			`<h1>Harbour plans</h1><p><span class="updated rich-snippet-hidden">2022-12-07T10:10:52+01:00</span><span>25. Dezember 2022</span></p><p>` + para + `</p>`,
			"https://gazette.example/harbour", "2022-12-25"},
		{"hAtom update time beside the publication time", ``,
			`<h1>Harbour plans</h1><p><time class="updated" datetime="2022-12-29T15:36:19+01:00">29. Dezember 2022</time><time class="entry-date published" datetime="2022-12-30T07:00:40+01:00">30. Dezember 2022</time></p><p>` + para + `</p>`,
			"https://gazette.example/harbour", "2022-12-30"},
		{"comment dates do not vote",
			`<meta property="article:published_time" content="2012-06-30T00:48:32+00:00">`,
			`<h2>About us</h2><p>` + para + `</p><div id="comments"><ol class="comment-list"><li class="comment"><time datetime="2014-01-15T23:36:38+01:00">Januar 15, 2014 um 23:36</time> Joe sagt: nice</li></ol></div>`,
			"https://gazette.example/about", "2012-06-30"},
		{"labelled date, the label in its own element", ``,
			`<div><p>` + para + `</p><p>` + para + ` It opened on 15. Januar 2021.</p><p><b>Aktualisiert am </b>17.01.2021.</p></div>`,
			"https://gazette.example/harbour", "2021-01-17"},
		{"publication label before update label", ``,
			`<div><p>` + para + ` Seen on 31.10.2023 by many.</p><p class="foot">Letzte Änderung: 31.10.2023 - 14:49:39<br>Erschienen am: 01.11.2023<br>Lesungen: 61</p></div>`,
			"https://gazette.example/review", "2023-11-01"},
		{"microformat title attribute", ``,
			`<div id="wm-banner">Dec 10, 2012</div><div><p>` + para + `</p><span class="updated" title="2013-04-04T18:52:11+00:00">Apr 042013</span></div>`,
			"https://gazette.example/mozart", "2013-04-04"},
		{"day-first date in the URL", ``,
			`<p>` + para + `</p><footer>© 2018-04-17</footer>`,
			"https://gazette.example/meldungen/29-10-2021", "2021-10-29"},
		{"month-first date the declared date confirms",
			`<meta property="article:published_time" content="2021-11-01T04:00:14Z">`,
			`<h1>Harbour plans</h1><p class="info">Stand: 11/01/2021, 05:00</p><p>` + para + `</p>`,
			"https://gazette.example/harbour", "2021-11-01"},
		{"day first when nothing says otherwise", ``,
			`<h1>Harbour plans</h1><p class="info">Stand: 11/01/2021, 05:00</p><p>` + para + `</p>`,
			"https://gazette.example/harbour", "2021-01-11"},
		{"a shown date before the modification time", `<meta property="og:updated_time" content="2020-06-02T11:57:06+02:00">`,
			`<div><p class="date">31.03.2020</p><p>` + para + `</p></div>`,
			"https://gazette.example/harbour", "2020-03-31"},
		{"heading that holds the title", `<title>Queer Royal – Harbour plans delayed again and again</title>`,
			nav + `<h2>Column: Queer Royal - Harbour plans delayed again and again</h2><p><span>31. Oktober 2023.</span> ` + para + `</p>`,
			"https://gazette.example/harbour", "2023-10-31"},
		{"date line before the title, not the head of the paragraph after it", ``,
			nav + `<p>26. Januar 2022</p><h1>Harbour plans</h1><p>Since 15. Januar 2022 the rules in force at the harbour say that ` + para + `</p>`,
			"https://gazette.example/harbour", "2022-01-26"},
		{"microformat published title attribute", ``,
			`<div><p>` + para + `</p><abbr class="published" title="2013-04-04T18:52:11+00:00">4 days ago</abbr> <a href="/2013/04/01/older">older: 1 April 2013</a></div>`,
			"https://gazette.example/mozart", "2013-04-04"},
		{"date in the description when the page shows none", `<meta name="description" content="Bears: a record year (news of 14 Gennaio 2020)">`,
			`<h1>Bears</h1><p>` + para + `</p>`,
			"https://gazette.example/news.php?id=5", "2020-01-14"},
		{"date in the data of a script when the page shows none", `<script>var meta = {"product":{"id":12,"created_at":"2019-03-02T06:27:24+01:00","published_at":"2019-03-02T06:22:28+01:00"}};</script>`,
			`<h1>Coffee beans</h1><p>` + para + `</p>`,
			"https://gazette.example/shop/coffee", "2019-03-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := `<html><head>` + tt.head + `</head><body>` + tt.body + `</body></html>`
			a := extractString(t, page, tt.url)
			if got := a.Published.Format("2006-01-02"); got != tt.want {
				t.Errorf("published %s, want %s", got, tt.want)
			}
		})
	}
}

// TestNumericDates checks that three numbers are read as a date only
// when written as one.
func TestNumericDates(t *testing.T) {
	tests := []struct{ in, want string }{
		{"26 | 01 | 2022", "2022-01-26"},
		{"4.\u20092.\u20092022.", "2022-02-04"},
		{"10.12.19", "2019-12-10"},
		{"10 .12 .19", ""},
		{"vom 9.1. -10.2.2023 die", "2023-02-10"},
		{"vom 9.1. - 10", ""},
		{"Seite 3 von 12 2022", ""},
		{"02.08.19", "2019-08-02"},
		{"02 . 08 . 19", ""},
		{"Az. 3/12-2019", ""},
		{"Tel 12 10 2019", ""},
	}
	for _, tt := range tests {
		got := findDate(tt.in)
		s := ""
		if !got.IsZero() {
			s = got.Format("2006-01-02")
		}
		if s != tt.want {
			t.Errorf("findDate(%q) = %q, want %q", tt.in, s, tt.want)
		}
	}
	if r := readDate("Stand: 11/01/2021"); r.t.Format("2006-01-02") != "2021-01-11" || r.alt.Format("2006-01-02") != "2021-11-01" {
		t.Errorf("readDate gives %v or %v, want 2021-01-11 or 2021-11-01", r.t, r.alt)
	}
	if r := readDate("13/01/2021"); !r.alt.IsZero() {
		t.Errorf("readDate(13/01/2021) has another reading, %v", r.alt)
	}
}

// TestLongTextDate checks that the first date of a long text is found
// wherever it stands, across the pieces the text is read in.
func TestLongTextDate(t *testing.T) {
	filler := strings.Repeat("word ", 5000)
	for _, at := range []int{0, 4090, 4095, 4100, 8150, 20000} {
		s := filler[:at] + " 12. Mai 2019 " + filler + " 3. Juni 2020"
		if got := findDate(s).Format("2006-01-02"); got != "2019-05-12" {
			t.Errorf("date at %d: got %s", at, got)
		}
	}
	if got := findDate(filler + filler); !got.IsZero() {
		t.Errorf("no date: got %v", got)
	}
	for _, tt := range []struct{ src, key, want string }{
		{`{"publishedAt":"2022-01-31T15:58:43+01:00"}`, "publishedAt", "2022-01-31"},
		{`"{\"publishedAt\": \"2022-01-31T15:58:43Z\"}"`, "publishedAt", "2022-01-31"},
		{`x.publishedAt = 1; y = {"publishedAt" : "2022-01-31"}`, "publishedAt", "2022-01-31"},
		{`{"createdAt": "soon"}`, "createdAt", ""},
		{`{"createdAtLabel": "2022-01-31"}`, "createdAt", ""},
	} {
		got := scriptDate(tt.src, tt.key)
		if s := got.Format("2006-01-02"); (tt.want == "") != got.IsZero() || tt.want != "" && s != tt.want {
			t.Errorf("scriptDate(%s, %s) = %v, want %q", tt.src, tt.key, got, tt.want)
		}
	}
	if got := urlDate("/media-news/meldungen/29-10-2021").Format("2006-01-02"); got != "2021-10-29" {
		t.Errorf("urlDate day first = %s", got)
	}
}
