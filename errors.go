// Package newsdesk holds the domain of a news curation and publishing
// platform: sources and the items read from them, the posts editors publish,
// the staff who publish them, and the error codes every layer speaks.
//
// It imports no other package of the project. The store, the ingest
// pipeline, the site, the desk and the API all meet here.
package newsdesk

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to exactly one HTTP status, in one place
// (web.ErrorStatus): domain code knows nothing of HTTP.
const (
	ECONFLICT      = "conflict"      // the action conflicts with existing data
	EINTERNAL      = "internal"      // something went wrong that the user cannot fix
	EINVALID       = "invalid"       // the input is not acceptable
	ENOTFOUND      = "not_found"     // the thing asked for does not exist
	EUNAUTHORIZED  = "unauthorized"  // the caller is not signed in, or not allowed
	EUNAVAILABLE   = "unavailable"   // a remote party (an outlet's server) failed
	ETOOLARGE      = "too_large"     // the input is larger than newsdesk accepts
	EUNPROCESSABLE = "unprocessable" // the input arrived but could not be understood
	ERATELIMITED   = "rate_limited"  // too many attempts lately: wait, then try again

	// ESERVICEUNAVAILABLE says that newsdesk itself cannot answer for now:
	// its database cannot be reached (down, restarting, out of
	// connections) or stays busy. Unlike EUNAVAILABLE it is no outlet's
	// failure, and trying again shortly is the cure.
	ESERVICEUNAVAILABLE = "service_unavailable"
)

// Error is an error a user can be shown. Code says what kind of failure it
// is; Message says it in words fit for the user. Internal details stay in
// the wrapped Err, for the log.
type Error struct {
	Code    string
	Message string
	Err     error
}

// Error returns the message and, if present, the wrapped error.
func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the wrapped error.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WrapError returns an *Error with the given code and message that wraps err.
func WrapError(code string, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of the first *Error in err's
// chain, or a generic message for errors that carry no message for users.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
