package desk

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/story"
)

// storiesPerPage is how many stories the stories page lists at a time.
const storiesPerPage = 30

// storiesPage is the data of stories.html.
type storiesPage struct {
	Stories    []storyRow
	MinOutlets int    // the filter's choice: 2 (the default) or 1 for every story
	Newer      string // URL of the page of higher-ranked stories, if any
	Older      string // URL of the next page, if any
}

// storyRow is one story on the stories page.
type storyRow struct {
	*newsdesk.Story
	Coverage string // formatted for reading, e.g. "2.7"
}

// handleStories lists stories, best covered first, with a way to merge
// two of them.
func handleStories(stories *story.Service, now func() time.Time, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		n, err := pageNumber(q.Get("page"))
		if err != nil {
			pages.error(w, r, err)
			return
		}
		// By default, the stories more than one outlet covers: what is
		// breaking across outlets. The items page has everything else.
		minOutlets := 2
		if q.Get("outlets") == "1" {
			minOutlets = 1
		}
		list, err := stories.FindStories(r.Context(), newsdesk.StoryFilter{
			MinOutlets: minOutlets, Limit: storiesPerPage + 1, Offset: (n - 1) * storiesPerPage,
		})
		if err != nil {
			pages.error(w, r, err)
			return
		}
		link := func(page int) string {
			v := url.Values{}
			if page > 1 {
				v.Set("page", strconv.Itoa(page))
			}
			if minOutlets != 2 {
				v.Set("outlets", strconv.Itoa(minOutlets))
			}
			if len(v) == 0 {
				return "/desk/stories"
			}
			return "/desk/stories?" + v.Encode()
		}
		data := storiesPage{MinOutlets: minOutlets}
		if n > 1 {
			data.Newer = link(n - 1)
		}
		if len(list) > storiesPerPage {
			list = list[:storiesPerPage]
			data.Older = link(n + 1)
		}
		t := now()
		for _, s := range list {
			data.Stories = append(data.Stories, storyRow{Story: s, Coverage: formatCoverage(s.Coverage(t))})
		}
		pages.render(w, r, http.StatusOK, "stories.html", view{Title: "Stories", Nav: "stories", Data: data})
	})
}

// pageNumber parses a page number from a query; empty is the first page.
func pageNumber(s string) (int, error) {
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 1_000_000 {
		return 0, newsdesk.Errorf(newsdesk.EINVALID, "%q is not a page number.", s)
	}
	return n, nil
}

func formatCoverage(c float64) string {
	if c >= 10 {
		return strconv.FormatFloat(c, 'f', 0, 64)
	}
	return strconv.FormatFloat(c, 'f', 1, 64)
}

// storyPage is the data of stories_story.html.
type storyPage struct {
	Story    *newsdesk.Story
	Coverage string
	Lead     *newsdesk.StoryItem
	Outlets  []outletGroup
}

// outletGroup is one outlet's articles in a story.
type outletGroup struct {
	Name     string
	Articles []articleGroup
}

// articleGroup is an article and the near-duplicates that copy it.
type articleGroup struct {
	*newsdesk.StoryItem
	Copies []*newsdesk.StoryItem
}

// handleStory shows one story: its articles by outlet, copies folded under
// the article they copy, with ways to write a post from its lead and to
// split articles off.
func handleStory(stories *story.Service, now func() time.Time, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok := findStory(w, r, stories, pages)
		if !ok {
			return
		}
		if s.MergedInto != 0 {
			http.Redirect(w, r, "/desk/stories/"+strconv.FormatInt(s.MergedInto, 10), http.StatusSeeOther)
			return
		}
		data := storyPage{Story: s, Coverage: formatCoverage(s.Coverage(now())), Outlets: groupByOutlet(s)}
		for _, it := range s.Items {
			if it.Item.ID == s.LeadItemID {
				data.Lead = it
			}
		}
		title := s.Headline
		if title == "" {
			title = "Story " + strconv.FormatInt(s.ID, 10)
		}
		pages.render(w, r, http.StatusOK, "stories_story.html", view{Title: title, Nav: "stories", Data: data})
	})
}

