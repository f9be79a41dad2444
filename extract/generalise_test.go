package extract

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// The tests in this file each hold one of the rules added so that
// extraction generalises beyond the pages it was tuned on (issue 14),
// on hand-written pages.

// TestCommentedPostIsNotComments: "commented" says a post has comments;
// the post's own container is not a comment section for it.
func TestCommentedPostIsNotComments(t *testing.T) {
	for _, tc := range []struct {
		name, class string
		kept        bool
	}{
		{"post that has comments", "post hentry status-published commented", true},
		{"page without comments", "post no-comments", true},
		{"comment section", "comment-list", false},
		{"comments area", "post comments-area", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := `<html><body><div class="wrap"><article class="` + tc.class + `"><h1>Lake swim</h1>
<p>` + para + `</p><p>` + para + ` The swimmers crossed in under an hour.</p><p>` + para + ` Nobody was hurt.</p></article></div></body></html>`
			a := extractString(t, page, "https://example.org/swim")
			if got := strings.Contains(a.Text, "crossed in under an hour"); got != tc.kept {
				t.Errorf("class %q: article kept %v, want %v:\n%s", tc.class, got, tc.kept, a.Text)
			}
		})
	}
}

// TestStaleMetaCharset: a page whose own <meta> names a legacy charset
// but whose bytes are UTF-8 is read as UTF-8; a page really in that
// charset is still read in it, and an HTTP header still wins.
func TestStaleMetaCharset(t *testing.T) {
	text := "人工智能迈上新台阶。研究人员说，新电脑已可利用记忆自学，这是一个重要的进步。"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	latin := "caf\xe9 cr\xe8me br\xfbl\xe9e, na\xefve r\xe9sum\xe9 \xe0 la fa\xe7ade, d\xe9j\xe0 vu"
	for _, tc := range []struct {
		name, body, contentType, want string
	}{
		{"utf-8 under a stale gb2312", `<meta charset="gb2312"><p>` + text + `</p>`, "", text},
		{"real gbk", `<meta charset="gb2312"><p>` + gbk + `</p>`, "", text},
		{"real windows-1252", `<meta charset="iso-8859-1"><p>` + latin + `</p>`, "", "café crème brûlée, naïve résumé à la façade, déjà vu"},
		{"header wins", `<p>` + gbk + `</p>`, "text/html; charset=gbk", text},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(decode([]byte(tc.body), tc.contentType))
			if !strings.Contains(got, tc.want) {
				t.Errorf("decoded %q, want it to hold %q", got, tc.want)
			}
		})
	}
}

// TestWholePageWhenNothingScores: a page with no paragraph to score (a
// short note, headings over pictures, text inside a link) gives its
// visible text, without the furniture, rather than nothing.
func TestWholePageWhenNothingScores(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"bare text", `<body>Closed today</body>`, []string{"Closed today"}},
		{"text in a link", `<body><a href="javascript:"><p>abc</p><p>def</p>ghi</a></body>`, []string{"abc", "def", "ghi"}},
		{"headings over pictures", `<body><nav><a href="/">Home</a></nav><article><h2>Case one</h2><img src="a.jpg"><h2>Case two</h2><img src="b.jpg"></article></body>`,
			[]string{"Case one", "Case two"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := extractString(t, "<html>"+tc.body+"</html>", "https://example.org/")
			for _, w := range tc.want {
				if !strings.Contains(a.Text, w) {
					t.Errorf("text %q lacks %q", a.Text, w)
				}
			}
			if strings.Contains(a.Text, "Home") {
				t.Errorf("navigation kept: %q", a.Text)
			}
		})
	}
}

// TestSectionIDsFromHeadings: documentation tools give each section an
// id made from its heading; words of furniture in it ("sharing",
// "related") do not make the section furniture. A real box keeps its
// name's meaning.
func TestSectionIDsFromHeadings(t *testing.T) {
	for _, tc := range []struct {
		name, id, heading string
		kept              bool
	}{
		{"slug of its heading", "sharing-with-a-single-developer", "Sharing with a single developer", true},
		{"slug with punctuation", "related-work-2020", "Related work (2020)", true},
		{"box named related", "related-posts", "You may also like", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := `<html><body><div class="document"><h1>Guide</h1><p>` + para + `</p><p>` + para + ` First part.</p><p>` + para + ` Second part.</p>
<div class="section" id="` + tc.id + `"><h2>` + tc.heading + `</h2><p>The section's own words are here, in a paragraph of some length.</p></div></div></body></html>`
			a := extractString(t, page, "https://docs.example.org/guide")
			if got := strings.Contains(a.Text, "The section's own words are here"); got != tc.kept {
				t.Errorf("id %q: section kept %v, want %v:\n%s", tc.id, got, tc.kept, a.Text)
			}
		})
	}
}

