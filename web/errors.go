package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/newsdesk/newsdesk"
)

// ErrorStatus returns the HTTP status for err's code. It is the one place
// where error codes meet HTTP.
func ErrorStatus(err error) int {
	switch newsdesk.ErrorCode(err) {
	case "":
		return http.StatusOK
	case newsdesk.ECONFLICT:
		return http.StatusConflict
	case newsdesk.EINVALID:
		return http.StatusBadRequest
	case newsdesk.ENOTFOUND:
		return http.StatusNotFound
	case newsdesk.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case newsdesk.EUNAVAILABLE:
		return http.StatusBadGateway
	case newsdesk.ESERVICEUNAVAILABLE:
		return http.StatusServiceUnavailable
	case newsdesk.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case newsdesk.EUNPROCESSABLE:
		return http.StatusUnprocessableEntity
	case newsdesk.ERATELIMITED:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

// RetryAfter is how long a 503 asks clients to wait before they try again
// (its Retry-After header): a database restarting or failing over is
// usually back within seconds, and a crawler told to wait longer would
// stay away for nothing.
const RetryAfter = 10 * time.Second

// SetRetryAfter adds the Retry-After header that a response with status
// owes its client: RetryAfter, in seconds, on a 503. A header set already
// (a 429's own wait) is kept.
func SetRetryAfter(h http.Header, status int) {
	if status == http.StatusServiceUnavailable && h.Get("Retry-After") == "" {
		h.Set("Retry-After", strconv.Itoa(int(RetryAfter/time.Second)))
	}
}
