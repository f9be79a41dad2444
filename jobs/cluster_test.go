package jobs_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// news is two events covered by three outlets, arriving interleaved.
var news = []struct{ outlet, guid, title, summary string }{
	{"Ledger", "quake-1", "Strong earthquake shakes northern Japan", "A magnitude 7.1 earthquake struck off the coast of northern Japan on Tuesday, shaking buildings in Sendai and prompting a tsunami warning."},
	{"Ledger", "vote-1", "Latvia's parliament elects new prime minister", "Latvia's parliament on Wednesday elected Laimdota Straujuma as prime minister after the previous government resigned over the Riga supermarket roof collapse."},
	{"Courier", "quake-2", "Tsunami warning after earthquake off Japan", "Japan's meteorological agency issued a tsunami warning for the Sendai coast after a magnitude 7.1 earthquake struck offshore on Tuesday morning; buildings shook in Sendai."},
	{"Courier", "vote-2", "Straujuma becomes Latvia's first female prime minister", "Laimdota Straujuma was elected prime minister by Latvia's parliament, weeks after the Riga supermarket roof collapse brought down the government."},
	{"Herald", "quake-3", "Sendai shaken as tsunami warning is lifted", "The tsunami warning issued after Tuesday's magnitude 7.1 earthquake off northern Japan was lifted; buildings shook in Sendai but no damage was reported."},
	{"Herald", "vote-3", "Latvian parliament backs Straujuma as prime minister", "Straujuma won the parliament vote in Riga and will lead the government that replaces the one that resigned after the roof collapse."},
}

// On the job queue, a poll that stores new items has them clustered.
func TestPolledItemsAreClustered(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		outlet := strings.Trim(r.URL.Path, "/")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title>`, outlet)
		for _, n := range news {
			if n.outlet == outlet {
				fmt.Fprintf(w, `<item><guid>%s</guid><title>%s</title><link>https://x.example/%[1]s</link><description>%s</description></item>`,
					n.guid, n.title, n.summary)
			}
		}
		fmt.Fprint(w, `</channel></rss>`)
	}))
	defer srv.Close()
	for _, name := range []string{"Ledger", "Courier", "Herald"} {
		if err := db.CreateSource(ctx, &newsdesk.Source{Name: name, FeedURL: srv.URL + "/" + name}); err != nil {
			t.Fatal(err)
		}
	}
	startQueue(t, db, feeds(db))
	waitFor(t, "two stories of three articles", func() bool {
		list, _ := db.FindStories(ctx, newsdesk.StoryFilter{MinOutlets: 3})
		return len(list) == 2
	})
}