// TestShortPostNotItsHeadlineLink: a post of short lines under a
// headline that links to itself is the post, not the link.
func TestShortPostNotItsHeadlineLink(t *testing.T) {
	page := `<html><body><div id="content"><div class="post">
<h2 class="posttitle"><a href="https://blog.example/2013/06/nothing">The possibility of doing nothing is a possibility too</a></h2>
<p>"I know I'm drunk and should not say this..."</p><p>- "Then don't."</p><p>- "Ok."</p></div></div></body></html>`
	a := extractString(t, page, "https://blog.example/2013/06/nothing")
	if !strings.Contains(a.Text, "Then don't.") {
		t.Errorf("post lost: %q", a.Text)
	}
}

// TestCookieNoticeNeverTheArticle: a cookie notice is removed even when
// the article is short enough for the gentle reading, which keeps
// other furniture words.
func TestCookieNoticeNeverTheArticle(t *testing.T) {
	page := `<html><body><div class="post"><h1>Short note</h1><p>The library opens an hour later on Monday, the council said today.</p><p>` + para + `</p><p>` + para + `</p></div>
<div class="widget widget_eu_cookie_law_widget"><form><p>Privacy and cookies: this site uses cookies. By continuing to use this website, you agree to their use, as the law requires us to tell you.</p>
<p>To find out more, including how to control cookies, see here: our cookie policy and the rules that apply to it in every country.</p></form></div></body></html>`
	a := extractString(t, page, "https://example.org/note")
	if strings.Contains(a.Text, "cookies") || !strings.Contains(a.Text, "opens an hour later") {
		t.Errorf("text %q", a.Text)
	}
}

// TestUnsureScoresTrustTheDeclaredArticle: when no container holds
// clearly more paragraph text than other text (a post of short facts),
// the element that declares itself the article is taken, rather than
// whichever box happens to hold one longer line.
func TestUnsureScoresTrustTheDeclaredArticle(t *testing.T) {
	page := `<html><body><div id="main"><article class="post"><h1>Film swap, April</h1>
<h3>Places</h3><p>Shuji: Japan.</p><p>Walter: Germany.</p><h3>Film</h3><p>Fuji X-TRA 400.</p>
<h3>Cameras</h3><p>Shuji: Widelux.</p><p>Walter: Pentax Z-1p.</p><h3>Order of exposure</h3><ol><li>Shuji.</li><li>Walter.</li></ol></article>
<div class="box"><p>This blog collects double exposures made by two photographers on one film.</p></div></div></body></html>`
	a := extractString(t, page, "https://example.org/swap")
	for _, s := range []string{"Fuji X-TRA 400.", "Walter: Pentax Z-1p."} {
		if !strings.Contains(a.Text, s) {
			t.Errorf("text lacks %q:\n%s", s, a.Text)
		}
	}
	_, ex, _ := ExtractExplain([]byte(page), "", nil)
	var b strings.Builder
	ex.WriteText(&b)
	if !strings.Contains(b.String(), "chosen for declaring itself the article") {
		t.Errorf("explanation does not say why the article was chosen:\n%s", b.String())
	}
}

// TestKickerBeforeHeadline: an <h1> that shows a label before the
// headline ("Immobilienkrise Rene Benko-Firma in Sorge") gives the
// headline the page declares.
func TestKickerBeforeHeadline(t *testing.T) {
	for _, tc := range []struct{ name, head, want string }{
		{"kicker span", `<meta property="og:title" content="Signa in trouble over its accounts | Daily"><meta property="og:site_name" content="Daily"><h1><span>Property crisis</span> Signa in trouble over its accounts</h1>`, "Signa in trouble over its accounts"},
		{"h1 agrees", `<meta property="og:title" content="Signa in trouble over its accounts"><h1>Signa in trouble over its accounts</h1>`, "Signa in trouble over its accounts"},
		{"no declared title", `<h1>Property crisis: Signa in trouble</h1>`, "Property crisis: Signa in trouble"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := extractString(t, `<html><head>`+tc.head+`</head><body><p>`+para+`</p></body></html>`, "https://daily.example/signa")
			if a.Title != tc.want {
				t.Errorf("title %q, want %q", a.Title, tc.want)
			}
		})
	}
}

