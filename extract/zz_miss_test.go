package extract

import (
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk/extract/evalset"
	"golang.org/x/net/html"
)

func TestMissWhy(t *testing.T) {
	if os.Getenv("X_MISS") == "" {
		t.Skip()
	}
	pages, _ := evalset.Load(evalset.Find())
	cnt := map[string]int{}
	jcnt := map[string]int{}
	for _, p := range pages {
		b, _ := os.ReadFile(p.File)
		u, _ := url.Parse(p.URL)
		a, ex, _ := ExtractExplain(b, "", u)
		nt := evalset.Normalize(a.Text)
		r := ex.Readings[ex.Kept]
		for _, w := range p.With {
			nw := evalset.Normalize(w)
			if strings.Contains(nt, nw) {
				continue
			}
			why := "not in chosen block"
			for _, lst := range [][]Removal{r.Removed, r.Edits} {
				for _, rm := range lst {
					if rm.n != nil && strings.Contains(evalset.Normalize(plainText([]*html.Node{rm.n})), nw) {
						why = rm.Why
						if len(why) > 40 {
							why = why[:40]
						}
					}
				}
			}
			cnt[why]++
			if strings.HasPrefix(why, os.Getenv("X_MISS")) {
				fmt.Printf("%s: %q\n", p.File[len(p.File)-40:], w)
			}
		}
		_ = jcnt
	}
	var ks []string
	for k := range cnt {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return cnt[ks[i]] > cnt[ks[j]] })
	for _, k := range ks {
		fmt.Println(cnt[k], k)
	}
}
