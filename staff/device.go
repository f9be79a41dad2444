package staff

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"time"

	"github.com/newsdesk/newsdesk"
)

// A device cookie says that the browser holding it has signed in to one
// account: 16 random bytes that tell browsers apart, the time it was set
// (8 bytes, Unix seconds) and an HMAC-SHA256 of both and the account,
// base64url-encoded. It names nothing else, so no one's data sits in the
// browser.
//
// The HMAC's key is the user's bcrypt hash: a secret that every newsdesk
// process already shares through the database, survives restarts, and
// changes with the password, which ends the trust of every browser as it
// ends every session. Whoever can read the hash can make device cookies,
// but could as well guess the password offline, faster than any limit
// here allows online.
const (
	deviceIDBytes      = 16
	devicePayloadBytes = deviceIDBytes + 8
	deviceValueBytes   = devicePayloadBytes + sha256.Size
)

// DeviceCookieName returns the name of the device cookie for the account
// that email names. Each account has its own, so that staff who share a
// browser each keep theirs; the name carries a hash of the account, not
// the address itself.
func DeviceCookieName(email string) string {
	sum := sha256.Sum256([]byte("newsdesk device " + accountOf(email)))
	return "newsdesk_device_" + hex.EncodeToString(sum[:8])
}

// newDevice returns the value of a new device cookie for a browser that
// has just signed in as u, to be set under DeviceCookieName(u.Email) for
// DeviceLifetime. A new one at every sign-in keeps a browser in use
// trusted for good.
func (l *limiter) newDevice(u *newsdesk.User) string {
	var b [deviceValueBytes]byte
	rand.Read(b[:deviceIDBytes]) // never fails, per crypto/rand
	binary.BigEndian.PutUint64(b[deviceIDBytes:devicePayloadBytes], uint64(l.now().Unix()))
	copy(b[devicePayloadBytes:], deviceMAC(u, b[:devicePayloadBytes]))
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func deviceMAC(u *newsdesk.User, payload []byte) []byte {
	mac := hmac.New(sha256.New, []byte(u.PasswordHash))
	mac.Write([]byte("newsdesk device cookie\x00" + accountOf(u.Email) + "\x00"))
	mac.Write(payload)
	return mac.Sum(nil)
}

// deviceID returns the browser's id in the device cookie value, if the
// value is a device cookie that newDevice made for u, with u's current
// password, within DeviceLifetime before now.
func deviceID(u *newsdesk.User, value string, now time.Time) (string, bool) {
	if value == "" || base64.RawURLEncoding.DecodedLen(len(value)) != deviceValueBytes {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil || len(b) != deviceValueBytes {
		return "", false
	}
	payload := b[:devicePayloadBytes]
	if !hmac.Equal(b[devicePayloadBytes:], deviceMAC(u, payload)) {
		return "", false
	}
	set := time.Unix(int64(binary.BigEndian.Uint64(payload[deviceIDBytes:])), 0)
	// A little ahead is another process's clock; far ahead is not.
	if now.Sub(set) > DeviceLifetime || set.Sub(now) > time.Hour {
		return "", false
	}
	return hex.EncodeToString(payload[:deviceIDBytes]), true
}