// TestOneWordHeadingIsALabel: a main heading of one word ("Details",
// "News", "Lorem") is a label when the page's <title> says more; the
// <title> is the headline. A heading of several words still wins.
func TestOneWordHeadingIsALabel(t *testing.T) {
	for _, tc := range []struct{ name, title, h1, want string }{
		{"label", "Riesling birthday: posts to win", "Details", "Riesling birthday: posts to win"},
		{"label among sidebar headings", "Media in October", "Categories</h1><h1>Search", "Media in October"},
		{"headline", "Town Gazette", "Library plans approved", "Library plans approved"},
		{"one word everywhere", "Chorgeschichte", "Chorgeschichte", "Chorgeschichte"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := extractString(t, `<html><head><title>`+tc.title+`</title></head><body><h1>`+tc.h1+`</h1><p>`+para+`</p></body></html>`, "https://example.org/a")
			if a.Title != tc.want {
				t.Errorf("title %q, want %q", a.Title, tc.want)
			}
		})
	}
}

// TestBylineSources holds three byline rules: JSON-LD wrapped in CDATA
// or a comment is read; "authority" in a class is not "author"; a name
// keeps the bracket it closes.
func TestBylineSources(t *testing.T) {
	ld := `{"@context":"https://schema.org","@type":"Article","headline":"New Zealand","author":{"@type":"Organization","name":"Contributors to Wikimedia projects"}}`
	for _, tc := range []struct{ name, head, body, want string }{
		{"ld in cdata", `<script type="application/ld+json"><![CDATA[` + ld + `]]></script>`, ``, "Contributors to Wikimedia projects"},
		{"ld in comment", `<script type="application/ld+json"><!--` + ld + `--></script>`, ``, "Contributors to Wikimedia projects"},
		{"authority", ``, `<div class="navbox authority-control">Authority control</div>`, ""},
		{"bracket kept", ``, `<p class="byline">By Bradley M. Kuhn (bkuhn)</p>`, "Bradley M. Kuhn (bkuhn)"},
		{"stray bracket trimmed", ``, `<p class="byline">(By Jane Doe)</p>`, "Jane Doe"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := extractString(t, `<html><head>`+tc.head+`</head><body><article><h1>New Zealand</h1><p>`+para+`</p><p>`+para+`</p></article>`+tc.body+`</body></html>`, "https://example.org/a")
			if a.Byline != tc.want {
				t.Errorf("byline %q, want %q", a.Byline, tc.want)
			}
		})
	}
}

