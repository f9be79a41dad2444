// Package staff holds the rules about the members of staff who sign in
// to the desk and the API: adding them with a password that meets the
// password rules, checking a password within the limits on failed
// sign-ins, and the sessions of signed-in browsers. The desk, the API,
// the CLI and the demo call its Service; none of them hashes a password
// or a session token, or counts a failure, itself.
//
// It knows nothing of HTTP. A surface reads the credentials from its
// request (the cookies named SessionCookie and DeviceCookieName, the
// client's address from web.ClientAddress) and sets the cookies that a
// sign-in returns.
package staff

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/newsdesk/newsdesk"
)

// SessionCookie names the cookie that holds a signed-in browser's session
// token. The desk sets it for the whole site and the API accepts it, so
// both name it from here.
const SessionCookie = "newsdesk_session"

// SessionLifetime is how long a sign-in lasts.
const SessionLifetime = 30 * 24 * time.Hour

// TokenHash returns what the store keeps of a session token: its hex
// SHA-256. A leaked sessions table then signs nobody in.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Config is what a Service uses.
type Config struct {
	// Users stores staff and their sessions; *store.DB is one.
	Users newsdesk.UserService
	// Now is the clock of sessions and of the limits on sign-ins; nil for
	// time.Now.
	Now func() time.Time
	// Logger hears when a group of clients reaches its limit of failed
	// sign-ins; nil discards it.
	Logger *slog.Logger
}

// Service holds the rules about staff and their sign-ins. Give every
// surface of a process the same one, so that failed sign-ins through
// each (the desk's form, the API's HTTP Basic) count together. Its
// methods are safe to call from many goroutines.
type Service struct {
	users newsdesk.UserService
	now   func() time.Time
	limit *limiter
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{users: cfg.Users, now: cfg.Now, limit: newLimiter(cfg.Now, cfg.Logger)}
}

// AddUser stores u, a new member of staff who signs in with password. It
// returns EINVALID if the password breaks the rules (see HashPassword) or
// u is incomplete, and ECONFLICT if another user has u's e-mail address.
func (s *Service) AddUser(ctx context.Context, u *newsdesk.User, password string) error {
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	u.PasswordHash = hash
	return s.users.CreateUser(ctx, u)
}

// FindUsers returns every member of staff, by e-mail address.
func (s *Service) FindUsers(ctx context.Context) ([]*newsdesk.User, error) {
	return s.users.FindUsers(ctx)
}

// FindUserByEmail returns the member of staff with the e-mail address,
// whatever its case, or ENOTFOUND.
func (s *Service) FindUserByEmail(ctx context.Context, email string) (*newsdesk.User, error) {
	return s.users.FindUserByEmail(ctx, email)
}

// Authenticate returns the member of staff whose e-mail address and
// password these are, tried by client c, within the limits on failed
// sign-ins (see limiter). It starts no session: it serves clients that
// send their password with every request (HTTP Basic).
//
// It returns EUNAUTHORIZED, saying the same for an unknown e-mail as for
// a wrong password and taking as long, so that it cannot be used to learn
// who has an account; ERATELIMITED, wrapping a *Refused that says how
// long to wait, when c's group has failed too often; or the context's
// error if ctx ends while other attempts are checked.
func (s *Service) Authenticate(ctx context.Context, email, password string, c Client) (*newsdesk.User, error) {
	return s.limit.check(ctx, s.users, email, password, c)
}

// SignedIn is what a browser keeps of a sign-in.
type SignedIn struct {
	User *newsdesk.User
	// Token is the session's secret, for the browser to send in the
	// SessionCookie until Expires. Only its hash is stored.
	Token   string
	Expires time.Time
	// Device is a new value of the browser's device cookie for User, to
	// be kept under DeviceCookieName(User.Email) until DeviceExpires:
	// with it the browser signs in to the account as one trusted, apart
	// from others' failures. Signing out keeps it.
	Device        string
	DeviceExpires time.Time
}

// SignIn checks the e-mail address and password as Authenticate does
// and starts a session of SessionLifetime for the browser c.
func (s *Service) SignIn(ctx context.Context, email, password string, c Client) (*SignedIn, error) {
	u, err := s.Authenticate(ctx, email, password, c)
	if err != nil {
		return nil, err
	}
	var b [32]byte
	rand.Read(b[:]) // never fails, per crypto/rand
	token := base64.RawURLEncoding.EncodeToString(b[:])
	now := s.now()
	expires := now.Add(SessionLifetime)
	if err := s.users.CreateSession(ctx, &newsdesk.Session{
		TokenHash: TokenHash(token),
		UserID:    u.ID,
		ExpiresAt: expires,
	}); err != nil {
		return nil, err
	}
	return &SignedIn{
		User: u, Token: token, Expires: expires,
		Device: s.limit.newDevice(u), DeviceExpires: now.Add(DeviceLifetime),
	}, nil
}

// SessionUser returns the member of staff signed in with the session
// token, or EUNAUTHORIZED when there is no such session or it has ended.
func (s *Service) SessionUser(ctx context.Context, token string) (*newsdesk.User, error) {
	if token == "" {
		return nil, newsdesk.Errorf(newsdesk.EUNAUTHORIZED, "Please sign in.")
	}
	return s.users.FindSession(ctx, TokenHash(token), s.now())
}

// SignOut ends the session with the token; ending one that does not exist
// is no error.
func (s *Service) SignOut(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.users.DeleteSession(ctx, TokenHash(token))
}
