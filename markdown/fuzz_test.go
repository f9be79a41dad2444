package markdown

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk"
)

// FuzzHTML checks that no Markdown renders to anything unsafe in a page:
// the output, parsed as a browser parses it, has no script or other
// element outside the allow-list, no event-handler or style attribute,
// no link that is not http(s) or mailto:, no image that is not http(s),
// and no frame from outside extract.EmbedOrigins. HTML may refuse input,
// but only with EINVALID or ETOOLARGE, and Text never fails.
func FuzzHTML(f *testing.F) {
	for _, h := range hostile {
		if len(h.src) < 4096 {
			f.Add(h.src)
		}
	}
	files, _ := filepath.Glob("testdata/*.md")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, src string) {
		out, err := HTML(src, postURL)
		if err != nil {
			if code := newsdesk.ErrorCode(err); code != newsdesk.EINVALID && code != newsdesk.ETOOLARGE {
				t.Fatalf("HTML(%q): %v (code %s)", src, err, code)
			}
			return
		}
		if p := unsafeIn(out); p != "" {
			t.Fatalf("HTML(%q) is unsafe (%s):\n%s", src, p, out)
		}
		if text := Text(src); utf8.ValidString(src) && !utf8.ValidString(text) {
			t.Fatalf("Text(%q) = %q is not UTF-8", src, text)
		}
	})
}