// TestCleanBylines holds the rules that cut a byline to the name.
func TestCleanBylines(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Loïc Le Clerc", "Loïc Le Clerc"},               // "le" is a name word here
		{"Jeanne Dupont le 3 mai 2021", "Jeanne Dupont"}, // and a date's word here
		{"Jane Doe on March 3, 2020", "Jane Doe"},
		{"Williams Perdomo @wperdomod", "Williams Perdomo"},
		{"Sara Zinnecker Stand: 12.01.2022", "Sara Zinnecker"},
		{"Interview: Julia Lauter", "Julia Lauter"},
		{"Text und Bild: Harald Willenbrock", "Harald Willenbrock"},
	} {
		if got := cleanAuthor(tc.in); got != tc.want {
			t.Errorf("cleanAuthor(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestFirstNameCompleted: a first name alone in one source is completed
// by another that gives the whole name.
func TestFirstNameCompleted(t *testing.T) {
	page := `<html><head><meta property="og:site_name" content="Pamela Anderson"><meta name="author" content="Pamela Anderson"></head><body>
<article><h1>Yellow vests and I</h1><p>By Pamela</p><p>` + para + `</p><p>` + para + `</p></article></body></html>`
	a := extractString(t, page, "https://pamela.example/yellow")
	if a.Byline != "Pamela Anderson" {
		t.Errorf("byline %q", a.Byline)
	}
}

// TestKickerElementInHeading: a label in an element of its own before
// the headline in the <h1> is left out when a declared title holds the
// headline without it; style sheets inside a heading are no part of it.
func TestKickerElementInHeading(t *testing.T) {
	for _, tc := range []struct{ name, head, h1, want string }{
		{"kicker span", `<meta property="og:title" content="After the reopening: car dealers expect a slow start | MDR">`,
			`<span class="dachzeile">After the reopening</span> <span class="headline">Car dealers expect a slow start</span>`, "Car dealers expect a slow start"},
		{"style in heading", ``, `<style>.css-umyvef{font-size:16px}</style>Vaccinations possible everywhere until February`, "Vaccinations possible everywhere until February"},
		{"no declared title", ``, `<span>Property crisis</span> Signa in trouble over its accounts`, "Property crisis Signa in trouble over its accounts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := extractString(t, `<html><head>`+tc.head+`</head><body><h1>`+tc.h1+`</h1><p>`+para+`</p></body></html>`, "https://example.org/a")
			if a.Title != tc.want {
				t.Errorf("title %q, want %q", a.Title, tc.want)
			}
		})
	}
}

// TestSoftHyphensAndRuby: soft hyphens are no part of the words they
// break, and ruby readings are no part of the text they annotate.
func TestSoftHyphensAndRuby(t *testing.T) {
	page := `<html><body><article><p>Schon im Mit&shy;tel&shy;al&shy;ter war der St. Mag&shy;da&shy;le&shy;ner das Aus&shy;hän&shy;ge&shy;schild der Süd&shy;ti&shy;ro&shy;ler Wein&shy;wirt&shy;schaft.</p>
<p><ruby>子<rp>(</rp><rt>こ</rt><rp>)</rp></ruby>どもへの<ruby>虐待<rt>ぎゃくたい</rt></ruby>をなくすための<ruby>法律<rt>ほうりつ</rt></ruby>ができて、<ruby>親<rt>おや</rt></ruby>が子どもを教育するために、</p></article></body></html>`
	a := extractString(t, page, "https://example.org/a")
	for _, s := range []string{"Mittelalter war der St. Magdalener das Aushängeschild", "子どもへの虐待をなくすための法律ができて、親が"} {
		if !strings.Contains(a.Text, s) {
			t.Errorf("text lacks %q:\n%s", s, a.Text)
		}
	}
}

// TestContactAndRatingCloseThePage: a contact block or a call to rate
// the article after its text is no part of it; a last paragraph that
// only mentions contacting someone stays.
func TestContactAndRatingCloseThePage(t *testing.T) {
	page := `<html><body><article><h1>Hydrants checked</h1><p>` + para + `</p><p>` + para + `</p>
<p>Police asked anyone who saw the two men to contact the station in Market Street, which is open day and night.</p>
<p>Was this helpful? Rate this article.</p><p>Press contact: Jane Roe, Tel.: 0123 456 789, e-mail: press@example.org</p></article></body></html>`
	a := extractString(t, page, "https://example.org/hydrants")
	if !strings.Contains(a.Text, "Police asked anyone") {
		t.Errorf("last paragraph lost:\n%s", a.Text)
	}
	for _, s := range []string{"Rate this", "Press contact"} {
		if strings.Contains(a.Text, s) {
			t.Errorf("text keeps %q:\n%s", s, a.Text)
		}
	}
}

// TestBylineLabelsAndCopyright: a label marked as part of the byline
// ("Posted") does not hide the name marked after it; a copyright notice
// names no author (a theme's maker, a publisher, a photo agency).
func TestBylineLabelsAndCopyright(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"label before name", `<div class="entry-meta"><span class="meta-prep-author">Posted </span><span class="author vcard"><a class="url fn n" href="/author/w">Walter von Aachen</a></span></div>`, "Walter von Aachen"},
		{"copyright holder is not the author", `<div class="copyrights-area"><p>(c) Themegraphy • All rights reserved</p></div>`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := extractString(t, `<html><body><article><h1>Notes</h1>`+tc.body+`<p>`+para+`</p><p>`+para+`</p></article></body></html>`, "https://example.org/a")
			if a.Byline != tc.want {
				t.Errorf("byline %q, want %q", a.Byline, tc.want)
			}
		})
	}
}

// TestHeadingThatIsTheSiteName: a heading that repeats the last part of
// the <title> ("... | Security Blog") is the site's name in the page
// header, not the headline; a headline that opens the <title> stays.
func TestHeadingThatIsTheSiteName(t *testing.T) {
	for _, tc := range []struct{ name, title, body, want string }{
		{"site name heading", "Enhanced protection now available in Chrome | Security Blog", `<h1>Security Blog</h1><h2>Enhanced protection now available in Chrome</h2>`, "Enhanced protection now available in Chrome"},
		{"headline heading", "Podcasts in Plex | A long name of a blog about media servers", `<h1>Podcasts in Plex</h1>`, "Podcasts in Plex"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := extractString(t, `<html><head><title>`+tc.title+`</title></head><body>`+tc.body+`<p>`+para+`</p></body></html>`, "https://example.org/a")
			if a.Title != tc.want {
				t.Errorf("title %q, want %q", a.Title, tc.want)
			}
		})
	}
}

