package site_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/newsdesk/newsdesk/web/browsertest"
)

// TestBrowserRelatedArticles reads a post page in a real browser as a
// reader would: the story, its credit, its tags, and below them Related
// Articles, each a title and an excerpt ending in "...", one with a bare
// YouTube link that is a working link; then follows a related title.
func TestBrowserRelatedArticles(t *testing.T) {
	srv, db := serveRelated(t)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	lead := tagPost(t, db, "Harbour ferry sails again after pier repairs",
		"The harbour ferry carried passengers across the bay again after two weeks of repairs to the storm-damaged pier.\n\nThe operator added extra sailings for the weekend.",
		"Transport, Harbour", at)
	for i, s := range []struct{ headline, summary, tags string }{
		{"Ferry operator adds evening sailings across the bay", "Passengers asked for later crossings, and the ferry operator now runs evening sailings from the pier across the bay to the harbour, starting next week with three extra boats on weekdays and two at weekends.", "Transport"},
		{"Watch the new ferry arrive in the bay", "https://youtu.be/dQw4w9WgXcQ The new harbour ferry arrived in the bay, and passengers lined the pier to watch the operator's largest boat dock for the first time, cheered by a brass band and most of the town.", "Harbour"},
		{"Ferry fares across the bay to rise", "The ferry operator will raise fares for harbour crossings across the bay, blaming the cost of the pier repairs, the evening sailings and fuel, and says season tickets will rise by less than single fares.", "Transport"},
		{"Pier repairs finished ahead of schedule", "Engineers finished repairing the storm-damaged pier ahead of schedule, so the ferry could return to the harbour and carry passengers across the bay a week earlier than the operator had feared.", "Harbour"},
		{"School budget cut leaves music lessons in doubt", "The school board's budget cut means music lessons may go, parents were told at a crowded meeting.", "Schools"},
	} {
		tagPost(t, db, s.headline, s.summary, s.tags, at.Add(time.Duration(i+1)*time.Hour))
	}
	// The index follows the database a moment behind.
	eventually(t, srv, "/posts/"+lead.Slug, func(s []string) bool { return len(s) >= 4 })

	b := browsertest.New(t)
	ctx := b.Context()
	do, read := b.Do, b.Read

	do("open the post",
		chromedp.Navigate(srv.URL+"/posts/"+lead.Slug),
		chromedp.WaitVisible(chromedp.CSS("section.related li")))
	if got := read("headline", chromedp.Text(chromedp.CSS("article.post h1"))); got != lead.Headline {
		t.Errorf("headline %q", got)
	}
	if got := read("credit", chromedp.Text(chromedp.CSS("article.post .credit"))); got != "Read the full story at The Eastmere Courier" {
		t.Errorf("credit %q", got)
	}
	if got := read("tags", chromedp.Text(chromedp.CSS("article.post .tags"))); !strings.Contains(got, "Harbour") || !strings.Contains(got, "Transport") {
		t.Errorf("tags %q", got)
	}
	if got := read("section heading", chromedp.Text(chromedp.CSS("section.related h2"))); !strings.EqualFold(got, "Related Articles") {
		t.Errorf("section heading %q", got)
	}

	var titles []string
	youTube := false
	// Four ferry stories are related; the unrelated one may come fifth at
	// most.
	for i := 1; i <= 4; i++ {
		item := fmt.Sprintf("section.related li:nth-child(%d)", i)
		title := read("related title", chromedp.Text(chromedp.CSS(item+" h3")))
		excerpt := read("related excerpt", chromedp.Text(chromedp.CSS(item+" p")))
		titles = append(titles, title)
		words := len(strings.Fields(excerpt))
		if !strings.HasSuffix(excerpt, "...") || words < 25 || words > 31 {
			t.Errorf("excerpt of %q: %d words, %q; want about thirty ending in ...", title, words, excerpt)
		}
		if strings.HasPrefix(excerpt, "https://youtu.be/") {
			youTube = true
			link, err := chromedp.Run(ctx, chromedp.Attributes(chromedp.CSS(item+" p a")))
			if err != nil {
				t.Fatalf("YouTube link: %v", err)
			}
			if link["href"] != "https://youtu.be/dQw4w9WgXcQ" {
				t.Errorf("YouTube link goes to %q", link["href"])
			}
		}
	}
	if !youTube {
		t.Errorf("no related excerpt shows the YouTube link; titles %q", titles)
	}
	for _, title := range titles {
		if title == "School budget cut leaves music lessons in doubt" {
			t.Errorf("an unrelated story ranks among the first four: %q", titles)
		}
	}

	do("follow the first related title",
		chromedp.Click(chromedp.CSS("section.related li:first-child h3 a")),
		chromedp.WaitVisible(chromedp.CSS("article.post h1")))
	if got := read("headline after following", chromedp.Text(chromedp.CSS("article.post h1"))); got != titles[0] {
		t.Errorf("following %q led to %q", titles[0], got)
	}
}
