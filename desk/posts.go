package desk

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/web"
)

// postForm is the data of post_form.html, used both to write a post from
// an item and to edit one. It keeps what the editor typed when the post
// cannot be saved.
type postForm struct {
	Action   string // where the form posts to
	ItemID   int64  // the item a new post is written from
	Post     *newsdesk.Post
	Headline string
	Summary  string
	Status   newsdesk.PostStatus
	Tags     string // as the editor types them: comma-separated
	Error    string
	// The credit, which the editor sees but cannot change.
	SourceName  string
	OriginalURL string
}

// handleComposeForm shows the form to write a post about an item, filled
// in with the item's title and summary.
func handleComposeForm(items newsdesk.ItemService, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		it, ok := findItem(w, r, items, r.URL.Query().Get("item"), pages)
		if !ok {
			return
		}
		pages.render(w, r, http.StatusOK, "post_form.html", view{Title: "Write a post", Nav: "items", Data: postForm{
			Action:      "/desk/posts",
			ItemID:      it.ID,
			Headline:    it.Title,
			Summary:     it.Summary,
			Status:      newsdesk.PostDraft,
			SourceName:  it.SourceName,
			OriginalURL: it.URL,
		}})
	})
}

// handleCreatePost stores a post written from an item, published or as a
// draft as the button pressed says. The credit comes from the item as
// stored, never from the form.
func handleCreatePost(items newsdesk.ItemService, posts newsdesk.PostService, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			pages.error(w, r, formError(err))
			return
		}
		it, ok := findItem(w, r, items, r.PostForm.Get("item"), pages)
		if !ok {
			return
		}
		p := &newsdesk.Post{
			Headline:    strings.TrimSpace(r.PostForm.Get("headline")),
			Summary:     strings.TrimSpace(r.PostForm.Get("summary")),
			Status:      newsdesk.PostStatus(r.PostForm.Get("status")),
			ItemID:      &it.ID,
			SourceName:  it.SourceName,
			OriginalURL: it.URL,
			AuthorID:    newsdesk.UserFrom(r.Context()).ID,
		}
		tagText := r.PostForm.Get("tags")
		tags, err := newsdesk.ParseTags(tagText)
		p.Tags = tags
		if err == nil {
			err = posts.CreatePost(r.Context(), p)
		}
		if err != nil {
			if newsdesk.ErrorCode(err) != newsdesk.EINVALID {
				pages.error(w, r, err)
				return
			}
			pages.render(w, r, web.ErrorStatus(err), "post_form.html", view{Title: "Write a post", Nav: "items", Data: postForm{
				Action: "/desk/posts", ItemID: it.ID,
				Headline: p.Headline, Summary: p.Summary, Status: p.Status, Tags: tagText,
				SourceName: it.SourceName, OriginalURL: it.URL,
				Error: newsdesk.ErrorMessage(err),
			}})
			return
		}
		pages.flash(w, savedFlash(p, true))
		http.Redirect(w, r, "/desk/posts", http.StatusSeeOther)
	})
}

// savedFlash says what became of a post.
func savedFlash(p *newsdesk.Post, created bool) flash {
	switch {
	case p.Status == newsdesk.PostPublished:
		return flash{Kind: flashPublished, ID: p.ID}
	case created:
		return flash{Kind: flashDraftCreated, ID: p.ID}
	default:
		return flash{Kind: flashSaved, ID: p.ID}
	}
}

// findItem loads the item an ID from the query or the form names, or
// writes the error page.
func findItem(w http.ResponseWriter, r *http.Request, items newsdesk.ItemService, rawID string, pages *renderer) (*newsdesk.Item, bool) {
	id, err := strconv.ParseInt(rawID, 10, 64)
	if err != nil || id <= 0 {
		pages.error(w, r, newsdesk.Errorf(newsdesk.EINVALID, "Choose an item on the items page to write about."))
		return nil, false
	}
	it, err := items.FindItemByID(r.Context(), id)
	if err != nil {
		pages.error(w, r, err)
		return nil, false
	}
	return it, true
}

