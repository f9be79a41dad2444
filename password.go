package newsdesk

import "golang.org/x/crypto/bcrypt"

// MinPasswordLength is the shortest password newsdesk accepts.
const MinPasswordLength = 10

// HashPassword returns a bcrypt hash of password, or EINVALID if the
// password is too short or too long for bcrypt.
func HashPassword(password string) (string, error) {
	if len(password) < MinPasswordLength {
		return "", Errorf(EINVALID, "A password needs at least %d characters.", MinPasswordLength)
	}
	if len(password) > 72 {
		return "", Errorf(EINVALID, "A password can have at most 72 bytes.")
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
