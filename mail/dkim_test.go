package mail_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/mail"
)

var rsaKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// dnsRecord returns the DKIM TXT record that publishes key's public half.
func dnsRecord(t testing.TB, key crypto.Signer) string {
	t.Helper()
	switch pub := key.Public().(type) {
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		return "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)
	case ed25519.PublicKey:
		return "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)
	}
	t.Fatalf("key %T", key)
	return ""
}

// verify checks raw's DKIM signatures with an independent verifier
// (go-msgauth's), looking the key up in a fake DNS.
func verify(t testing.TB, raw []byte, records map[string]string) []*dkim.Verification {
	t.Helper()
	vs, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{
		LookupTXT: func(name string) ([]string, error) {
			if r, ok := records[name]; ok {
				return []string{r}, nil
			}
			return nil, &dkimNotFound{name}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

type dkimNotFound struct{ name string }

func (e *dkimNotFound) Error() string { return "no TXT record at " + e.name }

func TestSMTPSignsWithDKIM(t *testing.T) {
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		key  crypto.Signer
	}{{"rsa-sha256", rsaKey()}, {"ed25519-sha256", edKey}} {
		t.Run(tt.name, func(t *testing.T) {
			s := newSink(t, sinkOptions{})
			sender := newSMTP(t, s, mail.SMTPConfig{DKIM: &mail.DKIM{Domain: "ledger.example.org", Selector: "nd1", Key: tt.key}})
			m := numbered(1)
			m.To[0].Name = "עדה לאבלייס"
			m.Text = "A line with trailing space \nשלום\n.\n"
			if err := sender.Send(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			raw := s.messages()[0].Data
			records := map[string]string{"nd1._domainkey.ledger.example.org": dnsRecord(t, tt.key)}
			vs := verify(t, raw, records)
			if len(vs) != 1 || vs[0].Err != nil || vs[0].Domain != "ledger.example.org" {
				t.Fatalf("verifications %+v; want one valid signature by ledger.example.org", vs)
			}
			for _, h := range []string{"from", "to", "subject", "date", "message-id", "list-unsubscribe", "list-unsubscribe-post", "list-id", "content-type"} {
				if !slices.ContainsFunc(vs[0].HeaderKeys, func(k string) bool { return strings.EqualFold(k, h) }) {
					t.Errorf("%s is not signed (h=%v)", h, vs[0].HeaderKeys)
				}
			}
			if mustDecode(t, raw).Header.Get("DKIM-Signature") == "" {
				t.Error("no DKIM-Signature header")
			}

			// What the signature is for: a change on the way shows.
			for what, forged := range map[string][]byte{
				"subject changed":   bytes.Replace(raw, []byte("Subject: Issue 12"), []byte("Subject: Issue 13"), 1),
				"second From added": append([]byte("From: eve@evil.example\r\n"), raw...),
				"Reply-To added":    bytes.Replace(raw, []byte("\r\n\r\n"), []byte("\r\nReply-To: eve@evil.example\r\n\r\n"), 1),
				"unsubscribe link":  bytes.Replace(raw, []byte("https://ledger.example.org/u/tok3n"), []byte("https://evil.example.org/u/tok3n"), 1),
				"body changed":      bytes.Replace(raw, []byte("Hello reader 1"), []byte("Hello reader 2"), 1),
			} {
				if bytes.Equal(forged, raw) {
					t.Fatalf("%s: nothing replaced", what)
				}
				if vs := verify(t, forged, records); len(vs) != 1 || vs[0].Err == nil {
					t.Errorf("%s: the signature still verifies", what)
				}
			}
		})
	}
}

func TestParseDKIMKey(t *testing.T) {
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey())})
	der, _ := x509.MarshalPKCS8PrivateKey(rsaKey())
	pkcs8 := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	der, _ = x509.MarshalPKCS8PrivateKey(edKey)
	ed := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	// Go refuses keys this small unless told otherwise; newsdesk must
	// refuse them even then.
	t.Setenv("GODEBUG", "rsa1024min=0")
	small, err := rsa.GenerateKey(rand.Reader, 512)
	if err != nil {
		t.Fatal(err)
	}
	weak := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(small)})
	tests := []struct {
		name string
		pem  []byte
		ok   bool
	}{
		{"pkcs1 rsa", pkcs1, true},
		{"pkcs8 rsa", pkcs8, true},
		{"pkcs8 ed25519", ed, true},
		{"512-bit rsa", weak, false},
		{"not pem", []byte("hello"), false},
		{"public key", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1}}), false},
		{"garbage in pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2, 3}}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, err := mail.ParseDKIMKey(tt.pem)
			if tt.ok && (err != nil || key == nil) {
				t.Errorf("ParseDKIMKey: %v", err)
			}
			if !tt.ok && newsdesk.ErrorCode(err) != newsdesk.EINVALID {
				t.Errorf("ParseDKIMKey: %v, want EINVALID", err)
			}
		})
	}
}
