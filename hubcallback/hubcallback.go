// Package hubcallback serves /websub/, the callback URLs that WebSub hubs
// call: GET to verify that newsdesk wants a subscription, POST to push
// what a feed published. It decodes a hub's request, calls ingest's
// WebSub subscriber, which decides and stores, and answers; its errors go
// through web's one error writer, as plain text, for hubs are programs.
package hubcallback

import (
	"io"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/web"
)

// Config is what the callback uses.
type Config struct {
	// WebSub answers the hubs; nil when WebSub is off, and every callback
	// is then not found.
	WebSub *ingest.WebSub
	// Logger receives what went wrong inside; nil discards it.
	Logger *slog.Logger
}

// New returns the callbacks' handler, meant to be mounted at "/websub/";
// its routes carry the full path, /websub/{source id}/{token}.
func New(cfg Config) http.Handler {
	errs := web.ErrorWriter{Logger: cfg.Logger}
	mux := http.NewServeMux()
	if cfg.WebSub != nil {
		mux.Handle("GET /websub/{id}/{token}", handleVerify(cfg.WebSub, errs))
		mux.Handle("POST /websub/{id}/{token}", handleDeliver(cfg.WebSub, errs))
	}
	notFound := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		errs.Error(w, r, newsdesk.Errorf(newsdesk.ENOTFOUND, "No such callback."))
	})
	notAllowed := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		web.TextBody(w, r, web.Problem{Status: http.StatusMethodNotAllowed, Message: "Method not allowed."})
	})
	return web.Unmatched(mux, notFound, notAllowed)
}

// sourceID reads the source a callback URL names; ENOTFOUND when it
// names none.
func sourceID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, newsdesk.Errorf(newsdesk.ENOTFOUND, "No such callback.")
	}
	return id, nil
}

// handleVerify answers a hub's intent verification: 200 and the
// challenge for the one newsdesk waits for, 200 for a denial noted, and
// 404 for any other, which tells the hub newsdesk does not want it.
func handleVerify(ws *ingest.WebSub, errs web.ErrorWriter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := sourceID(r)
		if err != nil {
			errs.Error(w, r, err)
			return
		}
		challenge, err := ws.Verify(r.Context(), id, r.PathValue("token"), r.URL.Query())
		if err != nil {
			errs.Error(w, r, err)
			return
		}
		if challenge != "" {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		}
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, challenge)
	})
}

// handleDeliver takes what a hub pushes, and acknowledges it with 204
// whether or not it was stored (see ingest.WebSub.Deliver).
func handleDeliver(ws *ingest.WebSub, errs web.ErrorWriter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := sourceID(r)
		if err != nil {
			errs.Error(w, r, err)
			return
		}
		err = ws.Deliver(r.Context(), ingest.Delivery{
			SourceID: id, Token: r.PathValue("token"), Signature: r.Header.Get("X-Hub-Signature"),
			Body: r.Body, From: r.RemoteAddr,
		})
		if err != nil {
			errs.Error(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}
