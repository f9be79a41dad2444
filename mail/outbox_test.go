package mail_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/mail"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

var _ mail.OutboxStore = (*store.DB)(nil)

// TestOutboxKeepsMessages checks that with no mail server a message is
// kept in the database exactly as SMTP would have sent it, and that one
// that cannot be sent is refused the same way and not kept.
func TestOutboxKeepsMessages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := time.Date(2026, 6, 1, 7, 30, 0, 0, time.UTC)
		outbox := mail.NewOutbox(db, func() time.Time { return clock })

		m := numbered(7)
		m.Date = time.Time{}
		m.Subject = "גיליון השבוע"
		if err := outbox.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
		list, err := db.FindOutboxMessages(ctx, store.OutboxFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 {
			t.Fatalf("outbox holds %d messages, want 1", len(list))
		}
		got := list[0]
		if got.From != "<bounces+7@ledger.example.org>" || !reflect.DeepEqual(got.To, []string{"<reader7@example.net>"}) ||
			got.Subject != "גיליון השבוע" || got.MessageID != m.MessageID {
			t.Errorf("listed %+v", got)
		}
		one, err := db.FindOutboxMessage(ctx, got.ID)
		if err != nil {
			t.Fatal(err)
		}
		m.Date = clock
		want, err := m.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if one.Raw != string(want) {
			t.Errorf("kept\n%s\nwant what SMTP would send\n%s", one.Raw, want)
		}
		d := mustDecode(t, []byte(one.Raw))
		if d.Subject != "גיליון השבוע" || normBody(d.Text) != normBody(m.Text) {
			t.Errorf("kept message reads back as %q / %q", d.Subject, d.Text)
		}

		bad := numbered(8)
		bad.Subject = "Hi\r\nBcc: victim@example.com"
		if err := outbox.Send(ctx, bad); newsdesk.ErrorCode(err) != newsdesk.EINVALID {
			t.Errorf("Send: %v, want EINVALID", err)
		}
		if list, _ := db.FindOutboxMessages(ctx, store.OutboxFilter{}); len(list) != 1 {
			t.Errorf("outbox holds %d messages after a refused one, want 1", len(list))
		}
	})
}
