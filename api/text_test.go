package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// A NUL byte or bytes that are not UTF-8 in what an editor writes are
// dropped or replaced (see the store's cleanText) on both databases, the
// same way, through the API and through the desk's form alike: the post
// is saved, not refused with an internal error by PostgreSQL.
func TestPostTextPostgresRefuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnvOn(t, db)
		e.source(t, "Harbor City Ledger", testItem("ledger", 1))

		r := e.do(t, call{method: "POST", path: "/api/posts", auth: true, body: jsonBody(t, map[string]any{
			"item_id": 1, "headline": "Rain\x00fall breaks records", "summary": "Nul\x00 and all.", "tags": []string{"Wea\x00ther"},
		})})
		var p postJSON
		r.decode(t, &p)
		if r.status != http.StatusCreated || p.Headline != "Rainfall breaks records" || p.Summary != "Nul and all." || p.Slug != "rainfall-breaks-records" {
			t.Errorf("API: status %d, post %+v\n%s", r.status, p, r.body)
		}

		c := e.deskSession(t)
		res, err := c.PostForm(e.srv.URL+"/desk/posts", url.Values{
			"item":     {"1"},
			"headline": {"Flood\x00 warning for M\xfcnchen"},
			"summary":  {"The river is \xffrising.\x00"},
			"status":   {"published"},
		})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("desk: status %d, want 303", res.StatusCode)
		}
		stored, err := e.db.FindPostBySlug(context.Background(), "flood-warning-for-m-nchen")
		if err != nil {
			t.Fatal(err)
		}
		if stored.Headline != "Flood warning for M\uFFFDnchen" || stored.Summary != "The river is \uFFFDrising." {
			t.Errorf("desk: post stored as %q %q", stored.Headline, stored.Summary)
		}

		// A headline that is nothing but a NUL is no headline.
		r = e.do(t, call{method: "PATCH", path: "/api/posts/" + strconv.FormatInt(stored.ID, 10), auth: true,
			body: `{"headline": "\u0000"}`})
		r.wantError(t, http.StatusBadRequest, newsdesk.EINVALID, "A post needs a headline.")
	})
}
