package ingest

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk"
)

// Every feed format newsdesk claims to read parses from a fixture, with
// Dublin Core, Media RSS, enclosures and categories kept.
func TestParseEveryFormat(t *testing.T) {
	type enc = newsdesk.Enclosure
	for _, tc := range []struct {
		file, title, site string
		items             []newsdesk.Item
	}{
		{
			// Declared ISO-8859-1, with a raw é in one description, and
			// Netscape's DOCTYPE.
			file: "rss091.xml", title: "Old Mill Courier", site: "https://courier.example/",
			items: []newsdesk.Item{
				{GUID: "https://courier.example/news/cafe-reopens.html", URL: "https://courier.example/news/cafe-reopens.html",
					Title: "Café on Mill Street reopens", Summary: "The café closed after the flood and reopens on Saturday, says its owner, Renée Marsh."},
				{GUID: "https://courier.example/news/footbridge.html", URL: "https://courier.example/news/footbridge.html",
					Title: "Council votes on the footbridge", Summary: "A vote is expected on Tuesday."},
			},
		},
		{
			file: "rss092.xml", title: "Saltmarsh Radio", site: "https://saltmarsh.example/",
			items: []newsdesk.Item{
				{GUID: "https://saltmarsh.example/tides", URL: "https://saltmarsh.example/tides", Title: "Tide tables for the spring",
					Summary: "High water times for March to May.", Categories: []string{"Coast"},
					Enclosures: []enc{{URL: "https://saltmarsh.example/audio/tides.mp3", Type: "audio/mpeg", Length: 1843200}}},
				{GUID: "sha256:ec3c2738f3a44fde661d64fd1c9bac5e9fa6d49bb79fdc7707e8f0de52eead52", Summary: "A short bulletin with no title and no link."},
			},
		},
		{
			file: "rss1.rdf", title: "Northfield Bulletin", site: "https://northfield.example/",
			items: []newsdesk.Item{
				{GUID: "https://northfield.example/2026/fete", URL: "https://northfield.example/2026/fete", Title: "Summer fete date set",
					Summary: "The fete will be held on the green on 20 June.", Author: "Priya Hale",
					PublishedAt: ptime("2026-03-06T10:00:00Z"), Categories: []string{"Events", "Village green"}},
				{GUID: "https://northfield.example/2026/bus", URL: "https://northfield.example/2026/bus", Title: "Bus route 14 changes",
					Summary: "Two stops move from April.", PublishedAt: ptime("2026-03-05T08:30:00Z")},
			},
		},
		{
			file: "rss2-media.xml", title: "Estuary Post", site: "https://estuary.example/",
			items: []newsdesk.Item{
				{GUID: "estuary-1", URL: "https://estuary.example/seals", Title: "Seal pups counted on the sandbanks",
					Summary: "Volunteers counted 212 pups.", Author: "Hugo Marsh", PublishedAt: ptime("2026-03-09T07:00:00Z"),
					// media:thumbnail wins over media:content; relative to the feed.
					ImageURL:   "https://estuary.example/img/seals-thumb.jpg",
					Enclosures: []enc{{URL: "https://cdn.estuary.example/img/seals.jpg", Type: "image/jpeg", Length: 245760}},
					// category and dc:subject merged, repeats that differ in case dropped.
					Categories: []string{"Coast", "wildlife"}},
				{GUID: "estuary-2", URL: "https://estuary.example/storm-video", Title: "Harbour webcam: the storm in two minutes",
					// media:group's description stands in for a missing one.
					Summary:  "Time-lapse of Sunday's storm from the harbour wall.",
					ImageURL: "https://cdn.estuary.example/img/storm.jpg",
					Enclosures: []enc{
						{URL: "https://cdn.estuary.example/video/storm-720.mp4", Type: "video/mp4", Length: 15728640},
						{URL: "https://cdn.estuary.example/video/storm-360.mp4", Type: "video/mp4"},
					}},
				{GUID: "estuary-3", URL: "https://estuary.example/timetable", Title: "Ferry timetable (PDF)", Summary: "The new timetable.",
					// The tracking pixel is passed over; the javascript: enclosure is dropped.
					ImageURL:   "https://estuary.example/img/ferry.png",
					Enclosures: []enc{{URL: "https://estuary.example/files/timetable.pdf", Type: "application/pdf"}}},
				{GUID: "estuary-4", URL: "https://estuary.example/lighthouse", Title: "Lighthouse open day", Summary: "Tours every hour.",
					ImageURL:   "https://estuary.example/img/lighthouse.jpg",
					Enclosures: []enc{{URL: "https://estuary.example/img/lighthouse.jpg", Type: "image/jpeg", Length: 102400}}},
			},
		},
		{
			file: "atom03.xml", title: "Fenland Weekly", site: "https://fenland.example/",
			items: []newsdesk.Item{
				{GUID: "tag:fenland.example,2026:drainage", URL: "https://fenland.example/drainage", Title: "Drainage board meets",
					Summary: "The board sets this year's levy.", Author: "Olu Banks", PublishedAt: ptime("2026-03-07T08:00:00Z")},
				{GUID: "tag:fenland.example,2026:eel-pass", URL: "https://fenland.example/eel-pass", Title: "Eel pass opens",
					Summary: "Eels can now pass the sluice.", Author: "Ruth Lee", PublishedAt: ptime("2026-03-06T12:00:00Z"),
					ImageURL: "https://estuary.example/img/eel.jpg", Categories: []string{"Wildlife"}},
			},
		},
		{
			file: "atom-media.xml", title: "Harbour Channel", site: "https://video.example/channel/harbour",
			items: []newsdesk.Item{
				{GUID: "tag:video.example,2026:v:abc123", URL: "https://video.example/watch?v=abc123", Title: "Dredger at work",
					Summary: "The dredger clears the channel at low tide.", Author: "Harbour Channel",
					PublishedAt: ptime("2026-03-09T11:00:00Z"), ImageURL: "https://img.video.example/abc123/hq.jpg",
					Enclosures: []enc{{URL: "https://video.example/dl/abc123.mp4", Type: "video/mp4", Length: 9000000}},
					Categories: []string{"Harbour", "boats"}},
			},
		},
		{
			file: "jsonfeed10.json", title: "Kestrel Hill Notes", site: "https://kestrel.example/",
			items: []newsdesk.Item{
				{GUID: "k-41", URL: "https://kestrel.example/41", Title: "Orchard walk this Sunday", Summary: "Meet at the gate at ten.",
					Author: "Ada Finch", PublishedAt: ptime("2026-03-08T09:00:00Z"), ImageURL: "https://kestrel.example/img/orchard.jpg",
					Enclosures: []enc{{URL: "https://kestrel.example/audio/41.m4a", Type: "audio/x-m4a", Length: 2400000}},
					Categories: []string{"Walks", "Orchard"}},
			},
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			body, err := os.ReadFile("testdata/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(body, mustURL(t, "https://estuary.example/feed"))
			if err != nil {
				t.Fatal(err)
			}
			if f.Title != tc.title || f.SiteURL != tc.site {
				t.Errorf("feed title %q site %q, want %q %q", f.Title, f.SiteURL, tc.title, tc.site)
			}
			if len(f.Items) != len(tc.items) {
				t.Fatalf("%d items, want %d", len(f.Items), len(tc.items))
			}
			for i, want := range tc.items {
				got := *f.Items[i]
				got.Content = ""
				if !sameTime(got.PublishedAt, want.PublishedAt) {
					t.Errorf("item %d published %v, want %v", i, got.PublishedAt, want.PublishedAt)
				}
				got.PublishedAt, want.PublishedAt = nil, nil
				if !reflect.DeepEqual(got, want) {
					t.Errorf("item %d:\n got %+v\nwant %+v", i, got, want)
				}
			}
		})
	}
}

// A feed cannot make one item large: enclosures, categories and their
// lengths are bounded.
func TestParseBoundsMedia(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Many</title><item><guid>m</guid><title>Lots attached</title>`)
	for i := range 500 {
		fmt.Fprintf(&b, `<category>topic %d</category><enclosure url="https://many.example/%d.mp3" type="audio/mpeg" length="%d"/>`, i, i, i)
	}
	fmt.Fprintf(&b, `<category>%s</category>`, strings.Repeat("é", 300))
	fmt.Fprintf(&b, `<media:thumbnail url="https://many.example/%s.jpg"/>`, strings.Repeat("a", 3000))
	b.WriteString(`</item></channel></rss>`)
	f, err := Parse([]byte(b.String()), mustURL(t, "https://many.example/feed"))
	if err != nil {
		t.Fatal(err)
	}
	it := f.Items[0]
	if len(it.Enclosures) != maxEnclosures || len(it.Categories) != maxCategories {
		t.Fatalf("%d enclosures and %d categories kept", len(it.Enclosures), len(it.Categories))
	}
	if it.ImageURL != "" {
		t.Errorf("a 3,000-byte image address was kept")
	}
}
