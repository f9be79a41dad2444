package newseval

import (
	"math"
	"testing"
)

func TestScore(t *testing.T) {
	tests := []struct {
		name                string
		truth               []string
		pred                []int
		nmi, b3P, b3R, b3F1 float64
		pairP, pairR        float64
	}{
		{
			// Figures computed independently (and NMI as scikit-learn's
			// normalized_mutual_info_score gives it).
			name:  "split and merge",
			truth: []string{"a", "a", "a", "b", "b", "b"},
			pred:  []int{0, 0, 1, 1, 2, 2},
			nmi:   0.5158037429793888,
			b3P:   5.0 / 6, b3R: 5.0 / 9, b3F1: 2.0 / 3,
			pairP: 2.0 / 3, pairR: 1.0 / 3,
		},
		{
			name:  "uneven",
			truth: []string{"a", "a", "b", "b", "c", "c", "c"},
			pred:  []int{1, 1, 1, 2, 2, 3, 3},
			nmi:   0.5636355530993448,
			b3P:   2.0 / 3, b3R: 2.0 / 3, b3F1: 2.0 / 3,
			pairP: 0.4, pairR: 0.4,
		},
		{
			name:  "identical up to renaming",
			truth: []string{"x", "x", "y", "z"},
			pred:  []int{7, 7, 3, 5},
			nmi:   1, b3P: 1, b3R: 1, b3F1: 1, pairP: 1, pairR: 1,
		},
		{
			name:  "everything in one cluster",
			truth: []string{"x", "y", "z"},
			pred:  []int{1, 1, 1},
			nmi:   0, b3P: 1.0 / 3, b3R: 1, b3F1: 0.5, pairP: 0, pairR: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Score(tt.truth, tt.pred)
			check := func(what string, got, want float64) {
				t.Helper()
				if math.Abs(got-want) > 1e-12 {
					t.Errorf("%s = %v, want %v", what, got, want)
				}
			}
			check("NMI", s.NMI, tt.nmi)
			check("B-cubed precision", s.BCubedPrecision, tt.b3P)
			check("B-cubed recall", s.BCubedRecall, tt.b3R)
			check("B-cubed F1", s.BCubedF1, tt.b3F1)
			check("pair precision", s.PairPrecision, tt.pairP)
			check("pair recall", s.PairRecall, tt.pairR)
		})
	}
}
