package textproc

import "slices"

// indexKeys is how many of a sketch's smallest hashes a DuplicateIndex
// files it under. Two texts share one of them unless every one of the
// smallest indexKeys hashes of the union of their shingles belongs to one
// text only, which for texts of Jaccard index J happens with probability
// about (1-J)^indexKeys: 7·10⁻¹² at 0.8, 4·10⁻⁷ at 0.6. A text is compared
// with the texts filed under its own keys alone, and since five-word
// shingles are rare, those are few.
const indexKeys = 16

// A DuplicateIndex finds near-duplicates among many texts by their
// sketches: the texts whose word shingles have a Jaccard index with a new
// one of at least a threshold. It compares a sketch only with the sketches
// that share one of its smallest hashes, so that finding costs about the
// same however many texts the index holds. The zero value is an empty
// index. A DuplicateIndex is not safe for concurrent use.
type DuplicateIndex struct {
	sketches []Sketch
	keys     map[uint32][]int32 // hash -> the sketches filed under it
	seen     []uint32           // by sketch: the last Find that compared it
	finds    uint32
}

// Add adds the sketch s and returns its number: 0 for the first sketch
// added, 1 for the next, and so on. An empty sketch (a text without words)
// is numbered but matches nothing. The index keeps s: do not change it.
func (x *DuplicateIndex) Add(s Sketch) int {
	n := int32(len(x.sketches))
	x.sketches = append(x.sketches, s)
	x.seen = append(x.seen, 0)
	if x.keys == nil {
		x.keys = make(map[uint32][]int32)
	}
	for _, h := range s[:min(len(s), indexKeys)] {
		x.keys[h] = append(x.keys[h], n)
	}
	return int(n)
}

// Find appends to dst the numbers of the sketches added so far that s is a
// near-duplicate of, s.NearDuplicate(t, threshold) for a threshold above
// 0, in the order they were added, and returns the extended slice.
func (x *DuplicateIndex) Find(dst []int, s Sketch, threshold float64) []int {
	x.finds++
	if x.finds == 0 { // wrapped: old marks could match again
		clear(x.seen)
		x.finds = 1
	}
	start := len(dst)
	for _, h := range s[:min(len(s), indexKeys)] {
		for _, n := range x.keys[h] {
			if x.seen[n] == x.finds {
				continue
			}
			x.seen[n] = x.finds
			if s.NearDuplicate(x.sketches[n], threshold) {
				dst = append(dst, int(n))
			}
		}
	}
	slices.Sort(dst[start:])
	return dst
}