// groupByOutlet folds each copy under the article it copies, when that is
// in the story, and groups the rest by outlet: the outlets in the order
// they first covered the story, each one's articles oldest first.
func groupByOutlet(s *newsdesk.Story) []outletGroup {
	in := map[int64]*articleGroup{}
	var originals []*articleGroup
	for _, it := range s.Items {
		if it.CopyOf == 0 {
			g := &articleGroup{StoryItem: it}
			in[it.Item.ID] = g
			originals = append(originals, g)
		}
	}
	for _, it := range s.Items {
		if it.CopyOf == 0 {
			continue
		}
		if g, ok := in[it.CopyOf]; ok {
			g.Copies = append(g.Copies, it)
			continue
		}
		// What it copies is in another story now: it stands for itself.
		g := &articleGroup{StoryItem: it}
		originals = append(originals, g)
	}
	slices.SortStableFunc(originals, func(a, b *articleGroup) int {
		return cmp.Or(a.SeenAt.Compare(b.SeenAt), cmp.Compare(a.Item.ID, b.Item.ID))
	})
	var out []outletGroup
	at := map[string]int{}
	for _, g := range originals {
		i, ok := at[g.Item.SourceName]
		if !ok {
			i = len(out)
			at[g.Item.SourceName] = i
			out = append(out, outletGroup{Name: g.Item.SourceName})
		}
		out[i].Articles = append(out[i].Articles, *g)
	}
	return out
}

// findStory loads the story the path names, or writes the error page.
func findStory(w http.ResponseWriter, r *http.Request, stories *story.Service, pages *renderer) (*newsdesk.Story, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		pages.notFound(w, r)
		return nil, false
	}
	s, err := stories.FindStoryByID(r.Context(), id)
	if err != nil {
		pages.error(w, r, err)
		return nil, false
	}
	return s, true
}

// formIDs parses the IDs a form's checkboxes of the given name sent.
func formIDs(r *http.Request, name, what string) ([]int64, error) {
	var ids []int64
	for _, v := range r.PostForm[name] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return nil, newsdesk.Errorf(newsdesk.EINVALID, "%q is not a valid %s.", v, what)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// handleMergeStories merges the stories ticked on the stories page into
// the first of them (the best covered, as the page lists them).
func handleMergeStories(stories *story.Service, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			pages.error(w, r, formError(err))
			return
		}
		ids, err := formIDs(r, "story", "story")
		if err != nil {
			pages.error(w, r, err)
			return
		}
		ids = slices.Compact(ids)
		if len(ids) < 2 {
			pages.error(w, r, newsdesk.Errorf(newsdesk.EINVALID, "Tick two or more stories to merge them."))
			return
		}
		into := ids[0]
		for _, from := range ids[1:] {
			if err := stories.MergeStories(r.Context(), into, from); err != nil {
				pages.error(w, r, err)
				return
			}
		}
		pages.flash(w, flash{Kind: flashMerged, Count: len(ids) - 1})
		http.Redirect(w, r, "/desk/stories/"+strconv.FormatInt(into, 10), http.StatusSeeOther)
	})
}

// handleSplitStory moves the articles ticked on a story's page into a new
// story.
func handleSplitStory(stories *story.Service, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			pages.notFound(w, r)
			return
		}
		if err := r.ParseForm(); err != nil {
			pages.error(w, r, formError(err))
			return
		}
		items, err := formIDs(r, "item", "article")
		if err != nil {
			pages.error(w, r, err)
			return
		}
		newID, err := stories.SplitStory(r.Context(), id, items)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		pages.flash(w, flash{Kind: flashSplit, ID: id, Count: len(items)})
		http.Redirect(w, r, "/desk/stories/"+strconv.FormatInt(newID, 10), http.StatusSeeOther)
	})
}
