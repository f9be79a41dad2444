package newsdesk

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// PostStatus is where a post is in its life.
type PostStatus string

// Post statuses.
const (
	PostDraft     PostStatus = "draft"
	PostPublished PostStatus = "published"
)

// Post is what an editor publishes: a headline and a short summary of an
// article from another outlet, crediting and linking the original.
type Post struct {
	ID       int64
	Slug     string // fixed at creation, so a post's URL never changes
	Headline string
	Summary  string // plain text; blank lines separate paragraphs
	Status   PostStatus

	// The original article this post credits.
	ItemID      *int64 // nil when the item was deleted, or never was
	SourceName  string // "Read the full story at <SourceName>"
	OriginalURL string

	// Tags label the post; each has a page listing its posts, and posts
	// that share tags count as more related. Sorted by slug, one per slug.
	Tags []Tag

	AuthorID    int64
	PublishedAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Paragraphs splits the summary at blank lines.
func (p *Post) Paragraphs() []string {
	var out []string
	for _, para := range strings.Split(strings.ReplaceAll(p.Summary, "\r\n", "\n"), "\n\n") {
		if para = strings.TrimSpace(para); !IsBlank(para) {
			out = append(out, para)
		}
	}
	return out
}

// Post limits, in characters.
const (
	MaxHeadlineLength    = 300
	MaxPostSummaryLength = 20_000
)

// Validate reports whether the post can be stored.
func (p *Post) Validate() error {
	switch {
	case p.Headline == "":
		return Errorf(EINVALID, "A post needs a headline.")
	case IsBlank(p.Headline):
		return Errorf(EINVALID, "A post needs a headline: this one shows nothing, only spaces or invisible characters such as zero-width spaces.")
	case utf8.RuneCountInString(p.Headline) > MaxHeadlineLength:
		return Errorf(EINVALID, "A headline must be at most %d characters.", MaxHeadlineLength)
	case p.Summary == "":
		return Errorf(EINVALID, "A post needs a summary.")
	case IsBlank(p.Summary):
		return Errorf(EINVALID, "A post needs a summary: this one shows nothing, only spaces or invisible characters such as zero-width spaces.")
	case utf8.RuneCountInString(p.Summary) > MaxPostSummaryLength:
		return Errorf(EINVALID, "A summary must be at most %s characters.", "20,000")
	case IsBlank(p.SourceName) || p.OriginalURL == "":
		return Errorf(EINVALID, "A post must credit the original article.")
	case p.Status != PostDraft && p.Status != PostPublished:
		return Errorf(EINVALID, "Unknown post status %q.", p.Status)
	case len(p.Tags) > MaxTags:
		return Errorf(EINVALID, "A post can have at most %d tags.", MaxTags)
	}
	for _, t := range p.Tags {
		if t.Slug == "" || t.Slug != TagSlug(t.Name) {
			return Errorf(EINVALID, "The tag %q needs at least one letter or digit.", t.Name)
		}
		if utf8.RuneCountInString(t.Name) > MaxTagLength {
			return Errorf(EINVALID, "The tag %q is longer than %d characters.", t.Name, MaxTagLength)
		}
	}
	if !strings.HasPrefix(p.OriginalURL, "http://") && !strings.HasPrefix(p.OriginalURL, "https://") {
		return Errorf(EINVALID, "The original article's URL must start with http:// or https://.")
	}
	return nil
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// Slugify turns a headline into the readable part of a URL: lower-case
// ASCII letters and digits joined by hyphens, at most about 80 characters.
func Slugify(s string) string {
	if slug := slugify(s); slug != "" {
		return slug
	}
	return "post"
}

// slugify is Slugify without the fallback: it returns "" when s has no
// letter or digit that folds to ASCII.
func slugify(s string) string {
	// Fold accents (é to e) before dropping what is not ASCII.
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(r)
	}
	slug := strings.Trim(nonSlug.ReplaceAllString(b.String(), "-"), "-")
	if len(slug) > 80 {
		slug = slug[:80]
		if i := strings.LastIndexByte(slug, '-'); i > 40 {
			slug = slug[:i]
		}
		slug = strings.Trim(slug, "-")
	}
	return slug
}

// PostFilter narrows FindPosts.
type PostFilter struct {
	Status PostStatus // empty for every status
	Tag    string     // a tag's slug: only posts with that tag; empty for all
	IDs    []int64    // only these posts; nil for all (an empty non-nil list finds none)
	Limit  int        // zero for a default page
	Offset int
}

// PostService manages posts.
type PostService interface {
	// FindPostByID returns ENOTFOUND if the post does not exist.
	FindPostByID(ctx context.Context, id int64) (*Post, error)
	// FindPostBySlug returns ENOTFOUND if no post has the slug.
	FindPostBySlug(ctx context.Context, slug string) (*Post, error)
	// FindPosts returns posts, published ones newest first, then drafts.
	FindPosts(ctx context.Context, f PostFilter) ([]*Post, error)
	// CreatePost stores a new post and gives it a unique slug from its
	// headline. It returns EINVALID if the post is incomplete.
	CreatePost(ctx context.Context, p *Post) error
	// UpdatePost stores the post's headline, summary, status and tags; the
	// slug never changes. It returns ENOTFOUND or EINVALID.
	UpdatePost(ctx context.Context, p *Post) error
}

// Tag limits.
const (
	MaxTags      = 20 // tags on one post
	MaxTagLength = 50 // characters in a tag's name
)

// Tag labels posts. Its slug names it in URLs (/tag/{slug}) and decides
// which spellings are the same tag: "Climate Change" and "climate-change"
// are one tag.
type Tag struct {
	Slug string
	Name string // as the editor first wrote it
}

// TagSlug returns the slug of a tag's name, "" when the name has no letter
// or digit that folds to ASCII.
func TagSlug(name string) string { return slugify(name) }

// ParseTags reads tags as an editor types them: names separated by commas.
// Spaces are tidied, blank names (see IsBlank) dropped, and names with
// the same slug are one tag (the first spelling wins). The result is
// sorted by slug. It returns EINVALID, naming the tag, for a name with no
// letter or digit, a name that is too long, or too many tags.
func ParseTags(s string) ([]Tag, error) {
	return MakeTags(SplitTags(s))
}

// SplitTags splits tags as an editor types them, names separated by
// commas, into the names, spaces tidied and empty ones dropped, for
// MakeTags.
func SplitTags(s string) []string {
	var names []string
	for _, n := range strings.Split(s, ",") {
		if n = strings.Join(strings.Fields(n), " "); n != "" {
			names = append(names, n)
		}
	}
	return names
}

// MakeTags turns a list of names into tags, as ParseTags does.
func MakeTags(names []string) ([]Tag, error) {
	var tags []Tag
	seen := map[string]bool{}
	for _, n := range names {
		// Control characters and broken UTF-8 are dropped: they show as
		// nothing, and PostgreSQL refuses NUL.
		n = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) && !unicode.IsSpace(r) {
				return -1
			}
			return r
		}, strings.ToValidUTF8(n, ""))
		n = strings.Join(strings.Fields(n), " ")
		if IsBlank(n) {
			continue // as blank as an empty entry between two commas
		}
		if utf8.RuneCountInString(n) > MaxTagLength {
			return nil, Errorf(EINVALID, "The tag %q is longer than %d characters.", n, MaxTagLength)
		}
		slug := TagSlug(n)
		if slug == "" {
			return nil, Errorf(EINVALID, "The tag %q needs at least one letter or digit.", n)
		}
		if seen[slug] {
			continue
		}
		seen[slug] = true
		tags = append(tags, Tag{Slug: slug, Name: n})
	}
	if len(tags) > MaxTags {
		return nil, Errorf(EINVALID, "A post can have at most %d tags.", MaxTags)
	}
	slices.SortFunc(tags, func(a, b Tag) int { return strings.Compare(a.Slug, b.Slug) })
	return tags, nil
}

// JoinTags writes tags back as an editor types them: "Climate, Harbor City".
func JoinTags(tags []Tag) string {
	names := make([]string, len(tags))
	for i, t := range tags {
		names[i] = t.Name
	}
	return strings.Join(names, ", ")
}

// TagNamed returns the post's tag with the slug, and whether it has one.
func (p *Post) TagNamed(slug string) (Tag, bool) {
	for _, t := range p.Tags {
		if t.Slug == slug {
			return t, true
		}
	}
	return Tag{}, false
}
