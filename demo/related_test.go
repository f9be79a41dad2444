package demo

import (
	"slices"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/related"
	"github.com/newsdesk/newsdesk/textproc"
)

// TestSeedPostsRelate checks that the seed posts give every post page a
// Related Articles list worth reading: tagged, on shared subjects, and one
// excerpt with a bare YouTube link, like the page newsdesk imitates.
func TestSeedPostsRelate(t *testing.T) {
	seeds := Posts()
	x := related.New(related.Options{})
	byHeadline := map[string]PostSeed{}
	for _, s := range seeds {
		tags, err := newsdesk.ParseTags(s.Tags)
		if err != nil || len(tags) == 0 {
			t.Errorf("%q: tags %q: %v", s.Headline, s.Tags, err)
		}
		var slugs []string
		for _, tg := range tags {
			slugs = append(slugs, tg.Slug)
		}
		x.Put(related.Doc{ID: s.Headline, Title: s.Headline, Text: s.Summary, Tags: slugs})
		byHeadline[s.Headline] = s
	}

	youTube := 0
	for _, s := range seeds {
		got := x.Related(s.Headline, 5)
		if len(got) < 3 {
			t.Errorf("%q has %d related posts, want at least 3", s.Headline, len(got))
		}
		if strings.HasPrefix(textproc.Excerpt(s.Summary, textproc.ExcerptOptions{Words: textproc.ExcerptWords}), "https://youtu.be/") {
			youTube++
		}
	}
	if youTube == 0 {
		t.Error("no seed post's excerpt starts with a bare YouTube link")
	}

	// Spot checks: stories of one event find each other first.
	for _, tc := range []struct{ post, want string }{
		{"A late header settles the Eastmere Cup final in Harbor City's favor", "Watch: Brandt's late header wins the Eastmere Cup for Harbor City FC"},
		{"Corran's unbuilt flood wall, and the argument over who should pay for it", "Regional assembly to ask who pays for flood defenses along the Tamsin"},
		{"Why the Strand Bridge repair ran $13 million over budget", "Strand Bridge carries traffic again after more than a year of repairs"},
	} {
		var ids []string
		for _, r := range x.Related(tc.post, 2) {
			ids = append(ids, r.ID)
		}
		if _, ok := byHeadline[tc.post]; !ok {
			t.Fatalf("no seed post %q", tc.post)
		}
		if !slices.Contains(ids, tc.want) {
			t.Errorf("related to %q: %q, want %q among the first two", tc.post, ids, tc.want)
		}
	}
}
