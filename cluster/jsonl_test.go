package cluster

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"
)

func TestClusterJSONL(t *testing.T) {
	in := strings.Join([]string{
		`{"id": "q1", "title": "Strong earthquake shakes northern Japan", "text": "A magnitude 7.1 earthquake struck northern Japan near Sendai; tsunami warning issued.", "url": "https://example.com/q1", "published": "2024-03-10T08:00:00Z"}`,
		``,
		`{"story": "gold-7", "id": 42, "title": "Latvia elects prime minister", "text": "Latvia's parliament elected Laimdota Straujuma prime minister.", "extra": {"nested": [1, 2.50, null]}}`,
		`{"id": "q2", "title": "Tsunami warning after earthquake off Japan", "text": "Japan issued a tsunami warning for Sendai after the magnitude 7.1 earthquake.", "published": "2024-03-10T09:30:00+01:00"}`,
	}, "\n") // no newline after the last line
	var out bytes.Buffer
	if err := ClusterJSONL(strings.NewReader(in), &out, Options{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines out, want 3:\n%s", len(lines), out.String())
	}
	want := []string{
		`{"id":"q1","title":"Strong earthquake shakes northern Japan","text":"A magnitude 7.1 earthquake struck northern Japan near Sendai; tsunami warning issued.","url":"https://example.com/q1","published":"2024-03-10T08:00:00Z","story":1}`,
		`{"story":2,"id":42,"title":"Latvia elects prime minister","text":"Latvia's parliament elected Laimdota Straujuma prime minister.","extra":{"nested": [1, 2.50, null]}}`,
		`{"id":"q2","title":"Tsunami warning after earthquake off Japan","text":"Japan issued a tsunami warning for Sendai after the magnitude 7.1 earthquake.","published":"2024-03-10T09:30:00+01:00","story":1}`,
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d:\n got %s\nwant %s", i+1, lines[i], want[i])
		}
		if !json.Valid([]byte(lines[i])) {
			t.Errorf("line %d is not valid JSON", i+1)
		}
	}
}

func TestClusterJSONLErrors(t *testing.T) {
	good := `{"id": "a", "title": "t", "text": "x"}` + "\n"
	tests := []struct {
		name, in, wantErr string
		before            int // good lines before the bad one
	}{
		{"not JSON", good + "{oops\n", "line 2: invalid JSON", 1},
		{"array", good + good + "[1, 2]\n", "line 3: not a JSON object", 2},
		{"no id", `{"title": "t"}`, `line 1: no "id"`, 0},
		{"empty id", `{"id": ""}`, `line 1: "id" must be`, 0},
		{"id an object", `{"id": {}}`, `line 1: "id" must be`, 0},
		{"title a number", `{"id": "a", "title": 3}`, `line 1: "title": must be a string`, 0},
		{"bad time", `{"id": "a", "published": "yesterday"}`, `line 1: "published" is not an RFC 3339 time`, 0},
		{"two values", `{"id": "a"} {"id": "b"}`, "line 1: more than one JSON value", 0},
		{"truncated", `{"id": "a", "text": "abc`, "line 1: invalid JSON", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := ClusterJSONL(strings.NewReader(tt.in), &out, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
			if got := strings.Count(out.String(), "\n"); got != tt.before {
				t.Errorf("%d lines written before the error, want %d", got, tt.before)
			}
		})
	}
}

// TestClusterJSONLStreams checks that each result comes out while the input
// is still open, as a live pipeline needs.
func TestClusterJSONLStreams(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- ClusterJSONL(inR, outW, Options{})
		outW.Close()
	}()
	results := bufio.NewReader(outR)
	for i, line := range []string{
		`{"id": "a", "title": "Earthquake in Japan", "text": "An earthquake struck Japan."}`,
		`{"id": "b", "title": "Earthquake hits Japan", "text": "Japan was hit by an earthquake."}`,
	} {
		if _, err := io.WriteString(inW, line+"\n"); err != nil {
			t.Fatal(err)
		}
		got := make(chan string, 1)
		go func() {
			s, _ := results.ReadString('\n')
			got <- s
		}()
		select {
		case s := <-got:
			if !strings.Contains(s, `"story":1`) {
				t.Errorf("result %d: %s, want story 1", i+1, s)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no output for line %d while the input stays open", i+1)
		}
	}
	inW.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func FuzzClusterJSONL(f *testing.F) {
	f.Add([]byte(`{"id": "a", "title": "t", "text": "x", "published": "2024-03-10T08:00:00Z"}`))
	f.Add([]byte(`{"id": 1, "story": 3, "z": [{"a": null}]}` + "\n" + `{"id": "1"}`))
	f.Add([]byte(`{"id": "\u00e9", "title": "\ud800", "text": null}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		err := ClusterJSONL(bytes.NewReader(in), &out, Options{})
		sc := bufio.NewScanner(&out)
		sc.Buffer(nil, len(in)+1024)
		n := 0
		for sc.Scan() {
			n++
			var obj map[string]any
			if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
				t.Fatalf("output line %d is not a JSON object: %v\n%s", n, err, sc.Bytes())
			}
			if _, ok := obj["story"].(float64); !ok {
				t.Fatalf("output line %d has no numeric story: %s", n, sc.Bytes())
			}
		}
		if err == nil && n != nonBlankLines(in) {
			t.Fatalf("%d lines out for %d lines in", n, nonBlankLines(in))
		}
	})
}

func nonBlankLines(b []byte) int {
	n := 0
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		if len(bytes.TrimSpace(line)) > 0 {
			n++
		}
	}
	return n
}
