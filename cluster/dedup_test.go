package cluster

import (
	"fmt"
	"strings"
	"testing"
)

const wireStory = `GENEVA (Reuters) - The World Health Organization said on Tuesday that
the number of measles cases reported worldwide rose sharply last year, with
outbreaks in every region and the largest increases in countries where
vaccination campaigns had been interrupted. Health officials urged parents to
make sure children receive both doses of the vaccine, and said funding for
surveillance had fallen for a third year in a row. The agency's figures showed
that more than nine million people were infected, and that most deaths were
among children under five in low-income countries.`

func TestDedup(t *testing.T) {
	d := NewDedup(DedupOptions{})
	adds := []struct {
		id, text string
		dupOf    string // "" when not a near-duplicate
	}{
		{"wire", wireStory, ""},
		{"unrelated", "The city council approved a new budget for road repairs on Monday, after a long debate about bus lanes and parking fees in the old town.", ""},
		{"syndicated", "Measles cases climb worldwide\n\n" + strings.ToUpper(wireStory[:40]) + wireStory[40:] + "\n\nCopyright 2024 Reuters.", "wire"},
		{"rewritten", strings.ReplaceAll(wireStory, "said", "announced"), ""},
		{"copy of copy", "Measles cases climb worldwide. " + wireStory + " Read more at our site.", "wire"},
		{"empty", "", ""},
		{"punctuation", " -- ", ""},
	}
	for _, tt := range adds {
		dupOf, ok := d.Add(tt.id, tt.text)
		if want := tt.dupOf != ""; ok != want || dupOf != tt.dupOf {
			t.Errorf("Add(%q) = %q, %v; want %q, %v", tt.id, dupOf, ok, tt.dupOf, want)
		}
	}
	// Adding an ID again reports its group's lead, whatever the text.
	for _, tt := range []struct{ id, lead string }{
		{"syndicated", "wire"},
		{"copy of copy", "wire"},
		{"unrelated", ""},
		{"wire", ""}, // never a duplicate of itself
	} {
		if lead, ok := d.Add(tt.id, "anything"); lead != tt.lead || ok != (tt.lead != "") {
			t.Errorf("adding %q again = %q, %v; want %q", tt.id, lead, ok, tt.lead)
		}
	}
}

// TestDedupShortTexts checks texts shorter than a shingle: they are one
// shingle, so only the same words in the same order match.
func TestDedupShortTexts(t *testing.T) {
	d := NewDedup(DedupOptions{})
	d.Add("a", "Breaking news")
	if dupOf, ok := d.Add("b", "BREAKING: news!"); !ok || dupOf != "a" {
		t.Errorf("same two words = %q, %v; want a, true", dupOf, ok)
	}
	if _, ok := d.Add("c", "news breaking"); ok {
		t.Error("the same words in another order were a near-duplicate")
	}
}

// TestDedupGroupsFold checks that when a text joins two groups the earlier
// lead leads both.
func TestDedupGroupsFold(t *testing.T) {
	words := func(from, to int) string {
		var b strings.Builder
		for i := from; i < to; i++ {
			fmt.Fprintf(&b, "w%d ", i)
		}
		return b.String()
	}
	d := NewDedup(DedupOptions{Threshold: 0.6})
	d.Add("left", words(0, 100))
	if _, ok := d.Add("right", words(30, 130)); ok { // Jaccard with left about 0.5
		t.Fatal("right was a near-duplicate of left")
	}
	if lead, _ := d.Add("middle", words(15, 115)); lead != "left" { // about 0.7 with each
		t.Fatalf("middle joined %q, want left", lead)
	}
	// right is now in left's group, through middle.
	for _, id := range []string{"right", "middle"} {
		if lead, _ := d.Add(id, ""); lead != "left" {
			t.Errorf("lead of %s = %q, want left", id, lead)
		}
	}
}
