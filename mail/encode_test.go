package mail_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/mail"
)

var testDate = time.Date(2026, 3, 14, 9, 26, 53, 0, time.FixedZone("", 2*3600))

// newsletter is a message with every field set.
func newsletter() *mail.Message {
	return &mail.Message{
		From:                mail.Address{Name: "The Harbor City Ledger", Address: "news@ledger.example.org"},
		To:                  []mail.Address{{Name: "Ada Lovelace", Address: "ada@example.net"}},
		ReplyTo:             mail.Address{Name: "Letters", Address: "letters@ledger.example.org"},
		Subject:             "This week: the harbour, the budget and the bridge",
		Text:                "Good morning.\n\nThe council met on Tuesday.\n",
		HTML:                "<p>Good morning.</p>\n<p>The council met on Tuesday.</p>\n",
		ListUnsubscribe:     []string{"https://ledger.example.org/u/tok3n", "mailto:unsubscribe@ledger.example.org?subject=tok3n"},
		ListUnsubscribePost: true,
		Headers:             []mail.Header{{Name: "List-Id", Value: "Weekly <weekly.ledger.example.org>"}},
		ReturnPath:          "bounces+4711@ledger.example.org",
		MessageID:           "issue-12.sub-4711@ledger.example.org",
		Date:                testDate,
	}
}

func mustDecode(t *testing.T, raw []byte) *decoded {
	t.Helper()
	d, err := decode(raw)
	if err != nil {
		t.Fatalf("decode: %v\n%s", err, raw)
	}
	return d
}

