package newsdesk

import (
	"context"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a member of staff may do.
type Role string

// Roles, from most to least powerful.
const (
	RoleAdmin  Role = "admin"  // everything, including users and sources
	RoleEditor Role = "editor" // sources, items and posts
)

// User is a member of staff who signs in to the desk.
type User struct {
	ID           int64
	Email        string
	Name         string
	Role         Role
	PasswordHash string
	CreatedAt    time.Time
}

// MaxEmailLength bounds an e-mail address: SMTP carries none longer
// (RFC 5321's 256-character path, less its angle brackets).
const MaxEmailLength = 254

// Validate reports whether the user can be stored.
func (u *User) Validate() error {
	if _, err := mail.ParseAddress(u.Email); err != nil || strings.ContainsAny(u.Email, "<> ") {
		return Errorf(EINVALID, "%q is not an e-mail address.", u.Email)
	}
	if len(u.Email) > MaxEmailLength {
		return Errorf(EINVALID, "An e-mail address must be at most %d characters.", MaxEmailLength)
	}
	if u.Name != "" && IsBlank(u.Name) {
		return Errorf(EINVALID, "A name must show something: this one has only spaces or invisible characters such as zero-width spaces. Leave it out or write one.")
	}
	if utf8.RuneCountInString(u.Name) > MaxNameLength {
		return Errorf(EINVALID, "A name must be at most %d characters.", MaxNameLength)
	}
	if u.Role != RoleAdmin && u.Role != RoleEditor {
		return Errorf(EINVALID, "Unknown role %q: use admin or editor.", u.Role)
	}
	if u.PasswordHash == "" {
		return Errorf(EINVALID, "A user needs a password.")
	}
	return nil
}

// Session is a signed-in user's browser session. Only a hash of its token
// is stored.
type Session struct {
	TokenHash string
	UserID    int64
	ExpiresAt time.Time
}

// UserService manages staff and their sessions.
type UserService interface {
	// CreateUser returns EINVALID, or ECONFLICT if the e-mail is taken.
	CreateUser(ctx context.Context, u *User) error
	// FindUserByEmail returns ENOTFOUND if no user has the address.
	FindUserByEmail(ctx context.Context, email string) (*User, error)
	// FindUserByID returns ENOTFOUND if the user does not exist.
	FindUserByID(ctx context.Context, id int64) (*User, error)
	// FindUsers returns every user, by e-mail.
	FindUsers(ctx context.Context) ([]*User, error)
	// SetPassword returns ENOTFOUND if the user does not exist.
	SetPassword(ctx context.Context, userID int64, hash string) error
	// CreateSession stores a session.
	CreateSession(ctx context.Context, s *Session) error
	// FindSession returns the session's user, or EUNAUTHORIZED if the
	// session does not exist or has expired.
	FindSession(ctx context.Context, tokenHash string, now time.Time) (*User, error)
	// DeleteSession signs a session out; deleting a missing one is no error.
	DeleteSession(ctx context.Context, tokenHash string) error
}

// userKey is the context key under which WithUser keeps the acting user.
type userKey struct{}

// WithUser returns a copy of ctx that says u is acting: the member of
// staff signed in to the desk or the API, or the one a command or the demo
// acts as. Services read it with UserFrom to credit and to check what u
// may do, so every surface passes the acting user the same way.
func WithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFrom returns the user acting in ctx (see WithUser), or nil for the
// public.
func UserFrom(ctx context.Context) *User {
	u, _ := ctx.Value(userKey{}).(*User)
	return u
}
