package web

import (
	"log/slog"
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

// Problem is what a user is told of a request that failed: the status
// its error's code maps to, the code, and the message meant for users.
// It never holds the internal details the error wraps.
type Problem struct {
	Status  int
	Code    string
	Message string
}

// ErrorWriter answers requests that failed, the same way on every
// surface: with the status the error's code maps to (ErrorStatus) and
// its message for users, never its internal details, which go to the
// log when the failure is newsdesk's own (a 5xx). A 503 asks the client
// to come back after RetryAfter. Only the form of the answer differs
// between surfaces, and Body writes it.
type ErrorWriter struct {
	// Logger receives the internal details of 5xx failures; nil
	// discards them.
	Logger *slog.Logger
	// Body writes the answer in the surface's own form: an error page,
	// a JSON object. Nil writes the message as plain text.
	Body func(w http.ResponseWriter, r *http.Request, p Problem)
}

// Error answers r with err.
func (e ErrorWriter) Error(w http.ResponseWriter, r *http.Request, err error) {
	p := Problem{Status: ErrorStatus(err), Code: newsdesk.ErrorCode(err), Message: newsdesk.ErrorMessage(err)}
	if p.Status >= 500 && e.Logger != nil {
		e.Logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	SetRetryAfter(w.Header(), p.Status)
	body := e.Body
	if body == nil {
		body = TextBody
	}
	body(w, r, p)
}

// TextBody writes a problem's message as plain text, for clients that
// are programs with no page to show (hubs, health checks).
func TextBody(w http.ResponseWriter, _ *http.Request, p Problem) {
	http.Error(w, p.Message, p.Status)
}
