package newsdesk

import (
	"context"
	"net/url"
	"strings"
	"time"
)

// FeedFollower is a program that follows one of newsdesk's own feeds
// through newsdesk's WebSub hub: the hub POSTs the whole feed to its
// callback whenever a post in that feed is published or changed, until
// its lease ends. It is the hub's side of WebSub, and neither a
// Subscriber (a person who signed up for a newsletter) nor a WebSubLease
// (newsdesk following an outlet's feed at that outlet's hub).
type FeedFollower struct {
	ID int64
	// Topic is the feed's URL, exactly as its rel="self" link says.
	Topic string
	// Callback is where the feed is POSTed, exactly as the follower gave
	// it, query string and all.
	Callback string
	// Secret keys the HMAC that signs each delivery (X-Hub-Signature);
	// empty when the follower gave none, and deliveries go unsigned.
	Secret string
	// Lease is how long the hub granted, from ExpiresAt's start: the
	// moment the hub asked the follower to confirm.
	Lease     time.Duration
	ExpiresAt time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// CallbackHost is the host name of a callback URL, in lower case and
// without its port: the hub limits how many followers one host may have,
// so that one party cannot make it send without end.
func CallbackHost(callback string) string {
	u, err := url.Parse(callback)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
}

// FollowRequest is a request to newsdesk's hub to follow a feed or to
// stop, as the hub will put it to the callback for confirmation: its lease
// is the one the hub grants, not necessarily the one asked for.
type FollowRequest struct {
	Mode     string // "subscribe" or "unsubscribe", WebSub's words
	Topic    string
	Callback string
	Secret   string        // for subscribe; empty for unsigned deliveries
	Lease    time.Duration // for subscribe
}

// FeedFollowerService stores the followers of newsdesk's own feeds.
type FeedFollowerService interface {
	// SaveFeedFollower stores a follower whose intent the hub verified,
	// replacing the one with the same topic and callback (a renewal: a new
	// secret and lease), and sets its ID. It returns EINVALID for a
	// follower without a topic, a callback or a lease.
	SaveFeedFollower(ctx context.Context, f *FeedFollower) error
	// FindFeedFollower returns the follower of topic at callback, expired
	// or not, or ENOTFOUND.
	FindFeedFollower(ctx context.Context, topic, callback string) (*FeedFollower, error)
	// FindFeedFollowerByID returns a follower, expired or not, or
	// ENOTFOUND.
	FindFeedFollowerByID(ctx context.Context, id int64) (*FeedFollower, error)
	// FindFeedFollowers returns the followers of topic whose lease has not
	// ended at now, oldest first.
	FindFeedFollowers(ctx context.Context, topic string, now time.Time) ([]*FeedFollower, error)
	// CountFeedFollowers counts the followers whose callback is on host
	// (a host name in lower case, without port), and all of them.
	CountFeedFollowers(ctx context.Context, host string) (atHost, total int, err error)
	// DeleteFeedFollower removes a follower. It returns ENOTFOUND if
	// there is none with the ID.
	DeleteFeedFollower(ctx context.Context, id int64) error
	// DeleteExpiredFeedFollowers removes the followers whose lease ended
	// at or before now, and returns how many.
	DeleteExpiredFeedFollowers(ctx context.Context, now time.Time) (int, error)
}
