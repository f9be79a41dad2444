package newsdesk

import (
	"context"
	"time"
)

// Item is one entry of a source's feed, as ingested. GUID identifies it
// within its source, so that polling a feed twice stores it once.
type Item struct {
	ID          int64
	SourceID    int64
	GUID        string
	URL         string // the original article
	Title       string
	Summary     string // plain text, as the feed gives it
	Content     string // the feed's full content, as given (HTML), if any
	Author      string
	PublishedAt *time.Time
	FetchedAt   time.Time
	// ImageURL is the item's lead image as the feed names it (Media RSS
	// thumbnail or content, an image enclosure, a JSON Feed image, or the
	// first image in its content); empty if none.
	ImageURL string
	// Enclosures are the files the item carries (podcasts, videos,
	// images), from RSS enclosures, Atom enclosure links, JSON Feed
	// attachments and Media RSS content, in feed order.
	Enclosures []Enclosure
	// Categories are the item's categories and tags (RSS category,
	// dc:subject, Atom category, JSON Feed tags), in feed order, without
	// repeats.
	Categories []string

	SourceName string // joined from the source on reads
}

// Enclosure is a file attached to an item.
type Enclosure struct {
	URL    string
	Type   string // its media type, such as audio/mpeg; empty if unknown
	Length int64  // its size in bytes; zero if unknown
}

// ItemFilter narrows FindItems.
type ItemFilter struct {
	SourceID int64 // zero for every source
	Limit    int   // zero for a default page
	// Before, when non-zero, returns only items older than this ID (paging).
	Before int64
}

// ItemService manages ingested items.
type ItemService interface {
	// FindItemByID returns ENOTFOUND if the item does not exist.
	FindItemByID(ctx context.Context, id int64) (*Item, error)
	// FindItems returns items newest first.
	FindItems(ctx context.Context, f ItemFilter) ([]*Item, error)
	// SaveItems stores the items of one source, skipping those whose GUID the
	// source already has, and returns how many were new. Items already
	// stored are never changed.
	SaveItems(ctx context.Context, sourceID int64, items []*Item) (int, error)
	// CountItems returns how many items a source has (zero: all sources).
	CountItems(ctx context.Context, sourceID int64) (int, error)
}
