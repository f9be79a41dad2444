package related

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestRelatedJSONL(t *testing.T) {
	in := strings.Join([]string{
		`{"id": "a", "title": "Central bank raises interest rates", "text": "The central bank raised interest rates by half a point to fight inflation."}`,
		`{"id": "b", "title": "Striker scores twice in cup final", "text": "The striker scored twice as the club won the cup final at the stadium."}`,
		``,
		`{"id": "c", "title": "Interest rates rise again", "text": "Inflation pushed the central bank to raise interest rates once more."}`,
		`{"id": "d", "title": "Cup final goals", "text": "Two goals from the striker won the cup final for the club."}`,
	}, "\n")
	var out bytes.Buffer
	if err := RelatedJSONL(strings.NewReader(in), &out, 1, Options{}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a": "c", "b": "d", "c": "a", "d": "b"}
	var order []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var got struct {
			ID      string   `json:"id"`
			Related []string `json:"related"`
		}
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("output line %q: %v", line, err)
		}
		order = append(order, got.ID)
		if len(got.Related) != 1 || got.Related[0] != want[got.ID] {
			t.Errorf("%s: related %v, want [%s]", got.ID, got.Related, want[got.ID])
		}
	}
	if strings.Join(order, ",") != "a,b,c,d" {
		t.Errorf("output order %v, want input order", order)
	}
}

func TestRelatedJSONLErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
		k              int
	}{
		{"not JSON", "{\"id\": \"a\"}\nnot json\n", "line 2: invalid JSON", 3},
		{"no id", `{"title": "x"}`, `line 1: an "id" is required`, 3},
		{"repeated id", "{\"id\": \"a\"}\n{\"id\": \"a\"}", `line 2: id "a" was already given on line 1`, 3},
		{"bad k", `{"id": "a"}`, "k must be at least 1", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := RelatedJSONL(strings.NewReader(tt.in), &out, tt.k, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if out.Len() != 0 {
				t.Errorf("wrote %q before failing", out.String())
			}
		})
	}
}
