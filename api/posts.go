package api

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk"
)

// post is a post as the API shows it.
type post struct {
	ID          int64      `json:"id"`
	Slug        string     `json:"slug"`
	Path        string     `json:"path"` // the post's page on the public site
	Headline    string     `json:"headline"`
	Summary     string     `json:"summary"`
	Status      string     `json:"status"`
	SourceName  string     `json:"source_name"`
	OriginalURL string     `json:"original_url"`
	ItemID      *int64     `json:"item_id,omitempty"`
	PublishedAt *time.Time `json:"published_at"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

func toPost(p *newsdesk.Post) post {
	return post{
		ID: p.ID, Slug: p.Slug, Path: "/posts/" + p.Slug,
		Headline: p.Headline, Summary: p.Summary, Status: string(p.Status),
		SourceName: p.SourceName, OriginalURL: p.OriginalURL, ItemID: p.ItemID,
		PublishedAt: p.PublishedAt, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
}

// postList is the answer to GET /api/posts.
type postList struct {
	Posts []post `json:"posts"`
	// NextOffset is the offset of the next page; absent on the last.
	NextOffset *int `json:"next_offset,omitempty"`
}

// handleListPosts lists published posts, newest first, ?limit at a time
// from ?offset.
func handleListPosts(posts newsdesk.PostService, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		limit, err := intParam(q.Get("limit"), "limit", 20, 1, 100)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		offset, err := intParam(q.Get("offset"), "offset", 0, 0, 1_000_000_000)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		// One more than asked for tells whether there is a next page.
		list, err := posts.FindPosts(r.Context(), newsdesk.PostFilter{Status: newsdesk.PostPublished, Limit: limit + 1, Offset: offset})
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		out := postList{Posts: []post{}}
		if len(list) > limit {
			list = list[:limit]
			next := offset + limit
			out.NextOffset = &next
		}
		for _, p := range list {
			out.Posts = append(out.Posts, toPost(p))
		}
		respond(w, http.StatusOK, out)
	})
}

// handleGetPost shows one post. The public sees published posts only; a
// draft is not found, exactly like a post that does not exist.
func handleGetPost(posts newsdesk.PostService, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		notFound := newsdesk.Errorf(newsdesk.ENOTFOUND, "Post %s not found.", r.PathValue("id"))
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			respondError(w, r, logger, notFound)
			return
		}
		p, err := posts.FindPostByID(r.Context(), id)
		if newsdesk.ErrorCode(err) == newsdesk.ENOTFOUND || (err == nil && p.Status != newsdesk.PostPublished && userFrom(r.Context()) == nil) {
			respondError(w, r, logger, notFound)
			return
		}
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		respond(w, http.StatusOK, toPost(p))
	})
}

// newPost is the body of POST /api/posts.
type newPost struct {
	ItemID   int64  `json:"item_id"`
	Headline string `json:"headline"`
	Summary  string `json:"summary"`
	Status   string `json:"status"` // "draft" (the default) or "published"
}

// handleCreatePost writes a post about an item, crediting the item's
// outlet and original article as stored.
func handleCreatePost(items newsdesk.ItemService, posts newsdesk.PostService, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in newPost
		if err := decode(w, r, &in); err != nil {
			respondError(w, r, logger, err)
			return
		}
		if in.ItemID <= 0 {
			respondError(w, r, logger, newsdesk.Errorf(newsdesk.EINVALID, "item_id is required: the ID of the item the post credits."))
			return
		}
		it, err := items.FindItemByID(r.Context(), in.ItemID)
		if newsdesk.ErrorCode(err) == newsdesk.ENOTFOUND {
			respondError(w, r, logger, newsdesk.WrapError(newsdesk.EINVALID, err, "item_id %d names no item.", in.ItemID))
			return
		}
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		if in.Status == "" {
			in.Status = string(newsdesk.PostDraft)
		}
		p := &newsdesk.Post{
			Headline:    strings.TrimSpace(in.Headline),
			Summary:     strings.TrimSpace(in.Summary),
			Status:      newsdesk.PostStatus(in.Status),
			ItemID:      &it.ID,
			SourceName:  it.SourceName,
			OriginalURL: it.URL,
			AuthorID:    userFrom(r.Context()).ID,
		}
		if err := posts.CreatePost(r.Context(), p); err != nil {
			respondError(w, r, logger, err)
			return
		}
		w.Header().Set("Location", "/api/posts/"+strconv.FormatInt(p.ID, 10))
		respond(w, http.StatusCreated, toPost(p))
	})
}

// intParam parses an optional whole-number query parameter within
// [min, max]; empty is def.
func intParam(s, name string, def, min, max int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		return 0, newsdesk.Errorf(newsdesk.EINVALID, "%s must be a whole number from %d to %d, not %q.", name, min, max, s)
	}
	return n, nil
}
