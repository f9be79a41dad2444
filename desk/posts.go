package desk

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/posts"
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
func handleComposeForm(postService *posts.Service, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		itemID, ok := itemParam(w, r, r.URL.Query().Get("item"), pages)
		if !ok {
			return
		}
		p, err := postService.Compose(r.Context(), itemID)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		pages.render(w, r, http.StatusOK, "post_form.html", view{Title: "Write a post", Nav: "items", Data: composeForm(p)})
	})
}

// composeForm is the form to write p, a new post about an item, as
// posts.Service.Compose starts it.
func composeForm(p *newsdesk.Post) postForm {
	return postForm{
		Action: "/desk/posts", ItemID: *p.ItemID,
		Headline: p.Headline, Summary: p.Summary, Status: p.Status,
		SourceName: p.SourceName, OriginalURL: p.OriginalURL,
	}
}

// handleCreatePost stores a post written from an item, published or as a
// draft as the button pressed says. The service credits the item.
func handleCreatePost(postService *posts.Service, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			pages.error(w, r, formError(err))
			return
		}
		itemID, ok := itemParam(w, r, r.PostForm.Get("item"), pages)
		if !ok {
			return
		}
		tagText := r.PostForm.Get("tags")
		d := posts.Draft{
			ItemID:   itemID,
			Headline: r.PostForm.Get("headline"),
			Summary:  r.PostForm.Get("summary"),
			Status:   newsdesk.PostStatus(r.PostForm.Get("status")),
			Tags:     newsdesk.SplitTags(tagText),
		}
		p, err := postService.Create(r.Context(), d)
		if newsdesk.ErrorCode(err) == newsdesk.EINVALID {
			composeFormAgain(w, r, postService, pages, d, tagText, err)
			return
		}
		if err != nil {
			pages.error(w, r, err)
			return
		}
		pages.flash(w, savedFlash(p, true))
		http.Redirect(w, r, "/desk/posts", http.StatusSeeOther)
	})
}

// composeFormAgain shows the form to write a post again, after the post
// d could not be stored for the reason err gives: with what the editor
// typed (spaces around the headline and summary go, as they would when
// stored) and the item's credit.
func composeFormAgain(w http.ResponseWriter, r *http.Request, postService *posts.Service, pages *renderer, d posts.Draft, tagText string, err error) {
	p, cerr := postService.Compose(r.Context(), d.ItemID)
	if cerr != nil {
		pages.error(w, r, cerr)
		return
	}
	form := composeForm(p)
	form.Headline, form.Summary, form.Status = strings.TrimSpace(d.Headline), strings.TrimSpace(d.Summary), d.Status
	form.Tags = tagText
	form.Error = newsdesk.ErrorMessage(err)
	pages.render(w, r, web.ErrorStatus(err), "post_form.html", view{Title: "Write a post", Nav: "items", Data: form})
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

// itemParam reads the ID of the item a post is written from, from the
// query or the form, or writes the error page.
func itemParam(w http.ResponseWriter, r *http.Request, rawID string, pages *renderer) (int64, bool) {
	id, err := strconv.ParseInt(rawID, 10, 64)
	if err != nil || id <= 0 {
		pages.error(w, r, newsdesk.Errorf(newsdesk.EINVALID, "Choose an item on the items page to write about."))
		return 0, false
	}
	return id, true
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
func handlePosts(postService *posts.Service, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := 1
		if s := r.URL.Query().Get("page"); s != "" {
			var err error
			if n, err = strconv.Atoi(s); err != nil || n < 1 || n > 1_000_000 {
				pages.error(w, r, newsdesk.Errorf(newsdesk.EINVALID, "%q is not a page number.", s))
				return
			}
		}
		list, err := postService.List(r.Context(), newsdesk.PostFilter{Limit: postsPerPage + 1, Offset: (n - 1) * postsPerPage})
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
func handleEditForm(postService *posts.Service, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := findPost(w, r, postService, pages)
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

// handleUpdatePost stores an edited post's headline, summary, status and
// tags.
func handleUpdatePost(postService *posts.Service, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := findPost(w, r, postService, pages)
		if !ok {
			return
		}
		if err := r.ParseForm(); err != nil {
			pages.error(w, r, formError(err))
			return
		}
		headline, summary := r.PostForm.Get("headline"), r.PostForm.Get("summary")
		status := newsdesk.PostStatus(r.PostForm.Get("status"))
		tagText := r.PostForm.Get("tags")
		tags := newsdesk.SplitTags(tagText)
		updated, err := postService.Update(r.Context(), p.ID, posts.Changes{
			Headline: &headline, Summary: &summary, Status: &status, Tags: &tags,
		})
		if newsdesk.ErrorCode(err) == newsdesk.EINVALID {
			// The form again, with what the editor typed (spaces around
			// the headline and summary go, as they would when stored).
			form := editForm(p)
			form.Headline, form.Summary, form.Status = strings.TrimSpace(headline), strings.TrimSpace(summary), status
			form.Tags = tagText
			form.Error = newsdesk.ErrorMessage(err)
			pages.render(w, r, web.ErrorStatus(err), "post_form.html", view{Title: "Edit post", Nav: "posts", Data: form})
			return
		}
		if err != nil {
			pages.error(w, r, err)
			return
		}
		pages.flash(w, savedFlash(updated, false))
		http.Redirect(w, r, "/desk/posts", http.StatusSeeOther)
	})
}

// findPost loads the post the path names, or writes the error page.
func findPost(w http.ResponseWriter, r *http.Request, postService *posts.Service, pages *renderer) (*newsdesk.Post, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		pages.notFound(w, r)
		return nil, false
	}
	p, err := postService.Find(r.Context(), id)
	if err != nil {
		pages.error(w, r, err)
		return nil, false
	}
	return p, true
}
