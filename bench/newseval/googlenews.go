package newseval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
)

// Article is one line of the Google News story set (Yin and Wang's
// "News-T" stream): its text is lower-cased and stripped of stop words
// already, and Story is its gold story.
type Article struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Text  string `json:"text"`
	Story int    `json:"story"`
}

// LoadGoogleNews reads the story set at path in stream order: the first
// limit articles, or all of them when limit is 0 or less.
func LoadGoogleNews(path string, limit int) ([]Article, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load google news: %w", err)
	}
	defer f.Close()
	var docs []Article
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() && (limit <= 0 || len(docs) < limit) {
		var d Article
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, fmt.Errorf("load google news: %s: %w", path, err)
		}
		docs = append(docs, d)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("load google news: %w", err)
	}
	return docs, nil
}

// Stories returns the gold story of each article, in order.
func Stories(docs []Article) []int {
	gold := make([]int, len(docs))
	for i, d := range docs {
		gold[i] = d.Story
	}
	return gold
}
