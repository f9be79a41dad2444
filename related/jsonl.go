package related

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// RelatedJSONL reads documents as JSON Lines from r, one object per line
// with "id", "title" and "text" (and optionally "tags", a list of strings),
// indexes them all, and then writes one line per document to w, in input
// order: {"id": ..., "related": [ids, best first]} with at most k IDs.
// Blank lines are skipped. A malformed line, a missing or repeated id stops
// the run before anything is written, with an error naming the line.
func RelatedJSONL(r io.Reader, w io.Writer, k int, opts Options) error {
	if k <= 0 {
		return fmt.Errorf("k must be at least 1, not %d", k)
	}
	x := New(opts)
	var ids []string
	seen := make(map[string]int)
	br := bufio.NewReaderSize(r, 64<<10)
	for lineNo := 1; ; lineNo++ {
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var in struct {
				ID    *string  `json:"id"`
				Title string   `json:"title"`
				Text  string   `json:"text"`
				Tags  []string `json:"tags"`
			}
			if jerr := json.Unmarshal(line, &in); jerr != nil {
				return fmt.Errorf("line %d: invalid JSON object: %w", lineNo, jerr)
			}
			switch {
			case in.ID == nil || *in.ID == "":
				return fmt.Errorf("line %d: an \"id\" is required", lineNo)
			case seen[*in.ID] != 0:
				return fmt.Errorf("line %d: id %q was already given on line %d", lineNo, *in.ID, seen[*in.ID])
			}
			seen[*in.ID] = lineNo
			ids = append(ids, *in.ID)
			x.Put(Doc{ID: *in.ID, Title: in.Title, Text: in.Text, Tags: in.Tags})
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read line %d: %w", lineNo, err)
		}
	}

	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	type out struct {
		ID      string   `json:"id"`
		Related []string `json:"related"`
	}
	for _, id := range ids {
		o := out{ID: id, Related: []string{}}
		for _, res := range x.Related(id, k) {
			o.Related = append(o.Related, res.ID)
		}
		if err := enc.Encode(o); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}
