package newseval

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk/related"
)

// Labeled is a document with the label of the class it belongs to, for
// measuring how often related documents share it.
type Labeled struct {
	related.Doc
	Label string
}

// LoadBBC reads the BBC News data set (Greene and Cunningham, 2006) from
// dir: one folder per class, one article per file, the headline on the
// first line. Files that are not UTF-8 are read as Latin-1. Documents are
// returned in folder then file order, with IDs "folder/file".
func LoadBBC(dir string) ([]Labeled, error) {
	folders, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("load bbc: %w", err)
	}
	var docs []Labeled
	for _, f := range folders {
		if !f.IsDir() {
			continue
		}
		files, err := filepath.Glob(filepath.Join(dir, f.Name(), "*.txt"))
		if err != nil {
			return nil, fmt.Errorf("load bbc: %w", err)
		}
		slices.Sort(files)
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, fmt.Errorf("load bbc: %w", err)
			}
			title, text, _ := strings.Cut(latin1(b), "\n")
			docs = append(docs, Labeled{
				Doc:   related.Doc{ID: f.Name() + "/" + filepath.Base(p), Title: strings.TrimSpace(title), Text: text},
				Label: f.Name(),
			})
		}
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("load bbc: no articles under %s", dir)
	}
	return docs, nil
}

func latin1(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}
