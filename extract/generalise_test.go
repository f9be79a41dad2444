package extract

import (
	"strings"
	"testing"
)

// The tests in this file each hold one of the rules added so that
// extraction generalises beyond the pages it was tuned on (issue 14),
// on hand-written pages.

// TestCommentedPostIsNotComments: "commented" says a post has comments;
// the post's own container is not a comment section for it.
func TestCommentedPostIsNotComments(t *testing.T) {
	for _, tc := range []struct {
		name, class string
		kept        bool
	}{
		{"post that has comments", "post hentry status-published commented", true},
		{"page without comments", "post no-comments", true},
		{"comment section", "comment-list", false},
		{"comments area", "post comments-area", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := `<html><body><div class="wrap"><article class="` + tc.class + `"><h1>Lake swim</h1>
<p>` + para + `</p><p>` + para + ` The swimmers crossed in under an hour.</p><p>` + para + ` Nobody was hurt.</p></article></div></body></html>`
			a := extractString(t, page, "https://example.org/swim")
			if got := strings.Contains(a.Text, "crossed in under an hour"); got != tc.kept {
				t.Errorf("class %q: article kept %v, want %v:\n%s", tc.class, got, tc.kept, a.Text)
			}
		})
	}
}
