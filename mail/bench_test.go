package mail_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/mail"
)

// issueMessages returns n messages of a newsletter issue as issue 12
// sends them: the same parts (about 4 KB of text and 12 KB of HTML, in
// Latin script with a few accents) to each reader, with the reader's own
// address, return path, Message-ID and unsubscribe link.
func issueMessages(n int) []*mail.Message {
	story := "<h2>Harbour board approves the new ferry terminal</h2>\n<p>The board voted 5–2 on Tuesday to fund the terminal, " +
		"a decision that ends three years of debate over the waterfront. Read the full story at The Harbor City Ledger.</p>\n"
	html := "<!doctype html><html><body>\n" + strings.Repeat(story, 48) + "</body></html>\n"
	text := strings.Repeat("Harbour board approves the new ferry terminal\nThe board voted 5–2 on Tuesday to fund the terminal.\n\n", 40)
	msgs := make([]*mail.Message, n)
	for i := range msgs {
		msgs[i] = &mail.Message{
			From:                mail.Address{Name: "The Harbor City Ledger", Address: "news@ledger.example.org"},
			To:                  []mail.Address{{Name: fmt.Sprintf("Reader %d", i), Address: fmt.Sprintf("reader%d@example.net", i)}},
			Subject:             "This week: the harbour, the budget and the bridge",
			Text:                text,
			HTML:                html,
			ListUnsubscribe:     []string{fmt.Sprintf("https://ledger.example.org/u/%d.tok3n", i), fmt.Sprintf("mailto:u+%d@ledger.example.org", i)},
			ListUnsubscribePost: true,
			ReturnPath:          fmt.Sprintf("bounces+%d@ledger.example.org", i),
			MessageID:           fmt.Sprintf("issue-12.reader-%d@ledger.example.org", i),
			Date:                testDate,
		}
	}
	return msgs
}

// BenchmarkSMTPSend sends 10,000 messages of an issue to a go-smtp sink
// in this process over loopback, 8 at a time, and reports messages a
// second. The sink shares the machine's cores with the sender, so the
// figure is a floor for a sink in another process.
func BenchmarkSMTPSend(b *testing.B) {
	const messages, concurrency = 10_000, 8
	msgs := issueMessages(messages)
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		dkim *mail.DKIM
	}{
		{"plain", nil},
		{"dkim-ed25519", &mail.DKIM{Domain: "ledger.example.org", Selector: "nd1", Key: edKey}},
		{"dkim-rsa2048", &mail.DKIM{Domain: "ledger.example.org", Selector: "nd1", Key: rsaKey()}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := newSink(b, sinkOptions{discard: true})
			sender := newSMTP(b, s, mail.SMTPConfig{Concurrency: concurrency, DKIM: bc.dkim})
			b.ReportAllocs()
			var elapsed time.Duration
			cpu := cpuTime()
			for b.Loop() {
				start := time.Now()
				var next atomic.Int64
				var wg sync.WaitGroup
				for range concurrency {
					wg.Go(func() {
						for i := next.Add(1) - 1; i < messages; i = next.Add(1) - 1 {
							if err := sender.Send(context.Background(), msgs[i]); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
				elapsed += time.Since(start)
			}
			b.ReportMetric(float64(messages*b.N)/elapsed.Seconds(), "msgs/s")
			// CPU time is steadier than the rate on a shared machine; it
			// counts the sink's share too.
			b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(messages*b.N), "cpu-µs/msg")
			b.ReportMetric(float64(s.conns.Load()), "dials")
			if got := s.count.Load(); got != int64(messages*b.N) {
				b.Errorf("the sink received %d messages, want %d", got, messages*b.N)
			}
		})
	}
}

// cpuTime returns the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkEncode encodes one message of an issue: the sender's own
// share of the work for each reader.
func BenchmarkEncode(b *testing.B) {
	m := issueMessages(1)[0]
	raw, err := m.Encode()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Encode(); err != nil {
			b.Fatal(err)
		}
	}
}
