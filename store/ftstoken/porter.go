package ftstoken

// This file ports the Porter stemmer of SQLite's ext/fts5/fts5_tokenize.c
// (fts5PorterCb and the steps it calls), byte for byte: it works on the
// bytes of whatever token unicode61 produced, so a byte outside a..z is
// simply a consonant, as it is in C.

// porterMaxToken is FTS5_PORTER_MAX_TOKEN: longer tokens (in bytes), and
// tokens shorter than 3 bytes, pass through the stemmer unchanged.
const porterMaxToken = 64

// stem stems the n bytes at the start of b in place and returns the new
// length. b must have room for n+1 bytes: step 1b may add an 'e'.
func stem(b []byte, n int) int {
	if n > porterMaxToken || n < 3 {
		return n
	}

	// Step 1a.
	if b[n-1] == 's' {
		if b[n-2] == 'e' {
			if (n > 4 && b[n-4] == 's' && b[n-3] == 's') || (n > 3 && b[n-3] == 'i') {
				n -= 2
			} else {
				n--
			}
		} else if b[n-2] != 's' {
			n--
		}
	}

	// Step 1b.
	var stripped bool
	n, stripped = applyRules(b, n, step1B(b, n))
	if stripped {
		var added bool
		n, added = applyRules(b, n, step1B2(b, n))
		if !added {
			c := b[n-1]
			if n >= 2 && !isVowel(c, false) && c != 'l' && c != 's' && c != 'z' && c == b[n-2] {
				n--
			} else if mEq1(b[:n]) && ostar(b[:n]) {
				b[n] = 'e'
				n++
			}
		}
	}

	// Step 1c.
	if b[n-1] == 'y' && hasVowel(b[:n-1]) {
		b[n-1] = 'i'
	}

	// Steps 2 to 4.
	n, _ = applyRules(b, n, step2(b, n))
	n, _ = applyRules(b, n, step3(b, n))
	n, _ = applyRules(b, n, step4(b, n))

	// Step 5a.
	if b[n-1] == 'e' {
		if z := b[:n-1]; mGt1(z) || (mEq1(z) && !ostar(z)) {
			n--
		}
	}

	// Step 5b.
	if n > 1 && b[n-1] == 'l' && b[n-2] == 'l' && mGt1(b[:n-1]) {
		n--
	}
	return n
}

// A rule replaces suffix by repl where cond holds for the stem before the
// suffix (cond nil: always). report says whether the step tells its caller
// that this rule fired (only step 1b's "ed" and "ing" and step 1b2 do).
type rule struct {
	suffix, repl string
	cond         func([]byte) bool
	report       bool
}

// applyRules applies the first rule of rules whose suffix b[:n] ends with
// (and is strictly longer than); later rules are not tried even where its
// condition fails, as in C's else-if chains.
func applyRules(b []byte, n int, rules []rule) (int, bool) {
	for i := range rules {
		r := &rules[i]
		stemLen := n - len(r.suffix)
		if stemLen <= 0 || !hasSuffix(b[stemLen:n], r.suffix) {
			continue
		}
		if r.cond != nil && !r.cond(b[:stemLen]) {
			return n, false
		}
		return stemLen + copy(b[stemLen:], r.repl), r.report
	}
	return n, false
}

// hasSuffix reports whether b == s, comparing from the end, where the
// suffixes of one step differ; a loop beats a call to memequal on
// suffixes this short.
func hasSuffix(b []byte, s string) bool {
	for i := len(s) - 1; i >= 0; i-- {
		if b[i] != s[i] {
			return false
		}
	}
	return true
}

// The C steps switch on the last but one byte before trying suffixes; so
// do these, which only pick the rules to try.

var (
	rules1Be = []rule{{"eed", "ee", mGt0, false}, {"ed", "", hasVowel, true}}
	rules1Bn = []rule{{"ing", "", hasVowel, true}}
)

func step1B(b []byte, n int) []rule {
	switch b[n-2] {
	case 'e':
		return rules1Be
	case 'n':
		return rules1Bn
	}
	return nil
}

var (
	rules1B2a = []rule{{"at", "ate", nil, true}}
	rules1B2b = []rule{{"bl", "ble", nil, true}}
	rules1B2i = []rule{{"iz", "ize", nil, true}}
)

func step1B2(b []byte, n int) []rule {
	if n < 2 {
		return nil
	}
	switch b[n-2] {
	case 'a':
		return rules1B2a
	case 'b':
		return rules1B2b
	case 'i':
		return rules1B2i
	}
	return nil
}

var (
	rules2a = []rule{{"ational", "ate", mGt0, false}, {"tional", "tion", mGt0, false}}
	rules2c = []rule{{"enci", "ence", mGt0, false}, {"anci", "ance", mGt0, false}}
	rules2e = []rule{{"izer", "ize", mGt0, false}}
	rules2g = []rule{{"logi", "log", mGt0, false}}
	rules2l = []rule{{"bli", "ble", mGt0, false}, {"alli", "al", mGt0, false},
		{"entli", "ent", mGt0, false}, {"eli", "e", mGt0, false}, {"ousli", "ous", mGt0, false}}
	rules2o = []rule{{"ization", "ize", mGt0, false}, {"ation", "ate", mGt0, false},
		{"ator", "ate", mGt0, false}}
	rules2s = []rule{{"alism", "al", mGt0, false}, {"iveness", "ive", mGt0, false},
		{"fulness", "ful", mGt0, false}, {"ousness", "ous", mGt0, false}}
	rules2t = []rule{{"aliti", "al", mGt0, false}, {"iviti", "ive", mGt0, false},
		{"biliti", "ble", mGt0, false}}
)

