package newsdesk

import (
	"context"
	"time"
)

// Article is what extraction found on an item's own page: the main text
// as plain text and as sanitised HTML, and the page's metadata. An item
// has at most one; an Article with a non-empty Error records a failed try.
type Article struct {
	ItemID      int64
	Title       string
	Byline      string
	SiteName    string
	Language    string
	Image       string // absolute URL of the lead image, "" if none
	PublishedAt *time.Time
	Text        string // plain text, paragraphs separated by blank lines
	HTML        string // sanitised HTML of the main content
	Error       string // why extraction failed, "" if it worked
	ExtractedAt time.Time
}

// ArticleService stores what extraction found.
type ArticleService interface {
	// SaveArticle stores or replaces the article of its item.
	SaveArticle(ctx context.Context, a *Article) error
	// FindArticle returns ENOTFOUND if the item has no article yet.
	FindArticle(ctx context.Context, itemID int64) (*Article, error)
}
