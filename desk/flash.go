package desk

import (
	"context"
	"fmt"
	"strconv"

	"github.com/newsdesk/newsdesk"
)

// flash is a one-time message for the page after a redirect, such as
// "Following The Courier: 12 items", as it rides in a cookie (see
// renderer.flash): the kind of message, the ID of what it is about and a
// count, never a name or a headline. Those are looked up when the page is
// shown (flashMessage), so nothing an outlet or an editor wrote goes into
// a cookie. A feed titled with a megabyte of text once did, and every
// desk page after "add source" was then an answer too large for browsers
// to show (Chromium's ERR_RESPONSE_HEADERS_TOO_BIG); and the cookie is
// not signed, so a message built from the cookie alone cannot be made to
// say or link anything the desk did not mean.
type flash struct {
	Kind  flashKind `json:"k"`
	ID    int64     `json:"i,omitempty"`
	Count int       `json:"n,omitempty"`
}

const flashCookie = "newsdesk_flash"

// flashKind says which message a flash is, and so what its ID and Count
// mean.
type flashKind string

// Flash messages.
const (
	flashFollowing    flashKind = "following"     // ID: the new source; Count: its items, -1 if unknown
	flashPolled       flashKind = "polled"        // ID: the source; Count: new items
	flashPollFailed   flashKind = "poll-failed"   // ID: the source, whose last error says why
	flashUnfollowed   flashKind = "unfollowed"    // Count: the items deleted with the source
	flashPruned       flashKind = "pruned"        // Count: the imported feeds no longer followed
	flashPublished    flashKind = "published"     // ID: the post
	flashDraftCreated flashKind = "draft-created" // ID: the post
	flashSaved        flashKind = "saved"         // ID: the post
	flashMerged       flashKind = "merged"        // Count: the stories merged into this one
	flashSplit        flashKind = "split"         // ID: the story the articles left; Count: the articles
	flashSignedOut    flashKind = "signed-out"
)

// message is a flash message as the page shows it.
type message struct {
	Text     string
	Error    bool
	Link     string // a path on this site
	LinkText string
}

// flashMessage writes out a flash, looking up the names it needs. A
// source or post that has gone since is named generically, and so is
// every one on a page shown to a visitor who is not signed in (the sign-in
// page), who could otherwise set the cookie to read a draft's headline.
// An unknown kind shows nothing.
func (rd *renderer) flashMessage(ctx context.Context, f flash) *message {
	switch f.Kind {
	case flashFollowing:
		name := rd.sourceName(ctx, f.ID)
		m := &message{Text: fmt.Sprintf("Following %s.", name),
			Link: "/desk/items?source=" + strconv.FormatInt(f.ID, 10), LinkText: "See them"}
		if f.Count >= 0 {
			m.Text = fmt.Sprintf("Following %s: %s", name, plural(f.Count, "item"))
		}
		return m
	case flashPolled:
		return &message{Text: fmt.Sprintf("Polled %s: %s", rd.sourceName(ctx, f.ID), plural(f.Count, "new item"))}
	case flashPollFailed:
		// The failure is recorded on the source; its words are the ones
		// the sources page shows too.
		name, why := "the source", ""
		if rd.sources != nil && newsdesk.UserFrom(ctx) != nil {
			if src, err := rd.sources.FindSourceByID(ctx, f.ID); err == nil {
				name, why = src.Name, src.LastError
			}
		}
		if why == "" {
			return &message{Error: true, Text: fmt.Sprintf("Polling %s failed.", name)}
		}
		return &message{Error: true, Text: fmt.Sprintf("Polling %s failed: %s", name, why)}
	case flashUnfollowed:
		return &message{Text: fmt.Sprintf("Stopped following the source and deleted its %s.", plural(f.Count, "item"))}
	case flashPruned:
		return &message{Text: fmt.Sprintf("Stopped following %s that could not be read.", plural(f.Count, "feed"))}
	case flashPublished, flashDraftCreated, flashSaved:
		return rd.postMessage(ctx, f)
	case flashMerged:
		merged := "1 story"
		if f.Count != 1 {
			merged = fmt.Sprintf("%d stories", f.Count)
		}
		return &message{Text: "Merged " + merged + " into this one."}
	case flashSplit:
		return &message{Text: fmt.Sprintf("Moved %s to this new story.", plural(f.Count, "article")),
			Link: "/desk/stories/" + strconv.FormatInt(f.ID, 10), LinkText: "Back to the story they came from"}
	case flashSignedOut:
		return &message{Text: "You are signed out."}
	}
	return nil
}

// sourceName names a source for a message.
func (rd *renderer) sourceName(ctx context.Context, id int64) string {
	if rd.sources != nil && newsdesk.UserFrom(ctx) != nil {
		if src, err := rd.sources.FindSourceByID(ctx, id); err == nil {
			return src.Name
		}
	}
	return "the source"
}

// postMessage says what became of a post, with a link to its public page
// once it is published.
func (rd *renderer) postMessage(ctx context.Context, f flash) *message {
	var p *newsdesk.Post
	if rd.posts != nil && newsdesk.UserFrom(ctx) != nil {
		p, _ = rd.posts.Find(ctx, f.ID)
	}
	headline := "the post"
	if p != nil {
		headline = "“" + p.Headline + "”"
	}
	switch f.Kind {
	case flashPublished:
		m := &message{Text: fmt.Sprintf("Published %s.", headline)}
		if p != nil {
			m.Link, m.LinkText = "/posts/"+p.Slug, "View it on the site"
		}
		return m
	case flashDraftCreated:
		return &message{Text: fmt.Sprintf("Saved %s as a draft.", headline)}
	default:
		return &message{Text: fmt.Sprintf("Saved %s.", headline)}
	}
}