func TestEncodeReadsBack(t *testing.T) {
	raw, err := newsletter().Encode()
	if err != nil {
		t.Fatal(err)
	}
	if trouble := lineTrouble(raw, true); trouble != "" {
		t.Fatalf("%s\n%s", trouble, raw)
	}
	d := mustDecode(t, raw)
	want := []string{"Date", "From", "To", "Reply-To", "Subject", "Message-ID",
		"List-Unsubscribe", "List-Unsubscribe-Post", "List-Id", "MIME-Version", "Content-Type"}
	if !reflect.DeepEqual(d.Names, want) {
		t.Errorf("header fields %q, want %q", d.Names, want)
	}
	checks := []struct{ what, got, want string }{
		{"From name", d.From.Name, "The Harbor City Ledger"},
		{"From address", d.From.Address, "news@ledger.example.org"},
		{"To name", d.To[0].Name, "Ada Lovelace"},
		{"To address", d.To[0].Address, "ada@example.net"},
		{"Reply-To", d.ReplyTo.Address, "letters@ledger.example.org"},
		{"Subject", d.Subject, "This week: the harbour, the budget and the bridge"},
		{"Message-ID", d.Header.Get("Message-ID"), "<issue-12.sub-4711@ledger.example.org>"},
		{"List-Unsubscribe", d.Header.Get("List-Unsubscribe"), "<https://ledger.example.org/u/tok3n>, <mailto:unsubscribe@ledger.example.org?subject=tok3n>"},
		{"List-Unsubscribe-Post", d.Header.Get("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click"},
		{"List-Id", d.Header.Get("List-Id"), "Weekly <weekly.ledger.example.org>"},
		{"text", normBody(d.Text), "Good morning.\n\nThe council met on Tuesday."},
		{"HTML", normBody(d.HTML), "<p>Good morning.</p>\n<p>The council met on Tuesday.</p>"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	if date, err := d.Header.Date(); err != nil || !date.Equal(testDate) {
		t.Errorf("Date = %v (%v), want %v", date, err, testDate)
	}
	if !reflect.DeepEqual(d.Parts, []string{"text/plain", "text/html"}) {
		t.Errorf("parts %q, want text then HTML", d.Parts)
	}
	if bytes.Contains(raw, []byte("bounces+4711")) {
		t.Error("the return path is the envelope's, not a header")
	}
	again, _ := newsletter().Encode()
	if !bytes.Equal(raw, again) {
		t.Error("the same message encodes differently twice")
	}
}

func TestEncodeRoundTrips(t *testing.T) {
	long := strings.Repeat("Ünïcödé wörds and more wörds, ", 12)
	tests := []struct {
		name     string
		fromName string
		toName   string
		subject  string
		text     string
		html     string
	}{
		{"plain ascii", "Ledger", "Ada", "Hello", "Hi.", ""},
		{"hebrew", "הארץ", "עדה לאבלייס", "שלום עולם: גיליון השבוע", "שלום\nעולם", "<p>שלום</p>"},
		{"chinese and emoji", "新闻台 📰", "艾达", "本周新闻 🗞️ 摘要", "你好 👋", ""},
		{"accents", "Zoë Ångström", "José Müller", "Café crème à la carte", "Ça va?", "<p>Ça va?</p>"},
		{"specials in names", `O'Brien, "Jr." <x>`, `a\b "c"`, "Re: [list] a;b", "x", ""},
		{"name that looks encoded", "=?utf-8?q?Fake?=", "=?x?=", "=?utf-8?b?Zm9v?= not really", "x", ""},
		{"comma and angle in non-ascii name", "Ünï <evil@example.com>, x", "é,é", "ä", "x", ""},
		{"long subject folds", "Ledger", "Ada", long, "x", ""},
		{"long ascii subject folds", "Ledger", "Ada", strings.Repeat("budget ", 60), "x", ""},
		{"double spaces kept", "A  B", "C   D", "two  spaces   three", "x", ""},
		{"html only", "Ledger", "Ada", "Hi", "", "<p>only html</p>"},
		{"long lines", "Ledger", "Ada", "Hi", strings.Repeat("word ", 100) + "\n" + strings.Repeat("x", 300), strings.Repeat("<b>z</b>", 80)},
		{"dots and From at line start", "Ledger", "Ada", "Hi", ".\n..\nFrom here\n.end", ".hidden\nFrom x"},
		{"trailing spaces and tabs", "Ledger", "Ada", "Hi", "a \nb\t\nc  ", ""},
		{"equals and boundary-like text", "Ledger", "Ada", "Hi", "--=_abc\n=_\na=b", "=_x"},
		{"mixed line ends", "Ledger", "Ada", "Hi", "a\r\nb\rc\nd", "e\r\n"},
		{"dots and spaces where lines break", "Ledger", "Ada", "Hi", "é" + strings.Repeat("a", 72) + "....... . \n" + strings.Repeat("b", 74) + "  x", ""},
		{"controls in body", "Ledger", "Ada", "Hi", "bell\x07 nul\x00 esc\x1b", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &mail.Message{
				From:    mail.Address{Name: tt.fromName, Address: "news@ledger.example.org"},
				To:      []mail.Address{{Name: tt.toName, Address: "reader@example.net"}, {Address: "second@example.net"}},
				Subject: tt.subject,
				Text:    tt.text,
				HTML:    tt.html,
				Date:    testDate,
			}
			raw, err := m.Encode()
			if err != nil {
				t.Fatal(err)
			}
			if trouble := lineTrouble(raw, tt.name != "long lines"); trouble != "" {
				t.Fatalf("%s\n%s", trouble, raw)
			}
			d := mustDecode(t, raw)
			if d.From.Name != strings.TrimSpace(tt.fromName) {
				t.Errorf("From name %q, want %q", d.From.Name, tt.fromName)
			}
			if len(d.To) != 2 || d.To[0].Name != tt.toName || d.To[0].Address != "reader@example.net" || d.To[1].Address != "second@example.net" {
				t.Errorf("To %v, want %q <reader@example.net>, second@example.net", d.To, tt.toName)
			}
			if d.Subject != strings.TrimSpace(tt.subject) {
				t.Errorf("Subject %q, want %q", d.Subject, strings.TrimSpace(tt.subject))
			}
			if normBody(d.Text) != normBody(tt.text) || normBody(d.HTML) != normBody(tt.html) {
				t.Errorf("parts %q / %q, want %q / %q", d.Text, d.HTML, tt.text, tt.html)
			}
			want := 7 // and one part's Content-Transfer-Encoding
			if tt.text == "" || tt.html == "" {
				want = 8
			}
			if n := len(d.Names); n != want {
				t.Errorf("%d header fields %q, want %d", n, d.Names, want)
			}
		})
	}
}

// TestEncodeChoosesEncoding checks that each part is sent as is when it
// can be, and otherwise in the smaller of the two encodings.
func TestEncodeChoosesEncoding(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"short ascii lines", "Hello.\nBye.", "7bit"},
		{"long ascii line", strings.Repeat("a", 79), "quoted-printable"},
		{"mostly latin", "Café au lait, s'il vous plaît, et un croissant.", "quoted-printable"},
		{"hebrew", "שלום עולם, מה שלומך היום?", "base64"},
		{"control character", "a\x01b", "quoted-printable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &mail.Message{From: mail.Address{Address: "a@example.org"}, To: []mail.Address{{Address: "b@example.org"}}, Text: tt.text, Date: testDate}
			raw, err := m.Encode()
			if err != nil {
				t.Fatal(err)
			}
			d := mustDecode(t, raw)
			if got := d.Header.Get("Content-Transfer-Encoding"); got != tt.want {
				t.Errorf("Content-Transfer-Encoding %q, want %q", got, tt.want)
			}
			if normBody(d.Text) != normBody(tt.text) {
				t.Errorf("text %q, want %q", d.Text, tt.text)
			}
		})
	}
}

