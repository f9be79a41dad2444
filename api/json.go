package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/web"
)

// maxBodyBytes bounds a request body: the largest thing anyone sends is a
// post, whose summary is at most 20,000 characters.
const maxBodyBytes = 1 << 20

// errorBody is how every error is answered.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// respond writes v as JSON with status.
func respond(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	web.SetRetryAfter(w.Header(), status)
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v) // the status is sent; a failed write has no one to tell
}

// respondError writes err through web's one error writer, as JSON: the
// status its code maps to, its code and its message for users. Internal
// details go to the log only.
func respondError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	web.ErrorWriter{Logger: logger, Body: problemBody}.Error(w, r, err)
}

// problemBody is how the API answers a failed request: {"error": {"code",
// "message"}}, and on a 401 the challenge for HTTP Basic.
func problemBody(w http.ResponseWriter, _ *http.Request, p web.Problem) {
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="newsdesk", charset="UTF-8"`)
	}
	respond(w, p.Status, errorBody{Error: errorDetail{Code: p.Code, Message: p.Message}})
}

// decode reads one JSON object from r's body into v, a pointer to a
// struct. It refuses bodies over maxBodyBytes, fields v does not have,
// and anything after the object, each with a message that says what to
// fix.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err, v)
	}
	if _, err := dec.Token(); err != io.EOF {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return decodeError(err, v)
		}
		return newsdesk.Errorf(newsdesk.EINVALID, "The request body must hold one JSON object and nothing after it.")
	}
	return nil
}

func decodeError(err error, v any) error {
	var (
		tooBig    *http.MaxBytesError
		syntax    *json.SyntaxError
		wrongType *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooBig):
		return newsdesk.WrapError(newsdesk.ETOOLARGE, err, "The request body is larger than %d bytes.", tooBig.Limit)
	case errors.Is(err, io.EOF):
		return newsdesk.Errorf(newsdesk.EINVALID, "The request body is empty: send a JSON object.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return newsdesk.WrapError(newsdesk.EINVALID, err, "The request body is not valid JSON: it ends too soon.")
	case errors.As(err, &syntax):
		return newsdesk.WrapError(newsdesk.EINVALID, err, "The request body is not valid JSON (at byte %d).", syntax.Offset)
	case errors.As(err, &wrongType) && wrongType.Field == "":
		return newsdesk.WrapError(newsdesk.EINVALID, err, "The request body must be a JSON object.")
	case errors.As(err, &wrongType):
		return newsdesk.WrapError(newsdesk.EINVALID, err, "The field %q must be %s.", wrongType.Field, kindName(wrongType.Type))
	}
	// encoding/json has no error type for an unknown field, only this
	// message, which its compatibility promise keeps stable.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return newsdesk.WrapError(newsdesk.EINVALID, err, "Unknown field %s in the request body; the fields are %s.", name, fieldNames(v))
	}
	return newsdesk.WrapError(newsdesk.EINVALID, err, "The request body could not be read as JSON.")
}

// kindName says what JSON value a Go type takes, for error messages.
func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	default:
		return "an object"
	}
}

// fieldNames lists the JSON fields of the struct v points to.
func fieldNames(v any) string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var names []string
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
			names = append(names, fmt.Sprintf("%q", name))
		}
	}
	return strings.Join(names, ", ")
}
