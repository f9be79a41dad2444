package newsdesk_test

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk"
)

// FuzzParseTags feeds ParseTags what an editor (or a script through the
// API) might type, and checks that whatever it accepts can be stored.
func FuzzParseTags(f *testing.F) {
	for _, s := range []string{"", "Transport, Harbor City", "Café, cafe, CAFÉ", " , ,,", "???", "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u", "Ünïcödé tägs, Гавань", "x\x00y, \xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tags, err := newsdesk.ParseTags(s)
		if err != nil {
			if newsdesk.ErrorCode(err) != newsdesk.EINVALID {
				t.Fatalf("error %v, want EINVALID", err)
			}
			return
		}
		if len(tags) > newsdesk.MaxTags {
			t.Fatalf("%d tags accepted", len(tags))
		}
		for i, tg := range tags {
			if tg.Slug == "" || tg.Slug != newsdesk.TagSlug(tg.Name) || strings.Trim(tg.Slug, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
				t.Fatalf("tag %+v: bad slug", tg)
			}
			if !utf8.ValidString(tg.Name) || strings.ContainsFunc(tg.Name, unicode.IsControl) {
				t.Fatalf("tag %q: broken UTF-8 or control characters", tg.Name)
			}
			if tg.Name != strings.TrimSpace(tg.Name) || strings.Contains(tg.Name, ",") || utf8.RuneCountInString(tg.Name) > newsdesk.MaxTagLength {
				t.Fatalf("tag %+v: bad name", tg)
			}
			if i > 0 && tags[i-1].Slug >= tg.Slug {
				t.Fatalf("tags not sorted and unique by slug: %+v", tags)
			}
		}
		p := newsdesk.Post{Headline: "h", Summary: "s", Status: newsdesk.PostDraft, SourceName: "x", OriginalURL: "https://x.example/", Tags: tags}
		if err := p.Validate(); err != nil {
			t.Fatalf("accepted tags %+v fail Validate: %v", tags, err)
		}
		// Written back and parsed again, they are the same tags.
		again, err := newsdesk.ParseTags(newsdesk.JoinTags(tags))
		if err != nil || !slices.Equal(again, tags) {
			t.Fatalf("round trip %+v -> %+v, %v", tags, again, err)
		}
	})
}
