package site

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/posts"
)

// tagPage is the data of tag.html.
type tagPage struct {
	layout
	Tag   newsdesk.Tag
	Posts []*newsdesk.Post
	Page  int
	Newer string // URL of the page of newer posts, if any
	Older string // URL of the page of older posts, if any
}

// handleTag lists a tag's published posts, newest first, a page at a
// time. A tag with no published post is not found.
func handleTag(postService *posts.Service, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slug := r.PathValue("slug")
		n, ok := pageNumber(r.URL.Query().Get("page"))
		if !ok || slug != newsdesk.TagSlug(slug) {
			pages.notFound(w, r)
			return
		}
		list, err := postService.List(r.Context(), newsdesk.PostFilter{
			Status: newsdesk.PostPublished,
			Tag:    slug,
			Limit:  postsPerPage + 1,
			Offset: (n - 1) * postsPerPage,
		})
		if err != nil {
			pages.error(w, r, err)
			return
		}
		if len(list) == 0 {
			pages.notFound(w, r)
			return
		}
		tag, _ := list[0].TagNamed(slug)
		data := tagPage{
			layout: layout{
				Site:        pages.site,
				Title:       tag.Name,
				Description: fmt.Sprintf("Stories about %s from %s, newest first.", tag.Name, pages.site),
				Feed:        &feedLink{Title: fmt.Sprintf("%s: %s", pages.site, tag.Name), URL: tagURL(slug) + "/feed.xml"},
			},
			Tag:   tag,
			Posts: list[:min(len(list), postsPerPage)],
			Page:  n,
		}
		if n > 1 {
			data.Title = fmt.Sprintf("%s, page %d", tag.Name, n)
			data.Newer = tagPageURL(slug, n-1)
		}
		if len(list) > postsPerPage {
			data.Older = tagPageURL(slug, n+1)
		}
		pages.render(w, r, http.StatusOK, "tag.html", data)
	})
}

func tagURL(slug string) string { return "/tag/" + slug }

func tagPageURL(slug string, n int) string {
	if n == 1 {
		return tagURL(slug)
	}
	return tagURL(slug) + "?page=" + strconv.Itoa(n)
}
