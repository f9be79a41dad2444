package mail

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/newsdesk/newsdesk"
)

// DKIM is what signing needs: the signing domain, the selector under
// which its public key is published (selector._domainkey.domain), and
// the private key, RSA (rsa-sha256, what every receiver checks) or
// Ed25519 (ed25519-sha256, RFC 8463, much cheaper to sign but not yet
// checked by every receiver).
type DKIM struct {
	Domain   string
	Selector string
	Key      crypto.Signer
}

// ParseDKIMKey reads a private key in PEM, PKCS #1 ("RSA PRIVATE KEY") or
// PKCS #8 ("PRIVATE KEY", RSA or Ed25519). RSA keys under 1024 bits are
// refused, as RFC 8301 asks.
func ParseDKIMKey(data []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "The DKIM key is not in PEM form.")
	}
	var key any
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "The DKIM key is a %q; an RSA or Ed25519 private key is needed.", block.Type)
	}
	if err != nil {
		return nil, newsdesk.WrapError(newsdesk.EINVALID, err, "The DKIM key cannot be read.")
	}
	return checkDKIMKey(key)
}

func checkDKIMKey(key any) (crypto.Signer, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < 1024 {
			return nil, newsdesk.Errorf(newsdesk.EINVALID, "The DKIM key has %d bits; receivers ignore RSA keys under 1024 bits (2048 is usual).", k.N.BitLen())
		}
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	}
	return nil, newsdesk.Errorf(newsdesk.EINVALID, "The DKIM key is a %T; an RSA or Ed25519 private key is needed.", key)
}

// oversigned are the fields whose addition after signing would change
// what the message means to its reader or to the receiver: each is named
// in the signature once more than the message has it, so that a second
// From (or a Reply-To where there was none) added on the way breaks the
// signature (RFC 6376 section 8.15). RFC 8058 section 4 asks for
// List-Unsubscribe and List-Unsubscribe-Post to be signed.
var oversigned = []string{"From", "To", "Reply-To", "Subject", "Date", "Message-ID",
	"List-Unsubscribe", "List-Unsubscribe-Post", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"}

// signer signs messages with one key; it is safe for concurrent use.
type signer struct {
	cfg DKIM
}

func newSigner(cfg DKIM) (*signer, error) {
	cfg.Domain = strings.TrimSpace(cfg.Domain)
	cfg.Selector = strings.TrimSpace(cfg.Selector)
	if !isDotAtom(cfg.Domain) || !strings.Contains(cfg.Domain, ".") {
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "The DKIM domain %q is not a domain name.", cfg.Domain)
	}
	if !isDotAtom(cfg.Selector) {
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "The DKIM selector %q is not a DNS label.", cfg.Selector)
	}
	if cfg.Key == nil {
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "A DKIM key is needed.")
	}
	if _, err := checkDKIMKey(cfg.Key); err != nil {
		return nil, err
	}
	return &signer{cfg: cfg}, nil
}

// sign returns the DKIM-Signature field (with its CRLF) for msg, which
// has the header fields named in names: relaxed/relaxed canonicalization,
// every field the encoder wrote signed and the ones that matter
// oversigned.
func (s *signer) sign(msg []byte, names []string) (string, error) {
	keys := make([]string, 0, len(names)+len(oversigned))
	keys = append(keys, names...)
	keys = append(keys, oversigned...)
	ds, err := dkim.NewSigner(&dkim.SignOptions{
		Domain:                 s.cfg.Domain,
		Selector:               s.cfg.Selector,
		Signer:                 s.cfg.Key,
		Hash:                   crypto.SHA256,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed,
		BodyCanonicalization:   dkim.CanonicalizationRelaxed,
		HeaderKeys:             keys,
	})
	if err != nil {
		return "", newsdesk.WrapError(newsdesk.EINVALID, err, "The DKIM settings are not usable.")
	}
	if _, err := ds.Write(msg); err != nil {
		ds.Close()
		return "", err
	}
	if err := ds.Close(); err != nil {
		return "", err
	}
	return ds.Signature(), nil
}
