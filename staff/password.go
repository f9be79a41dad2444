package staff

import (
	_ "embed"
	"strings"
	"sync"

	"github.com/newsdesk/newsdesk"
	"golang.org/x/crypto/bcrypt"
)

// MinPasswordLength is the shortest password newsdesk accepts.
const MinPasswordLength = 10

// commonPasswordsFile holds, one a line and lower-cased, those of the
// 10,000 most common passwords that are at least MinPasswordLength bytes
// long: the shorter ones are refused by length already, so keeping them
// would only make the binary larger. NIST SP 800-63B (5.1.1.2) asks that
// a new password be checked against such a list, because these are the
// passwords anyone guessing tries first.
//
// It is the first 10,000 lines of data/passwords.txt in
// github.com/trustelem/zxcvbn v1.0.1 (MIT licence, Copyright (c) 2018
// Vincent Vanackere and Trustelem; the list is that of Dropbox's zxcvbn,
// MIT licence, ranked by frequency in Mark Burnett's 10 million password
// corpus, with case folded), filtered to lines of 10 or more bytes: 184
// passwords. To rebuild it:
//
//	go mod download github.com/trustelem/zxcvbn@v1.0.1
//	head -10000 $(go env GOMODCACHE)/github.com/trustelem/zxcvbn@v1.0.1/data/passwords.txt |
//		awk 'length($1) >= 10 {print $1}' > common_passwords.txt
//
//go:embed common_passwords.txt
var commonPasswordsFile string

// commonPasswords is the set of commonPasswordsFile's lines, made on first
// use.
var commonPasswords = sync.OnceValue(func() map[string]bool {
	set := map[string]bool{}
	for line := range strings.Lines(commonPasswordsFile) {
		if line = strings.TrimSpace(line); line != "" {
			set[line] = true
		}
	}
	return set
})

// HashPassword returns a bcrypt hash of password, or EINVALID if the
// password is too short, too long for bcrypt, or one of the most common
// passwords (whatever its case). Every way of setting a password goes
// through it, so the rules hold everywhere.
func HashPassword(password string) (string, error) {
	if len(password) < MinPasswordLength {
		return "", newsdesk.Errorf(newsdesk.EINVALID, "A password needs at least %d characters.", MinPasswordLength)
	}
	if len(password) > 72 {
		return "", newsdesk.Errorf(newsdesk.EINVALID, "A password can have at most 72 bytes.")
	}
	if commonPasswords()[strings.ToLower(password)] {
		return "", newsdesk.Errorf(newsdesk.EINVALID, "This password is one of the 10,000 most common passwords, which anyone guessing tries first: choose another.")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return "", err
	}
	return string(h), nil
}

// CheckPassword reports whether password matches hash.
func CheckPassword(hash, password string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}
