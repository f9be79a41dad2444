package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestClusterCommand(t *testing.T) {
	in := strings.Join([]string{
		`{"id": "1", "title": "Flood closes river bridge", "text": "Heavy rain flooded the river and closed the old bridge.", "published": "2026-03-01T08:00:00Z", "outlet": "a"}`,
		`{"id": "2", "title": "Council approves new library budget", "text": "The council voted to fund the new library next year.", "published": "2026-03-01T09:00:00Z"}`,
		`{"id": "3", "title": "River bridge closed by flood", "text": "The old bridge stays closed after the river flooded in heavy rain.", "published": "2026-03-01T10:00:00Z"}`,
	}, "\n")
	out, _, errMsg := cli(t, in, "cluster")
	if errMsg != "" {
		t.Fatal(errMsg)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3:\n%s", len(lines), out)
	}
	stories := make([]json.Number, 3)
	for i, line := range lines {
		var got map[string]any
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("line %d %q: %v", i+1, line, err)
		}
		n, ok := got["story"].(json.Number)
		if !ok {
			t.Fatalf("line %d has no numeric story: %s", i+1, line)
		}
		stories[i] = n
	}
	if stories[0] != stories[2] || stories[0] == stories[1] {
		t.Errorf("stories %v: want the two flood articles together and the budget apart", stories)
	}
	if !strings.Contains(lines[0], `"outlet": "a"`) && !strings.Contains(lines[0], `"outlet":"a"`) {
		t.Errorf("other fields not kept: %s", lines[0])
	}

	if _, _, errMsg := cli(t, "{\"id\": \"1\"}\nnot json\n", "cluster"); !strings.Contains(errMsg, "line 2") {
		t.Errorf("malformed input: error %q, want one naming line 2", errMsg)
	}
}

func TestRelatedCommand(t *testing.T) {
	in := strings.Join([]string{
		`{"id": "a", "title": "Central bank raises interest rates", "text": "The central bank raised interest rates to fight inflation."}`,
		`{"id": "b", "title": "Striker scores twice in cup final", "text": "The striker scored twice as the club won the cup final."}`,
		`{"id": "c", "title": "Interest rates rise again", "text": "Inflation pushed the central bank to raise interest rates again."}`,
	}, "\n")
	out, _, errMsg := cli(t, in, "related", "--k", "1")
	if errMsg != "" {
		t.Fatal(errMsg)
	}
	var first struct {
		ID      string   `json:"id"`
		Related []string `json:"related"`
	}
	line, _, _ := strings.Cut(out, "\n")
	if err := json.Unmarshal([]byte(line), &first); err != nil {
		t.Fatalf("%q: %v", line, err)
	}
	if first.ID != "a" || len(first.Related) != 1 || first.Related[0] != "c" {
		t.Errorf("first line %s, want a related to [c]", line)
	}
	if _, _, errMsg := cli(t, in, "related", "--k", "0"); !strings.Contains(errMsg, "--k must be at least 1") {
		t.Errorf("--k 0: error %q", errMsg)
	}
}
