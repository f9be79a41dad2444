package ingest

import (
	"bytes"
	"encoding/json"
	"strings"
)

// jsonFeed is what scanJSON learnt of a JSON Feed besides its bounds.
type jsonFeed struct {
	bounded
	version  string // the top-level "version", if a string
	hasItems bool   // the top-level "items" is an array
	// read is set when the pass read the whole of the top-level object:
	// when it is not, encoding/json refuses the document.
	read bool
}

// isJSONFeed reports whether a JSON object is a JSON Feed: it names the
// JSON Feed version it follows, or at least lists items.
func (f *jsonFeed) isJSONFeed() bool {
	return strings.HasPrefix(f.version, "https://jsonfeed.org/version/") ||
		strings.HasPrefix(f.version, "http://jsonfeed.org/version/") || f.hasItems
}

// scanJSON is the pass over a JSON Feed that applies lim before it is
// decoded, as scanXML does for XML: each element of the top-level
// "items" is an item, each other top-level member a piece. An item
// larger than lim.itemBytes is left out, as are the items past lim.items
// or past lim.nodes values; another member past those limits reads as
// null. The items array is read to its end (cheaply, keeping nothing),
// so that the members after it, such as the feed's title, are kept. A
// feed nested deeper than lim.depth is refused.
//
// Where b is not JSON the pass stops and leaves b as it is: encoding/json
// checks the whole of a document before it decodes any of it, so it
// refuses such a feed without the cost of reading it.
func scanJSON(b []byte, lim limits) (*jsonFeed, error) {
	s := &jsonScan{b: b, lim: lim, sp: splice{body: b}}
	ok, err := s.feed()
	s.out.read = ok
	switch {
	case err != nil:
		return nil, err
	case !ok && json.Valid(b):
		// The pass and encoding/json disagree: keep nothing past the
		// place the pass could not read, so that the limits hold.
		s.out.parts = s.sp.end(s.stopped)
	case !ok:
		s.out.parts = [][]byte{b}
	default:
		s.out.parts = s.sp.end(len(b))
	}
	return &s.out, nil
}

type jsonScan struct {
	b     []byte
	lim   limits
	sp    splice
	out   jsonFeed
	nodes int // values kept
	// counting is where values are counted: nodes, or a piece's own count.
	counting *int
	stopped  int // where the pass could not read on
}

// feed reads the top-level object. It reports false where b is not JSON.
func (s *jsonScan) feed() (bool, error) {
	b := s.b
	// encoding/json refuses a byte order mark, which JSON forbids and
	// some servers send: leave it out.
	s.sp.drop(0, skipBOM(b))
	i := skipJSONSpace(b, skipBOM(b))
	if i >= len(b) || b[i] != '{' {
		return s.fail(i)
	}
	s.nodes++
	s.counting = &s.nodes
	i = skipJSONSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return true, nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return s.fail(i)
		}
		ke := jsonString(b, i)
		if ke < 0 {
			return s.fail(i)
		}
		key := jsonKey(b[i:ke])
		i = skipJSONSpace(b, ke)
		if i >= len(b) || b[i] != ':' {
			return s.fail(i)
		}
		i = skipJSONSpace(b, i+1)
		var end int
		var err error
		switch {
		case strings.EqualFold(key, "items") && i < len(b) && b[i] == '[':
			s.out.hasItems = true
			end, err = s.items(i)
		default:
			end, err = s.member(i)
			if end >= 0 && strings.EqualFold(key, "version") && b[i] == '"' {
				var v string
				if json.Unmarshal(b[i:end], &v) == nil {
					s.out.version = v
				}
			}
		}
		if err != nil {
			return false, err
		}
		if end < 0 {
			return s.fail(i)
		}
		i = skipJSONSpace(b, end)
		if i >= len(b) {
			return s.fail(i)
		}
		switch b[i] {
		case ',':
			i = skipJSONSpace(b, i+1)
		case '}':
			return true, nil
		default:
			return s.fail(i)
		}
	}
}

func (s *jsonScan) fail(i int) (bool, error) {
	s.stopped = min(i, len(s.b))
	return false, nil
}

// member reads a top-level member's value at b[i], which reads as null
// if it is too large or would take the count of values past the limit.
func (s *jsonScan) member(i int) (int, error) {
	n := 0
	s.counting = &n
	end, err := s.value(i, 2)
	s.counting = &s.nodes
	if err != nil || end < 0 {
		return end, err
	}
	if end-i > s.lim.itemBytes || s.nodes+n > s.lim.nodes {
		s.sp.insert(i, []byte("null"))
		s.sp.drop(i, end)
		return end, nil
	}
	s.nodes += n
	return end, nil
}

