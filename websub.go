package newsdesk

import (
	"context"
	"strings"
	"time"
)

// LeaseState says where a WebSub lease stands.
type LeaseState string

// Lease states.
const (
	// LeasePending: newsdesk asked the hub and waits for it to
	// confirm (intent verification).
	LeasePending LeaseState = "pending"
	// LeaseActive: the hub confirmed; it pushes new items until
	// the lease ends, and the source is polled rarely.
	LeaseActive LeaseState = "active"
	// LeaseFailed: the hub refused, never confirmed, or the lease
	// lapsed; the source is polled as usual.
	LeaseFailed LeaseState = "failed"
	// LeaseUnsubscribing: the source was removed and newsdesk told
	// the hub so; the row goes once the hub confirms.
	LeaseUnsubscribing LeaseState = "unsubscribing"
)

// WebSubLease is a source's subscription at the WebSub hub its feed
// names: the hub pushes the feed's new items to newsdesk instead of
// newsdesk polling for them, for as long as the lease the hub granted
// lasts. A source has at most one. It is called a lease, not a
// subscription, to keep it apart from readers' subscriptions to
// newsletters and the magazine (Subscriber, Edition).
type WebSubLease struct {
	SourceID int64
	Hub      string // the hub's URL
	Topic    string // the feed's own (rel="self") URL, as the hub knows it
	// Token is the random last segment of the callback URL, so that only
	// the hub told of it can reach this subscription.
	Token string
	// Secret keys the HMAC with which the hub signs what it pushes.
	Secret string
	State  LeaseState
	// Lease is how long the hub said the subscription lasts.
	Lease time.Duration
	// RequestedAt is when a subscribe (or unsubscribe) request the hub
	// has not yet confirmed went out; nil when none is outstanding.
	RequestedAt *time.Time
	// ExpiresAt is when the lease ends; nil until the hub confirms.
	ExpiresAt *time.Time
	// RenewAt is when newsdesk next asks the hub: the renewal of an
	// active lease, or another try after a failure.
	RenewAt   *time.Time
	LastError string // why the hub failed, for users; empty otherwise
	// Note is what the source's note says about the subscription.
	Note string
	// SourceRemoved is set on reads when the source no longer exists, so
	// the subscription is to be cancelled at the hub.
	SourceRemoved bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// WebSubLeaseService stores WebSub subscriptions.
type WebSubLeaseService interface {
	// FindLease returns a source's subscription, or ENOTFOUND.
	FindLease(ctx context.Context, sourceID int64) (*WebSubLease, error)
	// FindLeases returns every subscription, including those of
	// removed sources.
	FindLeases(ctx context.Context) ([]*WebSubLease, error)
	// SaveLease stores a source's subscription, replacing the one
	// it had, and puts its Note on the source in place of the previous
	// subscription's note. A non-zero pollBy brings the source's next
	// poll forward to it (a hub that failed). A removed source is not an
	// error: its subscription is stored alone.
	SaveLease(ctx context.Context, s *WebSubLease, pollBy time.Time) error
	// DeleteLease removes a source's subscription and its note on
	// the source. It returns ENOTFOUND if there is none.
	DeleteLease(ctx context.Context, sourceID int64) error
}

// ReplaceNote returns a source's note with old, a subscription's note it
// ends with, replaced by new: a source's note is what its last poll said,
// followed by what its subscription says.
func ReplaceNote(note, old, new string) string {
	if old != "" && strings.HasSuffix(note, old) {
		note = strings.TrimSpace(strings.TrimSuffix(note, old))
	}
	switch {
	case new == "":
		return note
	case note == "":
		return new
	default:
		return note + " " + new
	}
}
