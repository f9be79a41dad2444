package mail_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/mail"
)

// FuzzEncode checks, for any names, subject, parts and extra header,
// that the encoder either refuses with a code meant for the user, or
// writes a message that net/mail reads back to the same fields, with
// exactly the header fields it should have (never one more), in 7-bit
// lines within the limits.
func FuzzEncode(f *testing.F) {
	f.Add("The Harbor City Ledger", "Ada Lovelace", "ada@example.net", "This week", "Hello.\n", "<p>Hello.</p>", "List-Id", "Weekly <weekly.example.org>", "https://example.org/u/x")
	f.Add("הארץ", "עדה", "reader@example.net", "שלום עולם", "שלום", "", "X-Campaign", "12", "")
	f.Add("Ünï <evil@example.com>, x", "=?utf-8?q?x?=", `"quoted local"@example.net`, "=?utf-8?b?Zm9v?=", "", "<b>x</b>", "Feedback-ID", "a:b:c", "mailto:u@example.org")
	f.Add("a\r\nBcc: x@example.com", "b", "b@example.net", "s\r\nBcc: y@example.com", "t", "", "X-A", "v\r\nBcc: z@example.com", "")
	f.Add("", "", "b@münchen.example", strings.Repeat("long words ", 40), strings.Repeat("x", 200), ".\nFrom me", "Bcc", "x@example.com", "https://e.example/>,<https://evil.example/")
	f.Fuzz(func(t *testing.T, fromName, toName, toAddr, subject, text, html, hName, hValue, unsub string) {
		m := &mail.Message{
			From:      mail.Address{Name: fromName, Address: "news@ledger.example.org"},
			To:        []mail.Address{{Name: toName, Address: toAddr}},
			Subject:   subject,
			Text:      text,
			HTML:      html,
			MessageID: "fuzz@ledger.example.org",
			Date:      testDate,
		}
		if hName != "" {
			m.Headers = []mail.Header{{Name: hName, Value: hValue}}
		}
		if unsub != "" {
			m.ListUnsubscribe = []string{unsub}
		}
		raw, err := m.Encode()
		if err != nil {
			if code := newsdesk.ErrorCode(err); code != newsdesk.EINVALID && code != newsdesk.ETOOLARGE {
				t.Fatalf("error %q coded %q", err, code)
			}
			return
		}
		if trouble := lineTrouble(raw, false); trouble != "" {
			t.Fatalf("%s\n%s", trouble, raw)
		}
		d, err := decode(raw)
		if err != nil {
			t.Fatalf("%v\n%s", err, raw)
		}
		want := []string{"Date", "From", "To"}
		if strings.TrimSpace(subject) != "" {
			want = append(want, "Subject")
		}
		want = append(want, "Message-ID")
		if unsub != "" {
			want = append(want, "List-Unsubscribe")
		}
		if hName != "" {
			want = append(want, hName)
		}
		want = append(want, "MIME-Version", "Content-Type")
		if text == "" || html == "" {
			want = append(want, "Content-Transfer-Encoding")
		}
		if !reflect.DeepEqual(d.Names, want) {
			t.Fatalf("header fields %q, want %q\n%s", d.Names, want, raw)
		}
		if d.From.Name != strings.TrimSpace(fromName) || d.From.Address != "news@ledger.example.org" {
			t.Fatalf("From %q <%s>, want %q\n%s", d.From.Name, d.From.Address, fromName, raw)
		}
		if len(d.To) != 1 || d.To[0].Name != strings.TrimSpace(toName) {
			t.Fatalf("To %v, want name %q\n%s", d.To, toName, raw)
		}
		if d.Subject != strings.TrimSpace(subject) {
			t.Fatalf("Subject %q, want %q\n%s", d.Subject, subject, raw)
		}
		if hName != "" && d.Header.Get(hName) != strings.TrimSpace(hValue) {
			t.Fatalf("%s: %q, want %q\n%s", hName, d.Header.Get(hName), hValue, raw)
		}
		if unsub != "" && d.Header.Get("List-Unsubscribe") != "<"+strings.TrimSpace(unsub)+">" {
			t.Fatalf("List-Unsubscribe %q, want <%s>\n%s", d.Header.Get("List-Unsubscribe"), unsub, raw)
		}
		if normBody(d.Text) != normBody(text) || normBody(d.HTML) != normBody(html) {
			t.Fatalf("parts %q / %q, want %q / %q\n%s", d.Text, d.HTML, text, html, raw)
		}
	})
}
