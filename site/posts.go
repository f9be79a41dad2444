package site

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/posts"
	"github.com/newsdesk/newsdesk/textproc"
)

// postsPerPage is how many posts the home page lists at a time.
const postsPerPage = 20

// homePage is the data of home.html.
type homePage struct {
	layout
	Posts []*newsdesk.Post
	Page  int
	Newer string // URL of the page of newer posts, if any
	Older string // URL of the page of older posts, if any
}

// handleHome lists published posts, newest first, a page at a time.
func handleHome(postService *posts.Service, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, ok := pageNumber(r.URL.Query().Get("page"))
		if !ok {
			pages.notFound(w, r)
			return
		}
		// One more than a page tells whether there is an older page.
		list, err := postService.List(r.Context(), newsdesk.PostFilter{
			Status: newsdesk.PostPublished,
			Limit:  postsPerPage + 1,
			Offset: (n - 1) * postsPerPage,
		})
		if err != nil {
			pages.error(w, r, err)
			return
		}
		if n > 1 && len(list) == 0 {
			pages.notFound(w, r)
			return
		}
		data := homePage{
			layout: layout{
				Site:        pages.site,
				Description: fmt.Sprintf("The latest from %s: short summaries of the news, each linking to the full story at the outlet that reported it.", pages.site),
			},
			Posts: list[:min(len(list), postsPerPage)],
			Page:  n,
		}
		if n > 1 {
			data.Title = fmt.Sprintf("Page %d", n)
			data.Newer = pageURL(n - 1)
		}
		if len(list) > postsPerPage {
			data.Older = pageURL(n + 1)
		}
		pages.render(w, r, http.StatusOK, "home.html", data)
	})
}

// pageNumber parses the ?page= parameter: empty is the first page; what
// is not a page number is reported as not ok.
func pageNumber(s string) (int, bool) {
	if s == "" {
		return 1, true
	}
	n, err := strconv.Atoi(s)
	// The cap keeps the offset far from overflowing.
	if err != nil || n < 1 || n > 1_000_000 {
		return 0, false
	}
	return n, true
}

func pageURL(n int) string {
	if n == 1 {
		return "/"
	}
	return "/?page=" + strconv.Itoa(n)
}

// postPage is the data of post.html. Later sections of the page (the call
// to subscribe) become fields here and blocks there.
type postPage struct {
	layout
	Post    *newsdesk.Post
	Related []relatedPost
}

// relatedPost is one entry of a post page's "Related Articles".
type relatedPost struct {
	Post    *newsdesk.Post
	Excerpt string // about thirty words of its summary
}

// handlePost shows one published post. Drafts are not found, exactly like
// posts that do not exist.
func handlePost(postService *posts.Service, rel RelatedPosts, k int, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// To readers, whom the site never signs in, a draft is not found.
		p, err := postService.FindBySlug(r.Context(), r.PathValue("slug"))
		if err != nil {
			pages.error(w, r, err)
			return
		}
		list, err := relatedTo(r.Context(), postService, rel, p, k)
		if err != nil {
			// The story matters more than the list beside it.
			pages.logger.Warn("related articles", "post", p.ID, "err", err)
		}
		pages.render(w, r, http.StatusOK, "post.html", postPage{
			layout: layout{
				Site:        pages.site,
				Title:       p.Headline,
				Description: excerpt(160, firstParagraph(p)),
			},
			Post:    p,
			Related: list,
		})
	})
}

// relatedSpare is how many related posts beyond k are asked for, so that
// the list stays full when some have been unpublished since the index
// last looked.
const relatedSpare = 5

// relatedTo returns up to k published posts related to p, best first. The
// index may be a few seconds behind, so what it names is read back from
// the database and only what is still published is kept.
func relatedTo(ctx context.Context, postService *posts.Service, rel RelatedPosts, p *newsdesk.Post, k int) ([]relatedPost, error) {
	if rel == nil {
		return nil, nil
	}
	ids := rel.Related(p.ID, k+relatedSpare)
	if len(ids) == 0 {
		return nil, nil
	}
	found, err := postService.List(ctx, newsdesk.PostFilter{IDs: ids, Status: newsdesk.PostPublished, Limit: len(ids)})
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*newsdesk.Post, len(found))
	for _, f := range found {
		byID[f.ID] = f
	}
	var out []relatedPost
	for _, id := range ids {
		if f := byID[id]; f != nil && f.ID != p.ID && len(out) < k {
			out = append(out, relatedPost{Post: f, Excerpt: textproc.Excerpt(f.Summary, textproc.ExcerptOptions{Words: textproc.ExcerptWords})})
		}
	}
	return out, nil
}