// postsPerPage is how many posts the posts page lists at a time.
const postsPerPage = 50

// postsPage is the data of posts.html.
type postsPage struct {
	Posts []*newsdesk.Post
	Newer string // URL of the page of newer posts, if any
	Older string // URL of the page of older posts, if any
}

// handlePosts lists every post, published ones newest first, then drafts.
func handlePosts(posts newsdesk.PostService, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := 1
		if s := r.URL.Query().Get("page"); s != "" {
			var err error
			if n, err = strconv.Atoi(s); err != nil || n < 1 || n > 1_000_000 {
				pages.error(w, r, newsdesk.Errorf(newsdesk.EINVALID, "%q is not a page number.", s))
				return
			}
		}
		list, err := posts.FindPosts(r.Context(), newsdesk.PostFilter{Limit: postsPerPage + 1, Offset: (n - 1) * postsPerPage})
		if err != nil {
			pages.error(w, r, err)
			return
		}
		var data postsPage
		if n > 1 {
			data.Newer = "/desk/posts?page=" + strconv.Itoa(n-1)
		}
		if len(list) > postsPerPage {
			list = list[:postsPerPage]
			data.Older = "/desk/posts?page=" + strconv.Itoa(n+1)
		}
		data.Posts = list
		pages.render(w, r, http.StatusOK, "posts.html", view{Title: "Posts", Nav: "posts", Data: data})
	})
}

// handleEditForm shows the form to edit a post.
func handleEditForm(posts newsdesk.PostService, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := findPost(w, r, posts, pages)
		if !ok {
			return
		}
		pages.render(w, r, http.StatusOK, "post_form.html", view{Title: "Edit post", Nav: "posts", Data: editForm(p)})
	})
}

func editForm(p *newsdesk.Post) postForm {
	return postForm{
		Action: "/desk/posts/" + strconv.FormatInt(p.ID, 10), Post: p,
		Headline: p.Headline, Summary: p.Summary, Status: p.Status, Tags: newsdesk.JoinTags(p.Tags),
		SourceName: p.SourceName, OriginalURL: p.OriginalURL,
	}
}

// handleUpdatePost stores an edited post's headline, summary and status.
func handleUpdatePost(posts newsdesk.PostService, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := findPost(w, r, posts, pages)
		if !ok {
			return
		}
		if err := r.ParseForm(); err != nil {
			pages.error(w, r, formError(err))
			return
		}
		p.Headline = strings.TrimSpace(r.PostForm.Get("headline"))
		p.Summary = strings.TrimSpace(r.PostForm.Get("summary"))
		p.Status = newsdesk.PostStatus(r.PostForm.Get("status"))
		tagText := r.PostForm.Get("tags")
		tags, err := newsdesk.ParseTags(tagText)
		if err == nil {
			p.Tags = tags
			err = posts.UpdatePost(r.Context(), p)
		}
		if err != nil {
			if newsdesk.ErrorCode(err) != newsdesk.EINVALID {
				pages.error(w, r, err)
				return
			}
			form := editForm(p)
			form.Tags = tagText
			form.Error = newsdesk.ErrorMessage(err)
			pages.render(w, r, web.ErrorStatus(err), "post_form.html", view{Title: "Edit post", Nav: "posts", Data: form})
			return
		}
		pages.flash(w, savedFlash(p, false))
		http.Redirect(w, r, "/desk/posts", http.StatusSeeOther)
	})
}

// findPost loads the post the path names, or writes the error page.
func findPost(w http.ResponseWriter, r *http.Request, posts newsdesk.PostService, pages *renderer) (*newsdesk.Post, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		pages.notFound(w, r)
		return nil, false
	}
	p, err := posts.FindPostByID(r.Context(), id)
	if err != nil {
		pages.error(w, r, err)
		return nil, false
	}
	return p, true
}