func TestEncodeInternationalDomain(t *testing.T) {
	m := &mail.Message{From: mail.Address{Address: "news@bücher.example"}, To: []mail.Address{{Address: "leser@münchen.example"}}, Text: "x", Date: testDate}
	raw, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	d := mustDecode(t, raw)
	if d.From.Address != "news@xn--bcher-kva.example" || d.To[0].Address != "leser@xn--mnchen-3ya.example" {
		t.Errorf("addresses %q, %q: want the domains in punycode", d.From.Address, d.To[0].Address)
	}
}

// TestEncodeRefuses checks that what could add a header, or cannot be
// sent, is refused with a code and a message, never written.
func TestEncodeRefuses(t *testing.T) {
	tests := []struct {
		name   string
		change func(m *mail.Message)
		code   string
	}{
		{"CRLF in from name", func(m *mail.Message) { m.From.Name = "Ledger\r\nBcc: victim@example.com" }, newsdesk.EINVALID},
		{"LF in to name", func(m *mail.Message) { m.To[0].Name = "Ada\nX-Evil: 1" }, newsdesk.EINVALID},
		{"CR in reply-to name", func(m *mail.Message) { m.ReplyTo.Name = "x\ry" }, newsdesk.EINVALID},
		{"CRLF in subject", func(m *mail.Message) { m.Subject = "Hi\r\nBcc: victim@example.com" }, newsdesk.EINVALID},
		{"NEL in subject", func(m *mail.Message) { m.Subject = "Hi\u0085there" }, newsdesk.EINVALID},
		{"tab in subject", func(m *mail.Message) { m.Subject = "Hi\tthere" }, newsdesk.EINVALID},
		{"NUL in name", func(m *mail.Message) { m.From.Name = "a\x00b" }, newsdesk.EINVALID},
		{"invalid UTF-8 in subject", func(m *mail.Message) { m.Subject = "caf\xe9" }, newsdesk.EINVALID},
		{"invalid UTF-8 in name", func(m *mail.Message) { m.To[0].Name = "\xff" }, newsdesk.EINVALID},
		{"invalid UTF-8 in text", func(m *mail.Message) { m.Text = "caf\xe9" }, newsdesk.EINVALID},
		{"CRLF in address", func(m *mail.Message) { m.To[0].Address = "ada@example.net\r\nBcc: x@example.com" }, newsdesk.EINVALID},
		{"two addresses in one", func(m *mail.Message) { m.To[0].Address = "ada@example.net, eve@example.com" }, newsdesk.EINVALID},
		{"name in address", func(m *mail.Message) { m.To[0].Address = "Eve <eve@example.com>" }, newsdesk.EINVALID},
		{"no at", func(m *mail.Message) { m.To[0].Address = "ada.example.net" }, newsdesk.EINVALID},
		{"no domain", func(m *mail.Message) { m.To[0].Address = "ada@" }, newsdesk.EINVALID},
		{"unicode local part", func(m *mail.Message) { m.To[0].Address = "adä@example.net" }, newsdesk.EINVALID},
		{"bad return path", func(m *mail.Message) { m.ReturnPath = "bounces\r\n@example.org" }, newsdesk.EINVALID},
		{"reply-to name without address", func(m *mail.Message) { m.ReplyTo = mail.Address{Name: "Letters"} }, newsdesk.EINVALID},
		{"no recipient", func(m *mail.Message) { m.To = nil }, newsdesk.EINVALID},
		{"no sender", func(m *mail.Message) { m.From = mail.Address{} }, newsdesk.EINVALID},
		{"no body", func(m *mail.Message) { m.Text, m.HTML = "", "" }, newsdesk.EINVALID},
		{"CRLF in header value", func(m *mail.Message) { m.Headers = []mail.Header{{Name: "List-Id", Value: "x\r\nBcc: y@example.com"}} }, newsdesk.EINVALID},
		{"non-ASCII header value", func(m *mail.Message) { m.Headers = []mail.Header{{Name: "X-Note", Value: "café"}} }, newsdesk.EINVALID},
		{"colon in header name", func(m *mail.Message) { m.Headers = []mail.Header{{Name: "Bcc: x@example.com\r\nX", Value: "y"}} }, newsdesk.EINVALID},
		{"space in header name", func(m *mail.Message) { m.Headers = []mail.Header{{Name: "X Note", Value: "y"}} }, newsdesk.EINVALID},
		{"second From header", func(m *mail.Message) { m.Headers = []mail.Header{{Name: "from", Value: "eve@example.com"}} }, newsdesk.EINVALID},
		{"Bcc header", func(m *mail.Message) { m.Headers = []mail.Header{{Name: "Bcc", Value: "eve@example.com"}} }, newsdesk.EINVALID},
		{"Content header", func(m *mail.Message) { m.Headers = []mail.Header{{Name: "Content-Type", Value: "text/html"}} }, newsdesk.EINVALID},
		{"empty header value", func(m *mail.Message) { m.Headers = []mail.Header{{Name: "X-Note", Value: " "}} }, newsdesk.EINVALID},
		{"javascript unsubscribe", func(m *mail.Message) { m.ListUnsubscribe = []string{"javascript:alert(1)"} }, newsdesk.EINVALID},
		{"angle in unsubscribe", func(m *mail.Message) { m.ListUnsubscribe = []string{"https://x.example/>, <https://evil.example/"} }, newsdesk.EINVALID},
		{"CRLF in unsubscribe", func(m *mail.Message) { m.ListUnsubscribe = []string{"https://x.example/\r\nBcc: y@example.com"} }, newsdesk.EINVALID},
		{"one-click without https", func(m *mail.Message) { m.ListUnsubscribe = []string{"mailto:u@example.org"} }, newsdesk.EINVALID},
		{"bad message id", func(m *mail.Message) { m.MessageID = "no at sign" }, newsdesk.EINVALID},
		{"message id with CRLF", func(m *mail.Message) { m.MessageID = "a@b\r\nBcc: c@d" }, newsdesk.EINVALID},
		{"long name", func(m *mail.Message) { m.From.Name = strings.Repeat("n", mail.MaxNameLength+1) }, newsdesk.ETOOLARGE},
		{"long subject", func(m *mail.Message) { m.Subject = strings.Repeat("s", mail.MaxSubjectLength+1) }, newsdesk.ETOOLARGE},
		{"long address", func(m *mail.Message) { m.To[0].Address = strings.Repeat("a", 250) + "@example.net" }, newsdesk.ETOOLARGE},
		{"long header value", func(m *mail.Message) {
			m.Headers = []mail.Header{{Name: "X-Note", Value: strings.Repeat("v", mail.MaxHeaderLength+1)}}
		}, newsdesk.ETOOLARGE},
		{"unfoldable header word", func(m *mail.Message) { m.Headers = []mail.Header{{Name: "X-Note", Value: strings.Repeat("v", 1000)}} }, newsdesk.ETOOLARGE},
		{"huge text", func(m *mail.Message) { m.Text = strings.Repeat("t", mail.MaxPartLength+1) }, newsdesk.ETOOLARGE},
		{"too many recipients", func(m *mail.Message) { m.To = make([]mail.Address, mail.MaxRecipients+1) }, newsdesk.ETOOLARGE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newsletter()
			tt.change(m)
			raw, err := m.Encode()
			if err == nil {
				t.Fatalf("encoded:\n%s", raw)
			}
			if code := newsdesk.ErrorCode(err); code != tt.code {
				t.Errorf("code %q (%v), want %q", code, err, tt.code)
			}
			if newsdesk.ErrorMessage(err) == "Internal error." {
				t.Errorf("no message for the user: %v", err)
			}
		})
	}
}

func TestEncodeNeedsDate(t *testing.T) {
	m := newsletter()
	m.Date = time.Time{}
	if _, err := m.Encode(); newsdesk.ErrorCode(err) != newsdesk.EINVALID {
		t.Errorf("Encode without a date: %v, want EINVALID", err)
	}
}

func TestNewMessageID(t *testing.T) {
	a, b := mail.NewMessageID("ledger.example.org"), mail.NewMessageID("ledger.example.org")
	if a == b || !strings.HasSuffix(a, "@ledger.example.org") {
		t.Errorf("NewMessageID gave %q and %q", a, b)
	}
	m := newsletter()
	m.MessageID = ""
	raw, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if id := mustDecode(t, raw).Header.Get("Message-ID"); !strings.HasSuffix(id, "@ledger.example.org>") {
		t.Errorf("made-up Message-ID %q is not at the sender's domain", id)
	}
}