// TestNarrowToTheArticleBody: when a block inside the best-scored one
// holds nearly all its paragraph text, that block is the article and
// the wrapper's other lines stay out.
func TestNarrowToTheArticleBody(t *testing.T) {
	page := `<html><body><main><article><header><h1>Library plans approved</h1><div>Reading time 4 min.</div><div>Audio 3 min.</div></header>
<div class="entry-content"><p>` + para + `</p><p>` + para + ` Work starts in spring.</p><p>` + para + ` The roof gets a garden.</p></div>
<footer><div>Share it.</div><div>Print it.</div></footer></article></main></body></html>`
	a := extractString(t, page, "https://example.org/library")
	if !strings.Contains(a.Text, "The roof gets a garden.") {
		t.Errorf("article lost:\n%s", a.Text)
	}
	for _, s := range []string{"Reading time", "Audio"} {
		if strings.Contains(a.Text, s) {
			t.Errorf("text keeps %q:\n%s", s, a.Text)
		}
	}
}

// TestAuthorBiographyAtTheEnd: a closing line that opens with the
// byline's name is the author's biography; a line that names the
// author inside the text stays.
func TestAuthorBiographyAtTheEnd(t *testing.T) {
	page := `<html><head><meta name="author" content="Candice Sealey"></head><body><article><h1>Shine bright</h1><p>` + para + `</p><p>` + para + `</p>
<p>Ask Candice Sealey about the plans and she will tell you they were worth the wait, for the town and for her.</p>
<p>Candice Sealey is the Founder and Principal Consultant at Ignite, a marketing and public relations consultancy.</p></article></body></html>`
	a := extractString(t, page, "https://example.org/shine")
	if strings.Contains(a.Text, "Principal Consultant") || !strings.Contains(a.Text, "Ask Candice Sealey") {
		t.Errorf("text:\n%s", a.Text)
	}
}

// TestDisclosureBeforeTheArticle: a notice that the article is
// advertising or holds affiliate links, before its text, is no part of
// it.
func TestDisclosureBeforeTheArticle(t *testing.T) {
	page := `<html><body><article><h1>Straw bags</h1><p>*Werbung. Dieser Beitrag enthält Werbung für eine Marke, die uns die Taschen geschenkt hat.</p>
<p>This post contains affiliate links, and we earn a small commission when you buy through them.</p><p>` + para + `</p><p>` + para + `</p></article></body></html>`
	a := extractString(t, page, "https://example.org/bags")
	if strings.Contains(a.Text, "Werbung") || strings.Contains(a.Text, "affiliate") || !strings.Contains(a.Text, "The council met") {
		t.Errorf("text:\n%s", a.Text)
	}
}

// TestChineseByline: Chinese bylines ("责任编辑：焦鹏", "作者：…") give the
// name; names in scripts without case read as names.
func TestChineseByline(t *testing.T) {
	page := `<html><body><article><h1>新闻</h1><p>人工智能迈上新台阶。研究人员说，新电脑已可利用记忆自学，这是一个重要的进步，对未来的研究意义重大。</p>
<p>人工智能迈上新台阶。研究人员说，新电脑已可利用记忆自学，这是一个重要的进步，对未来的研究意义重大。</p><div class="p-tags"><span>责任编辑： 焦鹏</span></div></article></body></html>`
	a := extractString(t, page, "https://example.cn/a")
	if a.Byline != "焦鹏" {
		t.Errorf("byline %q", a.Byline)
	}
}

// TestTitleWithSeveralTrailingParts: a <title> that adds the site's name
// and its tagline after the headline gives the headline.
func TestTitleWithSeveralTrailingParts(t *testing.T) {
	a := extractString(t, `<html><head><title>The probably most colourful music video : Crime blog archive | Inquiries into a genre | Since 2005</title></head><body><p>`+para+`</p></body></html>`, "https://example.org/a")
	if a.Title != "The probably most colourful music video" {
		t.Errorf("title %q", a.Title)
	}
}

