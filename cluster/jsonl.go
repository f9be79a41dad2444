package cluster

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// ClusterJSONL clusters a stream of articles as a live system would: it
// reads JSON Lines from r, one object per article with "id", "title",
// "text" and, optionally, "published" (RFC 3339), adds each to a Clusterer
// in order, and writes the object to w with a "story" field holding the
// integer ID of the story the article joined at that moment. Every other
// field is kept as it was, in its place; a "story" field already present
// is replaced. Blank lines are skipped.
//
// Output keeps pace with input: whatever has been written is flushed
// whenever reading would wait for more. A malformed line stops the run with
// an error that names its line number; the lines before it have been
// written.
func ClusterJSONL(r io.Reader, w io.Writer, opts Options) error {
	c := NewClusterer(opts)
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriterSize(w, 64<<10)
	var out []byte
	for lineNo := 1; ; lineNo++ {
		if br.Buffered() == 0 {
			// About to wait for input: let what is done go out first.
			if err := bw.Flush(); err != nil {
				return fmt.Errorf("write: %w", err)
			}
		}
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			doc, fields, perr := parseArticle(line)
			if perr != nil {
				bw.Flush() // the lines before are good; the error is what matters
				return fmt.Errorf("line %d: %w", lineNo, perr)
			}
			out = appendWithStory(out[:0], fields, c.Add(doc))
			if _, werr := bw.Write(out); werr != nil {
				return fmt.Errorf("write: %w", werr)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read line %d: %w", lineNo, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

// field is one member of a JSON object, its value as it was written.
type field struct {
	key   string
	value json.RawMessage
}

// parseArticle reads one JSON object and the article in it.
func parseArticle(line []byte) (Doc, []field, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return Doc{}, nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if tok != json.Delim('{') {
		return Doc{}, nil, errors.New("not a JSON object")
	}
	var doc Doc
	var fields []field
	hasID := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return Doc{}, nil, fmt.Errorf("invalid JSON: %w", err)
		}
		key := tok.(string) // object keys are always strings
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return Doc{}, nil, fmt.Errorf("invalid JSON in %q: %w", key, err)
		}
		fields = append(fields, field{key, raw})
		switch key {
		case "id":
			id, err := idString(raw)
			if err != nil {
				return Doc{}, nil, err
			}
			doc.ID, hasID = id, true
		case "title":
			if err := optionalString(raw, &doc.Title); err != nil {
				return Doc{}, nil, fmt.Errorf("\"title\": %w", err)
			}
		case "text":
			if err := optionalString(raw, &doc.Text); err != nil {
				return Doc{}, nil, fmt.Errorf("\"text\": %w", err)
			}
		case "source":
			if err := optionalString(raw, &doc.Source); err != nil {
				return Doc{}, nil, fmt.Errorf("\"source\": %w", err)
			}
		case "published":
			var s string
			if err := optionalString(raw, &s); err != nil {
				return Doc{}, nil, fmt.Errorf("\"published\": %w", err)
			}
			if s != "" {
				t, err := time.Parse(time.RFC3339, s)
				if err != nil {
					return Doc{}, nil, fmt.Errorf("\"published\" is not an RFC 3339 time: %q", s)
				}
				doc.Published = t
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return Doc{}, nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if dec.More() {
		return Doc{}, nil, errors.New("more than one JSON value on the line")
	}
	if !hasID {
		return Doc{}, nil, errors.New("no \"id\"")
	}
	return doc, fields, nil
}

// idString accepts an ID written as a non-empty string or as a number.
func idString(raw json.RawMessage) (string, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return "", fmt.Errorf("\"id\": %w", err)
	}
	switch v := v.(type) {
	case string:
		if v != "" {
			return v, nil
		}
	case json.Number:
		return v.String(), nil
	}
	return "", errors.New("\"id\" must be a non-empty string or a number")
}

// optionalString decodes a JSON string into dst; null leaves it empty.
func optionalString(raw json.RawMessage, dst *string) error {
	if string(raw) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return errors.New("must be a string")
	}
	return nil
}

// appendWithStory writes the object back, its fields in their order, with
// "story" set to id (in place of the first "story" field, or last if there
// was none), followed by a newline.
func appendWithStory(dst []byte, fields []field, id int) []byte {
	dst = append(dst, '{')
	open := len(dst)
	replaced := false
	for _, f := range fields {
		if f.key == "story" && replaced {
			continue // a repeated key: one story is enough
		}
		if len(dst) > open {
			dst = append(dst, ',')
		}
		key, _ := json.Marshal(f.key) // a string always marshals
		dst = append(dst, key...)
		dst = append(dst, ':')
		if f.key == "story" {
			dst = strconv.AppendInt(dst, int64(id), 10)
			replaced = true
			continue
		}
		dst = append(dst, f.value...)
	}
	if !replaced {
		if len(dst) > open {
			dst = append(dst, ',')
		}
		dst = append(dst, `"story":`...)
		dst = strconv.AppendInt(dst, int64(id), 10)
	}
	return append(dst, '}', '\n')
}
