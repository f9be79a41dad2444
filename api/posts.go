package api

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/posts"
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
	Tags        []tag      `json:"tags"`
	PublishedAt *time.Time `json:"published_at"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// tag is a post's tag as the API shows it.
type tag struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
	Path string `json:"path"` // the tag's page on the public site
}

func toPost(p *newsdesk.Post) post {
	out := post{
		ID: p.ID, Slug: p.Slug, Path: "/posts/" + p.Slug,
		Headline: p.Headline, Summary: p.Summary, Status: string(p.Status),
		SourceName: p.SourceName, OriginalURL: p.OriginalURL, ItemID: p.ItemID,
		Tags:        []tag{},
		PublishedAt: p.PublishedAt, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
	for _, t := range p.Tags {
		out.Tags = append(out.Tags, tag{Slug: t.Slug, Name: t.Name, Path: "/tag/" + t.Slug})
	}
	return out
}

// postList is the answer to GET /api/posts.
type postList struct {
	Posts []post `json:"posts"`
	// NextOffset is the offset of the next page; absent on the last.
	NextOffset *int `json:"next_offset,omitempty"`
}

// handleListPosts lists published posts, newest first, ?limit at a time
// from ?offset; ?tag=slug lists one tag's.
func handleListPosts(postService *posts.Service, logger *slog.Logger) http.Handler {
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
		tagSlug := q.Get("tag")
		if tagSlug != "" && tagSlug != newsdesk.TagSlug(tagSlug) {
			respondError(w, r, logger, newsdesk.Errorf(newsdesk.EINVALID, "tag must be a tag's slug, such as harbor-city, not %q.", tagSlug))
			return
		}
		list, err := postService.List(r.Context(), newsdesk.PostFilter{Status: newsdesk.PostPublished, Tag: tagSlug, Limit: limit + 1, Offset: offset})
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
func handleGetPost(postService *posts.Service, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		notFound := newsdesk.Errorf(newsdesk.ENOTFOUND, "Post %s not found.", r.PathValue("id"))
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			respondError(w, r, logger, notFound)
			return
		}
		p, err := postService.Find(r.Context(), id)
		if newsdesk.ErrorCode(err) == newsdesk.ENOTFOUND {
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
	ItemID   int64    `json:"item_id"`
	Headline string   `json:"headline"`
	Summary  string   `json:"summary"`
	Status   string   `json:"status"` // "draft" (the default) or "published"
	Tags     []string `json:"tags"`   // tag names, such as "Harbor City"
}

// handleCreatePost writes a post about an item, which the service
// credits as stored.
func handleCreatePost(postService *posts.Service, logger *slog.Logger) http.Handler {
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
		p, err := postService.Create(r.Context(), posts.Draft{
			ItemID:   in.ItemID,
			Headline: in.Headline,
			Summary:  in.Summary,
			Status:   newsdesk.PostStatus(in.Status),
			Tags:     in.Tags,
		})
		if newsdesk.ErrorCode(err) == newsdesk.ENOTFOUND {
			// The item is all Create looks up; here it is a field of the
			// body, so naming no item is a bad request.
			err = newsdesk.WrapError(newsdesk.EINVALID, err, "item_id %d names no item.", in.ItemID)
		}
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		w.Header().Set("Location", "/api/posts/"+strconv.FormatInt(p.ID, 10))
		respond(w, http.StatusCreated, toPost(p))
	})
}

// postChanges is the body of PATCH /api/posts/{id}: the fields to change,
// the others left as they are.
type postChanges struct {
	Headline *string   `json:"headline"`
	Summary  *string   `json:"summary"`
	Status   *string   `json:"status"`
	Tags     *[]string `json:"tags"` // replaces every tag; [] removes them all
}

// handleUpdatePost changes a post's headline, summary, status or tags.
func handleUpdatePost(postService *posts.Service, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			respondError(w, r, logger, newsdesk.Errorf(newsdesk.ENOTFOUND, "Post %s not found.", r.PathValue("id")))
			return
		}
		var in postChanges
		if err := decode(w, r, &in); err != nil {
			respondError(w, r, logger, err)
			return
		}
		ch := posts.Changes{Headline: in.Headline, Summary: in.Summary, Tags: in.Tags}
		if in.Status != nil {
			status := newsdesk.PostStatus(*in.Status)
			ch.Status = &status
		}
		p, err := postService.Update(r.Context(), id, ch)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		respond(w, http.StatusOK, toPost(p))
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
