package related

import (
	"slices"
	"testing"
)

// A wire story carried by two outlets, one with a paragraph of its own,
// is shown once among the related articles of a third story, and never
// among the related articles of its own copy; KeepNearDuplicates shows
// them all.
func TestNearDuplicatesLeftOut(t *testing.T) {
	const story = `The harbour ferry sailed again on Monday after two weeks of repairs
to the pier, and the operator said the timetable would return to normal by the
end of the month, with extra sailings at weekends. Engineers found cracks in
three of the pier supports after the storm in early March, and the council
closed the landing stage while divers inspected the piles below the water line.`
	docs := []Doc{
		{ID: "wire", Title: "Harbour ferry sails again after pier repairs", Text: story},
		{ID: "copy", Title: "Harbour ferry sails again after pier repairs", Text: story +
			" Commuters who cross the estuary every morning had faced a long drive around the bay."},
		{ID: "survey", Title: "Council orders survey of harbour wall after pier repairs",
			Text: "The council will survey the harbour wall this summer after repairs to the ferry pier, whose supports cracked in the March storm. Divers inspected the piles and engineers repaired the landing stage."},
		{ID: "traders", Title: "Old town traders count the cost of the ferry closure",
			Text: "Traders in the old town said the closure of the ferry pier for repairs after the storm cut visitors by half, and welcomed the news that sailings resume with extra weekend ferries."},
		{ID: "budget", Title: "Parliament passes the budget",
			Text: "Parliament voted on the budget late on Tuesday night after a long debate about schools and hospitals in the north of the country."},
		{ID: "schools", Title: "Schools win most from the budget",
			Text: "Schools in the north of the country gain most from the budget parliament passed, with hospitals next, after a long debate."},
	}
	ids := func(rs []Result) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	for _, tt := range []struct {
		keep  bool
		query string
		want  []string // all among the results
		not   []string // none among them
		oneOf []string // exactly one among them
	}{
		{query: "wire", want: []string{"survey", "traders"}, not: []string{"copy"}},
		{query: "copy", want: []string{"survey", "traders"}, not: []string{"wire"}},
		{query: "survey", want: []string{"traders"}, oneOf: []string{"wire", "copy"}},
		{keep: true, query: "wire", want: []string{"copy", "survey", "traders"}},
		{keep: true, query: "survey", want: []string{"wire", "copy", "traders"}},
	} {
		x := New(Options{KeepNearDuplicates: tt.keep, TagWeight: -1, RecencyWeight: -1})
		x.PutAll(docs)
		got := ids(x.Related(tt.query, 4))
		count := func(list []string) (n int) {
			for _, id := range list {
				if slices.Contains(got, id) {
					n++
				}
			}
			return n
		}
		if count(tt.want) != len(tt.want) || count(tt.not) != 0 || tt.oneOf != nil && count(tt.oneOf) != 1 {
			t.Errorf("keep copies %v: related to %s = %v; want all of %v, none of %v, one of %v",
				tt.keep, tt.query, got, tt.want, tt.not, tt.oneOf)
		}
	}
}
