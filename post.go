package newsdesk

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode"

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

	AuthorID    int64
	PublishedAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Paragraphs splits the summary at blank lines.
func (p *Post) Paragraphs() []string {
	var out []string
	for _, para := range strings.Split(strings.ReplaceAll(p.Summary, "\r\n", "\n"), "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			out = append(out, para)
		}
	}
	return out
}

// Validate reports whether the post can be stored.
func (p *Post) Validate() error {
	switch {
	case strings.TrimSpace(p.Headline) == "":
		return Errorf(EINVALID, "A post needs a headline.")
	case len(p.Headline) > 300:
		return Errorf(EINVALID, "A headline must be at most 300 characters.")
	case strings.TrimSpace(p.Summary) == "":
		return Errorf(EINVALID, "A post needs a summary.")
	case len(p.Summary) > 20000:
		return Errorf(EINVALID, "A summary must be at most 20,000 characters.")
	case p.SourceName == "" || p.OriginalURL == "":
		return Errorf(EINVALID, "A post must credit the original article.")
	case p.Status != PostDraft && p.Status != PostPublished:
		return Errorf(EINVALID, "Unknown post status %q.", p.Status)
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
	if slug == "" {
		slug = "post"
	}
	return slug
}

// PostFilter narrows FindPosts.
type PostFilter struct {
	Status PostStatus // empty for every status
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
	// UpdatePost stores the post's headline, summary and status; the slug
	// never changes. It returns ENOTFOUND or EINVALID.
	UpdatePost(ctx context.Context, p *Post) error
}
