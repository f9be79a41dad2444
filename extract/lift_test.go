package extract

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// treeDump writes every node of a tree, so that two trees can be
// compared exactly.
func treeDump(b *strings.Builder, n *html.Node, depth int) {
	fmt.Fprintf(b, "%d %d %q %q %d", depth, n.Type, n.Namespace, n.Data, n.DataAtom)
	for _, a := range n.Attr {
		fmt.Fprintf(b, " %q:%q=%q", a.Namespace, a.Key, a.Val)
	}
	b.WriteByte('\n')
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		treeDump(b, c, depth+1)
	}
}

// sameParse reports how parse, lifting every script and style sheet
// however short, differs from html.Parse on body, or "".
func sameParse(body []byte) string {
	want, err1 := html.Parse(bytes.NewReader(body))
	got, err2 := parseLifting(body, 1)
	if (err1 == nil) != (err2 == nil) {
		return fmt.Sprintf("errors differ: %v, %v", err1, err2)
	}
	if err1 != nil {
		return ""
	}
	var a, b strings.Builder
	treeDump(&a, want, 0)
	treeDump(&b, got, 0)
	if a.String() != b.String() {
		return fmt.Sprintf("trees differ:\nhtml.Parse:\n%s\nparse:\n%s", a.String(), b.String())
	}
	return ""
}

// liftCases are pages whose scripts and style sheets end where the
// tokenizer's rules, not a search for "</script>", say, or that the
// scanner may misread.
var liftCases = []string{
	`<script>var a = 1;</script><p>x</p>`,
	`<SCRIPT type="x">a</SCRIPT ><p>x`,
	`<script>if (a<b) c = "</scr" + "ipt>";</script><p>after</p>`,
	`<script><!-- document.write("<script>x</script>"); --></script><p>after</p>`,
	`<script><!-- <script> </script> still script --></script><p>after</p>`,
	`<script><!--<script>--></script><p>after</p>`,
	`<script><!-- x --!> </script><p>y`,
	`<script>a</script/><p>b</p>`,
	`<script>a</scriptx>b</script><p>c`,
	`<script src=x.js />inline</script><p>c`,
	`<script>unterminated <p>text`,
	"<script>a\r\n\x00\rb</script><style>c\r\x00</style>",
	`<style>a</style ><style>b</styles></style>`,
	`<style><!-- </style> --></style><p>x`,
	`<!-- <script> -->x<script>y</script>`,
	`<!--> <script>z</script>`,
	`<!---> <script>z</script>`,
	`<!-- a --!> <script>z</script>`,
	`<!DOCTYPE html><title><script>t</script></title><script>s</script>`,
	`<textarea><script>no</script></textarea><script>yes</script>`,
	`<style>/* <script> */</style><script>s</script>`,
	`<noscript><script>n</script></noscript><script>s</script>`,
	`<xmp><script></xmp><script>s</script>`,
	`<iframe><script></iframe><script>s</script>`,
	`<div title="<script>x</script>">a</div><script>s</script>`,
	`<div title='<script>'>a</div><script>s</script>`,
	`<div a=<script>b</div><script>s</script>`,
	`<div =x <script>>a</div><script>s</script>`,
	`<div/ <script>a</div><script>s</script>`,
	`</div <script>>x<script>s</script>`,
	`</ <script>x> <script>s</script>`,
	`</><script>s</script>`,
	`<? <script> ?><script>s</script>`,
	`<!x <script>><script>s</script>`,
	`<!DOCTYPE <script>><script>s</script>`,
	`<svg><script>a<b>c</b></script><style>x<y/></style></svg><script>s</script>`,
	`<svg><foreignObject><script>a<!--</script><p>x</p></foreignObject></svg><script>s</script>`,
	`<svg><p>breaks out</p><script>s</script></svg>`,
	`<svg/><script>s</script>`,
	`<math><script>a</script></math><style>b</style>`,
	`<script>s</script><svg><script>a</script></svg>`,
	`<table><script>s</script><tr><td>x<style>y</style></table>`,
	`<select><script>s</script></select>`,
	`<frameset><script>s</script><style>t</style></frameset>`,
	`<html><body></body></html><script>after</script>`,
	`<template><script>s</script></template>`,
	`<plaintext><script>s</script>`,
	`<script>` + liftMark + `0</script>`,
	`<p>` + liftMark + `0</p><script>s</script>`,
	`<script></script><script> </script>`,
	`<scr<script>ipt>x</script>`,
	`<script>a</script`,
	`<script>a<!--`,
	`<script>a<!--<script`,
	`<script>a<!--<script>b</script`,
	`<div id="x`,
}

func TestParseLiftsScripts(t *testing.T) {
	for _, c := range liftCases {
		if d := sameParse([]byte(c)); d != "" {
			t.Errorf("%q: %s", c, d)
		}
	}
	files, _ := filepath.Glob("testdata/*.html")
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if d := sameParse(decode(body, "")); d != "" {
			t.Errorf("%s: parse differs from html.Parse", f)
		}
	}
}

// rawTextEnds checks scriptEnd and rawEnd against html's tokenizer on
// b: where it ends the text of each script and style sheet it reads.
func rawTextEnds(t *testing.T, b []byte) {
	z := html.NewTokenizer(bytes.NewReader(b))
	pos := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		pos += len(z.Raw())
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, _ := z.TagName()
		tag := string(name)
		if tag != "script" && tag != "style" {
			continue
		}
		start, end := pos, pos
		if z.Next() == html.ErrorToken {
			return
		}
		if z.Token().Type == html.TextToken {
			end += len(z.Raw())
		}
		pos += len(z.Raw())
		got := rawEnd(b, start, tag)
		if tag == "script" {
			got = scriptEnd(b, start)
		}
		if got != end {
			t.Errorf("%.80q: the %s at %d ends at %d, the tokenizer says %d", b, tag, start, got, end)
		}
	}
}

func TestLiftedTextEnds(t *testing.T) {
	for _, c := range liftCases {
		rawTextEnds(t, []byte(c))
	}
}

func FuzzParseLiftsScripts(f *testing.F) {
	for _, c := range liftCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if d := sameParse(body); d != "" {
			t.Errorf("%q: %s", body, d)
		}
		rawTextEnds(t, body)
	})
}
