package newsdesk

import "context"

// FeedService reads outlets' feeds into sources and items.
type FeedService interface {
	// AddFeed checks that rawURL serves a feed, follows it as a new source
	// named after the feed, and stores its items. It returns EINVALID for
	// a malformed URL, EUNAVAILABLE when the host cannot be reached or
	// answers with an error, EUNPROCESSABLE when the answer is not a feed
	// or the feed is malformed, ETOOLARGE when the feed is larger than
	// newsdesk accepts, and ECONFLICT when the feed is already followed.
	// Nothing is stored unless it returns nil.
	AddFeed(ctx context.Context, rawURL string) (*Source, error)
	// PollSource fetches a source's feed now, stores its new items and
	// records the outcome on the source, returning how many items were new.
	// A failed poll returns the same codes as AddFeed, records the message
	// on the source, and leaves every stored item as it was.
	PollSource(ctx context.Context, id int64) (int, error)
}
