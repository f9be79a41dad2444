package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// The outbox keeps each message as given, lists them newest first a page
// at a time without their bytes, and returns one with them.
func TestOutbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		if got, err := db.FindOutboxMessages(ctx, store.OutboxFilter{}); err != nil || len(got) != 0 {
			t.Fatalf("empty outbox: %v, %v", got, err)
		}
		var ids []int64
		for n := range 5 {
			now = now.Add(time.Minute)
			raw := fmt.Sprintf("Subject: Issue %d\r\n\r\nHello %d. é\r\n", n, n)
			id, err := db.SaveOutboxMessage(ctx, "<bounces+1@ledger.example.org>",
				[]string{fmt.Sprintf("<reader%d@example.net>", n), "<copy@example.net>"},
				fmt.Sprintf("Issue %d — שלום", n), fmt.Sprintf("m%d@ledger.example.org", n), []byte(raw))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}

		page, err := db.FindOutboxMessages(ctx, store.OutboxFilter{Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) != 3 || page[0].ID != ids[4] || page[2].ID != ids[2] {
			t.Fatalf("first page %v, want the 3 newest, newest first", page)
		}
		first := page[0]
		if first.Subject != "Issue 4 — שלום" || first.From != "<bounces+1@ledger.example.org>" ||
			!reflect.DeepEqual(first.To, []string{"<reader4@example.net>", "<copy@example.net>"}) ||
			first.MessageID != "m4@ledger.example.org" || !first.CreatedAt.Equal(now) ||
			first.Size != len("Subject: Issue 4\r\n\r\nHello 4. é\r\n") || first.Raw != "" {
			t.Errorf("listed %+v", first)
		}
		rest, err := db.FindOutboxMessages(ctx, store.OutboxFilter{Limit: 3, Before: page[2].ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(rest) != 2 || rest[0].ID != ids[1] || rest[1].ID != ids[0] {
			t.Fatalf("second page %v, want the 2 oldest", rest)
		}

		one, err := db.FindOutboxMessage(ctx, ids[2])
		if err != nil {
			t.Fatal(err)
		}
		if one.Raw != "Subject: Issue 2\r\n\r\nHello 2. é\r\n" || one.Subject != "Issue 2 — שלום" {
			t.Errorf("found %+v", one)
		}
		if _, err := db.FindOutboxMessage(ctx, ids[4]+100); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
			t.Errorf("a message that is not there: %v, want ENOTFOUND", err)
		}
	})
}
