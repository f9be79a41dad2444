package staff_test

import (
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/staff"
)

func TestHashPassword(t *testing.T) {
	const common = "This password is one of the 10,000 most common passwords, which anyone guessing tries first: choose another."
	for _, tc := range []struct {
		name, password string
		message        string // "" when the password is accepted
	}{
		{"long enough", "correct horse battery", ""},
		{"too short", "abc123", "A password needs at least 10 characters."},
		{"too long", strings.Repeat("x", 73), "A password can have at most 72 bytes."},
		{"common", "password123", common},
		{"common, any case", "QwertyUIOP", common},
		{"common, first on the list", "qwertyuiop", common},
		{"common, last on the list", "Administrator", common},
		{"common with a character more", "qwertyuiop!", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hash, err := staff.HashPassword(tc.password)
			if tc.message == "" {
				if err != nil || !staff.CheckPassword(hash, tc.password) {
					t.Fatalf("HashPassword(%q) = %q, %v; want a hash of it", tc.password, hash, err)
				}
				return
			}
			if newsdesk.ErrorCode(err) != newsdesk.EINVALID || newsdesk.ErrorMessage(err) != tc.message {
				t.Errorf("HashPassword(%q): %v (code %q), want EINVALID %q", tc.password, err, newsdesk.ErrorCode(err), tc.message)
			}
		})
	}
}