// items reads the items array at b[i] == '['.
func (s *jsonScan) items(i int) (int, error) {
	b := s.b
	s.nodes++
	type span struct{ start, end int }
	var kept []span
	changed := false
	stop := false
	i = skipJSONSpace(b, i+1)
	open := i
	if i < len(b) && b[i] == ']' {
		return i + 1, nil
	}
	for {
		n := 0
		s.counting = &n
		end, err := s.value(i, 3)
		s.counting = &s.nodes
		if err != nil || end < 0 {
			return end, err
		}
		switch {
		case stop:
		case s.out.items >= s.lim.items:
			s.out.more, stop, changed = true, true, true
		case s.nodes+n > s.lim.nodes:
			s.out.full, stop, changed = true, true, true
		case end-i > s.lim.itemBytes:
			s.out.dropped++
			changed = true
		default:
			s.nodes += n
			s.out.items++
			kept = append(kept, span{i, end})
		}
		i = skipJSONSpace(b, end)
		if i >= len(b) {
			return -1, nil
		}
		switch b[i] {
		case ',':
			i = skipJSONSpace(b, i+1)
			continue
		case ']':
		default:
			return -1, nil
		}
		break
	}
	if changed {
		// The array again, of the items kept.
		s.sp.drop(open, open)
		for k, sp := range kept {
			if k > 0 {
				s.sp.parts = append(s.sp.parts, []byte(","))
			}
			s.sp.parts = append(s.sp.parts, b[sp.start:sp.end])
		}
		s.sp.from = i
	}
	return i + 1, nil
}

// value reads the value at b[i], counting it and the values in it. An
// object or array at b[i] is depth deep: the top-level object is 1. It returns where it ends, or -1 where b is not JSON.
func (s *jsonScan) value(i, depth int) (int, error) {
	b := s.b
	if i >= len(b) {
		return -1, nil
	}
	*s.counting++
	switch c := b[i]; {
	case c == '"':
		return jsonString(b, i), nil
	case c == '{' || c == '[':
		if depth > s.lim.depth {
			return 0, tooDeep("values", s.lim)
		}
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		i = skipJSONSpace(b, i+1)
		if i < len(b) && b[i] == closer {
			return i + 1, nil
		}
		for {
			if c == '{' {
				if i >= len(b) || b[i] != '"' {
					return -1, nil
				}
				if i = jsonString(b, i); i < 0 {
					return -1, nil
				}
				i = skipJSONSpace(b, i)
				if i >= len(b) || b[i] != ':' {
					return -1, nil
				}
				i = skipJSONSpace(b, i+1)
			}
			end, err := s.value(i, depth+1)
			if err != nil || end < 0 {
				return end, err
			}
			i = skipJSONSpace(b, end)
			if i >= len(b) {
				return -1, nil
			}
			switch b[i] {
			case ',':
				i = skipJSONSpace(b, i+1)
			case closer:
				return i + 1, nil
			default:
				return -1, nil
			}
		}
	case c == 't':
		return jsonLiteral(b, i, "true"), nil
	case c == 'f':
		return jsonLiteral(b, i, "false"), nil
	case c == 'n':
		return jsonLiteral(b, i, "null"), nil
	case c == '-' || '0' <= c && c <= '9':
		j := i + 1
		for j < len(b) && strings.IndexByte("0123456789+-.eE", b[j]) >= 0 {
			j++
		}
		return j, nil
	}
	return -1, nil
}

// jsonString returns where the string at b[i] == '"' ends, or -1.
func jsonString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '"':
			return i + 1
		case '\\':
			i++
		}
	}
	return -1
}

// jsonKey returns a member's name as encoding/json matches it.
func jsonKey(quoted []byte) string {
	if bytes.IndexByte(quoted, '\\') < 0 {
		return string(quoted[1 : len(quoted)-1])
	}
	var k string
	if json.Unmarshal(quoted, &k) != nil {
		return ""
	}
	return k
}

func jsonLiteral(b []byte, i int, lit string) int {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return -1
	}
	return i + len(lit)
}

func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipBOM returns where b begins after a UTF-8 byte order mark.
func skipBOM(b []byte) int {
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return 3
	}
	return 0
}
