package staff_test

import (
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/staff"
	"github.com/newsdesk/newsdesk/store/storetest"
)

const password = "correct horse battery"

func TestAddUser(t *testing.T) {
	db := storetest.SQLite(t)
	s := staff.New(staff.Config{Users: db})
	ctx := t.Context()
	if err := s.AddUser(ctx, &newsdesk.User{Email: "Editor@Example.org", Role: newsdesk.RoleEditor}, password); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, email, password string
		code, message         string
	}{
		{"short password", "a@example.org", "abc123", newsdesk.EINVALID, "A password needs at least 10 characters."},
		{"common password", "a@example.org", "password123", newsdesk.EINVALID, "This password is one of the 10,000 most common passwords, which anyone guessing tries first: choose another."},
		{"not an address", "nobody", password, newsdesk.EINVALID, `"nobody" is not an e-mail address.`},
		{"taken, in another case", "EDITOR@example.org", password, newsdesk.ECONFLICT, "A user with the e-mail editor@example.org exists already."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.AddUser(ctx, &newsdesk.User{Email: tc.email, Role: newsdesk.RoleEditor}, tc.password)
			if newsdesk.ErrorCode(err) != tc.code || newsdesk.ErrorMessage(err) != tc.message {
				t.Errorf("AddUser: %v (code %q), want %s %q", err, newsdesk.ErrorCode(err), tc.code, tc.message)
			}
		})
	}
	users, err := s.FindUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 1 || users[0].Email != "editor@example.org" || !staff.CheckPassword(users[0].PasswordHash, password) {
		t.Errorf("users %+v, want only editor@example.org with the password's hash", users)
	}
}

// A session lives SessionLifetime, is found by its token and stored only
// as the token's hash, and ends at sign-out.
func TestSessions(t *testing.T) {
	db := storetest.SQLite(t)
	now := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	s := staff.New(staff.Config{Users: db, Now: func() time.Time { return now }})
	ctx := t.Context()
	u := &newsdesk.User{Email: "editor@example.org", Role: newsdesk.RoleEditor}
	if err := s.AddUser(ctx, u, password); err != nil {
		t.Fatal(err)
	}
	client := staff.Client{Address: "203.0.113.1"}
	for _, email := range []string{"editor@example.org", "nobody@example.org"} {
		_, err := s.SignIn(ctx, email, "wrong password!", client)
		if newsdesk.ErrorCode(err) != newsdesk.EUNAUTHORIZED || newsdesk.ErrorMessage(err) != "Wrong e-mail or password." {
			t.Errorf("sign in as %s with a wrong password: %v", email, err)
		}
	}

	in, err := s.SignIn(ctx, "Editor@example.org", password, client)
	if err != nil {
		t.Fatal(err)
	}
	if in.User.ID != u.ID || !in.Expires.Equal(now.Add(staff.SessionLifetime)) ||
		in.Device == "" || !in.DeviceExpires.Equal(now.Add(staff.DeviceLifetime)) {
		t.Errorf("signed in %+v", in)
	}
	if got, err := s.SessionUser(ctx, in.Token); err != nil || got.ID != u.ID {
		t.Errorf("SessionUser: %v, %v", got, err)
	}
	if _, err := db.FindSession(ctx, in.Token, now); err == nil {
		t.Error("the token itself is stored: a leaked table would sign its holder in")
	}
	if _, err := db.FindSession(ctx, staff.TokenHash(in.Token), now); err != nil {
		t.Errorf("the token's hash is not stored: %v", err)
	}

	later := staff.New(staff.Config{Users: db, Now: func() time.Time { return now.Add(staff.SessionLifetime) }})
	if _, err := later.SessionUser(ctx, in.Token); newsdesk.ErrorCode(err) != newsdesk.EUNAUTHORIZED {
		t.Errorf("a session past its lifetime: %v, want EUNAUTHORIZED", err)
	}
	if err := s.SignOut(ctx, in.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionUser(ctx, in.Token); newsdesk.ErrorCode(err) != newsdesk.EUNAUTHORIZED {
		t.Errorf("a session signed out: %v, want EUNAUTHORIZED", err)
	}
	for _, token := range []string{"", "forged"} {
		if _, err := s.SessionUser(ctx, token); newsdesk.ErrorCode(err) != newsdesk.EUNAUTHORIZED {
			t.Errorf("SessionUser(%q): %v, want EUNAUTHORIZED", token, err)
		}
		if err := s.SignOut(ctx, token); err != nil {
			t.Errorf("SignOut(%q): %v", token, err)
		}
	}
}

// Failures through Authenticate (HTTP Basic) and SignIn (the desk's form)
// count together: a guesser cannot get MaxFailures tries through each.
func TestFailuresCountAcrossWaysIn(t *testing.T) {
	db := storetest.SQLite(t)
	s := staff.New(staff.Config{Users: db})
	ctx := t.Context()
	if err := s.AddUser(ctx, &newsdesk.User{Email: "editor@example.org", Role: newsdesk.RoleEditor}, password); err != nil {
		t.Fatal(err)
	}
	for i := range staff.MaxFailures {
		c := staff.Client{Address: "203.0.113.1", Program: i%2 == 0}
		if _, err := s.Authenticate(ctx, "editor@example.org", "wrong password!", c); newsdesk.ErrorCode(err) != newsdesk.EUNAUTHORIZED {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	_, err := s.SignIn(ctx, "editor@example.org", password, staff.Client{Address: "198.51.100.7"})
	if newsdesk.ErrorCode(err) != newsdesk.ERATELIMITED {
		t.Errorf("a new browser after %d failures: %v, want ERATELIMITED", staff.MaxFailures, err)
	}
}