// TestNewsroomAuthorYieldsToPerson: when the data names an organisation
// (a station, a newsroom) as the author, a person the page names is the
// byline.
func TestNewsroomAuthorYieldsToPerson(t *testing.T) {
	page := `<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"Storm","author":{"@type":"Organization","name":"KTRK-TV"}}</script></head>
<body><article><h1>Storm</h1><p class="byline">By Alex Bozarjian</p><p>` + para + `</p><p>` + para + `</p></article></body></html>`
	a := extractString(t, page, "https://example.org/storm")
	if a.Byline != "Alex Bozarjian" {
		t.Errorf("byline %q", a.Byline)
	}
}

// TestShortParagraphs: a paragraph of a word or two that ends no
// sentence is a button or a label ("Drucken"); one of three words is
// text ("Übung, Übung, Übung").
func TestShortParagraphs(t *testing.T) {
	page := `<html><body><article><h1>Grenzen setzen</h1><p>` + para + `</p><p>Übung, Übung, Übung</p><p>` + para + `</p><p>Drucken</p><p>` + para + `</p></article></body></html>`
	a := extractString(t, page, "https://example.org/a")
	if !strings.Contains(a.Text, "Übung, Übung, Übung") || strings.Contains(a.Text, "Drucken") {
		t.Errorf("text:\n%s", a.Text)
	}
}

// TestHeadingFragmentOfTitle: a heading that says only part of the
// declared title (a kicker, a series name) does not stand for it.
func TestHeadingFragmentOfTitle(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"fragment", `<h2>Open Journalism Project:</h2>`, "The Open Journalism Project: Better Student Journalism"},
		{"the title without the site", `<h1>The Open Journalism Project: Better Student Journalism</h1>`, "The Open Journalism Project: Better Student Journalism"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := extractString(t, `<html><head><title>The Open Journalism Project: Better Student Journalism — Medium</title><meta property="og:title" content="The Open Journalism Project: Better Student Journalism"><meta property="og:site_name" content="Medium"></head><body>`+tc.body+`<p>`+para+`</p></body></html>`, "https://medium.example/a")
			if a.Title != tc.want {
				t.Errorf("title %q, want %q", a.Title, tc.want)
			}
		})
	}
}

// TestUserNameYieldsToPersonName: a byline that reads as a user name
// yields to a person's name another source gives.
func TestUserNameYieldsToPersonName(t *testing.T) {
	page := `<html><head><meta name="author" content="christian.stadtfeld"></head><body><article><h1>Notes</h1>
<p class="byline">Von Christian P. Stadtfeld</p><p>` + para + `</p><p>` + para + `</p></article></body></html>`
	a := extractString(t, page, "https://example.org/a")
	if a.Byline != "Christian P. Stadtfeld" {
		t.Errorf("byline %q", a.Byline)
	}
}

// TestSiteNameIsNoAuthor: a byline that spells the site's name as its
// address or its <title> give it yields to a person's name.
func TestSiteNameIsNoAuthor(t *testing.T) {
	for _, tc := range []struct{ name, head, url, want string }{
		{"address", `<title>What we do not want to hear</title><meta name="author" content="Interscenario">`, "https://interscenar.io/hoeren", "Jane Roe"},
		{"title's site part", `<title>The most colourful video | Krimiblog-Archiv</title><meta name="author" content="Krimiblog-Archiv">`, "https://blog.example/video", "Jane Roe"},
		{"only the site", `<title>The most colourful video | Krimiblog-Archiv</title><meta name="author" content="Krimiblog-Archiv">`, "https://blog.example/video", "Krimiblog-Archiv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			byline := `<p class="byline">By Jane Roe</p>`
			if tc.name == "only the site" {
				byline = ""
			}
			a := extractString(t, `<html><head>`+tc.head+`</head><body><article><h1>Video</h1>`+byline+`<p>`+para+`</p><p>`+para+`</p></article></body></html>`, tc.url)
			if a.Byline != tc.want {
				t.Errorf("byline %q, want %q", a.Byline, tc.want)
			}
		})
	}
}

// TestHeadingLinesKeepTheirSpace: lines of a heading split by a <br> or
// a block are separate words, not glued together.
func TestHeadingLinesKeepTheirSpace(t *testing.T) {
	a := extractString(t, `<html><body><h1>Truckwash A31<br>Open day<div>in May</div></h1><p>`+para+`</p></body></html>`, "https://example.org/a")
	if a.Title != "Truckwash A31 Open day in May" {
		t.Errorf("title %q", a.Title)
	}
}
