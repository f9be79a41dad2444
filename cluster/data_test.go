package cluster

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// dataDir is the shared evaluation data, read in place (see its README).
const dataDir = "../../shared/data"

// goldDoc is one line of the Google News story set.
type goldDoc struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Text  string `json:"text"`
	Story int    `json:"story"`
}

// loadGoogleNews reads the story-clustering dev set, or skips the test when
// the shared data is not there.
func loadGoogleNews(tb testing.TB) []goldDoc {
	tb.Helper()
	docs, err := loadGoogleNewsQuiet()
	if errors.Is(err, fs.ErrNotExist) {
		tb.Skipf("evaluation data not found: %v; see ../shared/data/README.md", err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return docs
}

func loadGoogleNewsQuiet() ([]goldDoc, error) {
	path := filepath.Join(dataDir, "stories", "googlenews-dev.jsonl")
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var docs []goldDoc
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var d goldDoc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		docs = append(docs, d)
	}
	return docs, sc.Err()
}

// bbcDoc is one BBC News article: its folder is its topic.
type bbcDoc struct {
	ID    string // folder/file
	Title string
	Text  string // the whole file, headline included
}

// loadBBC reads the BBC News set in a fixed order, or skips the test when
// the shared data is not there.
func loadBBC(tb testing.TB) []bbcDoc {
	tb.Helper()
	dir := filepath.Join(dataDir, "related", "bbc")
	paths, err := filepath.Glob(filepath.Join(dir, "*", "*.txt"))
	if err != nil {
		tb.Fatal(err)
	}
	if len(paths) == 0 {
		tb.Skipf("evaluation data not found at %s; see ../shared/data/README.md", dir)
	}
	slices.Sort(paths)
	docs := make([]bbcDoc, 0, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		text := string(b)
		title, _, _ := strings.Cut(text, "\n")
		id := filepath.Base(filepath.Dir(p)) + "/" + filepath.Base(p)
		docs = append(docs, bbcDoc{ID: id, Title: strings.TrimSpace(title), Text: text})
	}
	return docs
}
