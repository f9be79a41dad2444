package newsdesk_test

import (
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk"
)

// Every check that text is there treats text that shows nothing as
// missing, and every length is counted in characters, as the messages say.
func TestValidateBlankAndLength(t *testing.T) {
	post := func(edit func(*newsdesk.Post)) func() error {
		return func() error {
			p := &newsdesk.Post{Headline: "Bridge closes", Summary: "The bridge is shut.", Status: newsdesk.PostDraft,
				SourceName: "Harbor City Ledger", OriginalURL: "https://ledger.example/a"}
			edit(p)
			return p.Validate()
		}
	}
	user := func(name, email string) func() error {
		return func() error {
			u := &newsdesk.User{Email: email, Name: name, Role: newsdesk.RoleEditor, PasswordHash: "x"}
			return u.Validate()
		}
	}
	source := func(name, feedURL string) func() error {
		return func() error { return (&newsdesk.Source{Name: name, FeedURL: feedURL}).Validate() }
	}
	const feed = "https://ledger.example/feed.xml"
	tests := []struct {
		name     string
		validate func() error
		message  string // "" when valid
	}{
		{"post", post(func(p *newsdesk.Post) {}), ""},
		{"zero-width headline", post(func(p *newsdesk.Post) { p.Headline = "\u200B" }),
			"A post needs a headline: this one shows nothing, only spaces or invisible characters such as zero-width spaces."},
		{"headline of bidi controls and a BOM", post(func(p *newsdesk.Post) { p.Headline = "\u202E\u2066\uFEFF" }),
			"A post needs a headline: this one shows nothing, only spaces or invisible characters such as zero-width spaces."},
		{"empty headline", post(func(p *newsdesk.Post) { p.Headline = "" }), "A post needs a headline."},
		{"summary of ideographic spaces", post(func(p *newsdesk.Post) { p.Summary = "\u3000\u3000" }),
			"A post needs a summary: this one shows nothing, only spaces or invisible characters such as zero-width spaces."},
		{"credit that shows nothing", post(func(p *newsdesk.Post) { p.SourceName = "\u200B" }), "A post must credit the original article."},
		// 300 Cyrillic letters are 600 bytes: the limit is in characters.
		{"300-character headline in Cyrillic", post(func(p *newsdesk.Post) { p.Headline = strings.Repeat("ж", 300) }), ""},
		{"301-character headline", post(func(p *newsdesk.Post) { p.Headline = strings.Repeat("ж", 301) }), "A headline must be at most 300 characters."},
		{"20,000-character summary in Greek", post(func(p *newsdesk.Post) { p.Summary = strings.Repeat("λ", 20_000) }), ""},

		{"source", source("Harbor City Ledger", feed), ""},
		{"source named with zero-width spaces", source("\u200B\u200B", feed),
			"A source needs a name: this one shows nothing, only spaces or invisible characters such as zero-width spaces."},
		{"source with no name", source("", feed), "A source needs a name."},
		{"feed URL of 2,048 characters", source("Ledger", feed+"?q="+strings.Repeat("a", 2048-len(feed)-3)), ""},
		{"feed URL too long", source("Ledger", feed+"?q="+strings.Repeat("a", 2048)), "A feed URL must be at most 2048 characters."},

		{"user", user("Edna Editor", "edna@example.org"), ""},
		{"user with no name", user("", "edna@example.org"), ""},
		{"user named with a soft hyphen", user("\u00AD", "edna@example.org"),
			"A name must show something: this one has only spaces or invisible characters such as zero-width spaces. Leave it out or write one."},
		{"user name of 200 characters", user(strings.Repeat("é", 200), "edna@example.org"), ""},
		{"user name too long", user(strings.Repeat("é", 201), "edna@example.org"), "A name must be at most 200 characters."},
		{"e-mail too long", user("Edna", strings.Repeat("e", 250)+"@example.org"), "An e-mail address must be at most 254 characters."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.validate()
			switch {
			case tt.message == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.message != "" && (newsdesk.ErrorCode(err) != newsdesk.EINVALID || newsdesk.ErrorMessage(err) != tt.message):
				t.Errorf("got %v, want EINVALID %q", err, tt.message)
			}
		})
	}
}

func TestParseTagsDropsBlankNames(t *testing.T) {
	tags, err := newsdesk.ParseTags("Transport, \u200B, \u00A0\u2060 ,Harbor City")
	if err != nil {
		t.Fatal(err)
	}
	if got := newsdesk.JoinTags(tags); got != "Harbor City, Transport" {
		t.Errorf("tags %q, want the two that show", got)
	}
}

func TestParagraphsSkipInvisibleOnes(t *testing.T) {
	p := &newsdesk.Post{Summary: "First.\n\n\u200B\n\n\u3000\u00AD\n\nSecond."}
	if got := p.Paragraphs(); len(got) != 2 || got[0] != "First." || got[1] != "Second." {
		t.Errorf("paragraphs %q, want the two that show", got)
	}
}
