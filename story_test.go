package newsdesk_test

import (
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
)

func TestLeads(t *testing.T) {
	early := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	late := early.Add(time.Hour)
	tests := []struct {
		name string
		a, b newsdesk.LeadCandidate
		want bool // a leads b
	}{
		{"an original before an earlier copy",
			newsdesk.LeadCandidate{Seen: late, Length: 10, Order: 2},
			newsdesk.LeadCandidate{Copy: true, Seen: early, Length: 900, Order: 1}, true},
		{"the earlier before the longer",
			newsdesk.LeadCandidate{Seen: early, Length: 10, Order: 2},
			newsdesk.LeadCandidate{Seen: late, Length: 900, Order: 1}, true},
		{"a known time before none",
			newsdesk.LeadCandidate{Seen: late, Length: 10, Order: 2},
			newsdesk.LeadCandidate{Length: 900, Order: 1}, true},
		{"of equally early ones the longer",
			newsdesk.LeadCandidate{Seen: early, Length: 900, Order: 2},
			newsdesk.LeadCandidate{Seen: early, Length: 10, Order: 1}, true},
		{"of equally early, equally long ones the first to arrive",
			newsdesk.LeadCandidate{Seen: early, Length: 10, Order: 1},
			newsdesk.LeadCandidate{Seen: early, Length: 10, Order: 2}, true},
		{"times compared as instants, not by their zone",
			newsdesk.LeadCandidate{Seen: early.In(time.FixedZone("X", 3600)), Length: 10, Order: 2},
			newsdesk.LeadCandidate{Seen: early, Length: 10, Order: 1}, false},
		{"no item leads itself",
			newsdesk.LeadCandidate{Seen: early, Length: 10, Order: 1},
			newsdesk.LeadCandidate{Seen: early, Length: 10, Order: 1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.Leads(tt.b); got != tt.want {
				t.Errorf("a.Leads(b) = %v, want %v", got, tt.want)
			}
			if tt.want && tt.b.Leads(tt.a) {
				t.Error("b leads a too")
			}
		})
	}
}
