package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// A subscription is stored and replaced per source, its note travels with
// it onto the source beside the poll's own note, a failing hub brings the
// next poll forward, and a removed source's subscription outlives it
// until newsdesk has told the hub.
func TestWebSubLeases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
		later := now.Add(24 * time.Hour)
		src := &newsdesk.Source{Name: "Harbor Ledger", FeedURL: "https://ledger.example/feed", NextPollAt: later}
		if err := db.CreateSource(ctx, src); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordPoll(ctx, src.ID, newsdesk.PollResult{At: now, NextAt: later,
			Note: "The feed lists 2000 items."}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindLease(ctx, src.ID); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
			t.Fatalf("no subscription yet: got %v, want ENOTFOUND", err)
		}

		sub := &newsdesk.WebSubLease{
			SourceID: src.ID, Hub: "https://hub.example/", Topic: "https://ledger.example/feed",
			Token: "tok", Secret: "s3cret", State: newsdesk.LeasePending,
			RequestedAt: &now, Note: "WebSub: subscribing via hub.example.",
		}
		if err := db.SaveLease(ctx, sub, time.Time{}); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindLease(ctx, src.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Secret != "s3cret" || got.State != newsdesk.LeasePending || got.RequestedAt == nil ||
			!got.RequestedAt.Equal(now) || got.ExpiresAt != nil || got.SourceRemoved {
			t.Fatalf("stored subscription: %+v", got)
		}
		checkWebSubSource(t, db, src.ID, "The feed lists 2000 items. WebSub: subscribing via hub.example.", later)

		// Confirmed: the note is swapped, not appended.
		expires, renew := now.Add(10*24*time.Hour), now.Add(8*24*time.Hour)
		sub.State, sub.RequestedAt, sub.ExpiresAt, sub.RenewAt = newsdesk.LeaseActive, nil, &expires, &renew
		sub.Lease, sub.Note = 10*24*time.Hour, "WebSub: subscribed via hub.example."
		if err := db.SaveLease(ctx, sub, time.Time{}); err != nil {
			t.Fatal(err)
		}
		got, err = db.FindLease(ctx, src.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != newsdesk.LeaseActive || got.RequestedAt != nil || !got.ExpiresAt.Equal(expires) ||
			!got.RenewAt.Equal(renew) || got.Lease != 10*24*time.Hour {
			t.Fatalf("confirmed subscription: %+v", got)
		}
		checkWebSubSource(t, db, src.ID, "The feed lists 2000 items. WebSub: subscribed via hub.example.", later)

		// The hub failed: back to polling, now.
		sub.State, sub.LastError, sub.Note = newsdesk.LeaseFailed, "lease lapsed", "WebSub hub failed: lease lapsed; polling."
		if err := db.SaveLease(ctx, sub, now); err != nil {
			t.Fatal(err)
		}
		checkWebSubSource(t, db, src.ID, "The feed lists 2000 items. WebSub hub failed: lease lapsed; polling.", now)

		// The source goes; its subscription stays until unsubscribed.
		if err := db.DeleteSource(ctx, src.ID); err != nil {
			t.Fatal(err)
		}
		all, err := db.FindLeases(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 1 || !all[0].SourceRemoved || all[0].Token != "tok" {
			t.Fatalf("after the source went: %+v", all)
		}
		all[0].State = newsdesk.LeaseUnsubscribing
		if err := db.SaveLease(ctx, all[0], time.Time{}); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteLease(ctx, src.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteLease(ctx, src.ID); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
			t.Fatalf("second delete: got %v, want ENOTFOUND", err)
		}
		if err := db.SaveLease(ctx, &newsdesk.WebSubLease{SourceID: 1}, time.Time{}); newsdesk.ErrorCode(err) != newsdesk.EINVALID {
			t.Fatalf("incomplete subscription: got %v, want EINVALID", err)
		}
	})
}

func checkWebSubSource(t *testing.T, db *store.DB, id int64, note string, next time.Time) {
	t.Helper()
	s, err := db.FindSourceByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if s.Note != note {
		t.Errorf("source note = %q, want %q", s.Note, note)
	}
	if !s.NextPollAt.Equal(next) {
		t.Errorf("next poll = %s, want %s", s.NextPollAt, next)
	}
}