func step2(b []byte, n int) []rule {
	if n < 2 {
		return nil
	}
	switch b[n-2] {
	case 'a':
		return rules2a
	case 'c':
		return rules2c
	case 'e':
		return rules2e
	case 'g':
		return rules2g
	case 'l':
		return rules2l
	case 'o':
		return rules2o
	case 's':
		return rules2s
	case 't':
		return rules2t
	}
	return nil
}

var (
	rules3a = []rule{{"ical", "ic", mGt0, false}}
	rules3s = []rule{{"ness", "", mGt0, false}}
	rules3t = []rule{{"icate", "ic", mGt0, false}, {"iciti", "ic", mGt0, false}}
	rules3u = []rule{{"ful", "", mGt0, false}}
	rules3v = []rule{{"ative", "", mGt0, false}}
	rules3z = []rule{{"alize", "al", mGt0, false}}
)

func step3(b []byte, n int) []rule {
	if n < 2 {
		return nil
	}
	switch b[n-2] {
	case 'a':
		return rules3a
	case 's':
		return rules3s
	case 't':
		return rules3t
	case 'u':
		return rules3u
	case 'v':
		return rules3v
	case 'z':
		return rules3z
	}
	return nil
}

var (
	rules4a = []rule{{"al", "", mGt1, false}}
	rules4c = []rule{{"ance", "", mGt1, false}, {"ence", "", mGt1, false}}
	rules4e = []rule{{"er", "", mGt1, false}}
	rules4i = []rule{{"ic", "", mGt1, false}}
	rules4l = []rule{{"able", "", mGt1, false}, {"ible", "", mGt1, false}}
	rules4n = []rule{{"ant", "", mGt1, false}, {"ement", "", mGt1, false},
		{"ment", "", mGt1, false}, {"ent", "", mGt1, false}}
	rules4o = []rule{{"ion", "", mGt1SorT, false}, {"ou", "", mGt1, false}}
	rules4s = []rule{{"ism", "", mGt1, false}}
	rules4t = []rule{{"ate", "", mGt1, false}, {"iti", "", mGt1, false}}
	rules4u = []rule{{"ous", "", mGt1, false}}
	rules4v = []rule{{"ive", "", mGt1, false}}
	rules4z = []rule{{"ize", "", mGt1, false}}
)

func step4(b []byte, n int) []rule {
	if n < 2 {
		return nil
	}
	switch b[n-2] {
	case 'a':
		return rules4a
	case 'c':
		return rules4c
	case 'e':
		return rules4e
	case 'i':
		return rules4i
	case 'l':
		return rules4l
	case 'n':
		return rules4n
	case 'o':
		return rules4o
	case 's':
		return rules4s
	case 't':
		return rules4t
	case 'u':
		return rules4u
	case 'v':
		return rules4v
	case 'z':
		return rules4z
	}
	return nil
}

// isVowel is fts5PorterIsVowel.
func isVowel(c byte, yIsVowel bool) bool {
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || (yIsVowel && c == 'y')
}

// gobbleVC is fts5PorterGobbleVC: the length of the shortest prefix of z
// that holds a vowel followed by a consonant, or 0 if there is none.
func gobbleVC(z []byte, prevCons bool) int {
	cons := prevCons
	i := 0
	for ; i < len(z); i++ {
		if cons = !isVowel(z[i], cons); !cons {
			break
		}
	}
	for i++; i < len(z); i++ {
		if cons = !isVowel(z[i], cons); cons {
			return i + 1
		}
	}
	return 0
}

// mGt0 is the condition m > 0.
func mGt0(z []byte) bool { return gobbleVC(z, false) != 0 }

// mGt1 is the condition m > 1.
func mGt1(z []byte) bool {
	n := gobbleVC(z, false)
	return n != 0 && gobbleVC(z[n:], true) != 0
}

// mEq1 is the condition m = 1.
func mEq1(z []byte) bool {
	n := gobbleVC(z, false)
	return n != 0 && gobbleVC(z[n:], true) == 0
}

// ostar is the condition *o: z ends consonant-vowel-consonant, the last
// not w, x or y.
func ostar(z []byte) bool {
	if len(z) == 0 {
		return false
	}
	if c := z[len(z)-1]; c == 'w' || c == 'x' || c == 'y' {
		return false
	}
	var mask uint
	cons := false
	for _, c := range z {
		cons = !isVowel(c, cons)
		mask <<= 1
		if cons {
			mask |= 1
		}
	}
	return mask&7 == 5
}

// mGt1SorT is the condition m > 1 and (*S or *T).
func mGt1SorT(z []byte) bool {
	c := z[len(z)-1]
	return (c == 's' || c == 't') && mGt1(z)
}

// hasVowel is the condition *v*. Like C, it takes y as a vowel anywhere
// but at the start, whatever precedes it.
func hasVowel(z []byte) bool {
	for i, c := range z {
		if isVowel(c, i > 0) {
			return true
		}
	}
	return false
}
