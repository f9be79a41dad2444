package markdown

import (
	"strings"

	"github.com/newsdesk/newsdesk"
)

// MaxSize is the longest Markdown a post may have, in bytes: about 15,000
// words, longer than any article a newsroom publishes in one piece.
const MaxSize = 100 << 10

// goldmark's work grows with the square of its input, or its output
// with the product of two of its parts, on a few shapes of input no post
// has. Each limit below closes one of them, far beyond what a post
// needs; the figures are what 100 KB of that shape cost before the
// limit (BenchmarkWorst measures them after).
const (
	// maxLinksPerLine bounds "](" on one line: each makes goldmark
	// scan the rest of the line for a link's address (100 KB of
	// "![a](" took 7.7 s).
	maxLinksPerLine = 64

	// maxQuoteRun bounds a run of " or ': the typographer scans the
	// whole run again for each mark (100 KB of " took 2 s).
	maxQuoteRun = 32

	// maxNesting bounds how deeply quotes, lists, links and emphasis
	// nest: goldmark checks every open block on every line (100 KB of
	// ">" took 14 s, 40 KB of "- " then a word 2.6 s), looks through
	// all it has read since an open "[" at each "]" (100 KB of "[[[a]]]"
	// took 2.8 s), and the HTML parser refuses 512 levels.
	maxNesting = 64

	// maxTableCells bounds the cells of a post's tables: goldmark pads
	// every row to the header's width, so 100 KB could ask for
	// hundreds of millions of cells (it ran out of time at 20 s).
	maxTableCells = 20_000

	// maxDelimiters bounds the emphasis marks ("*", "_", "~") one block
	// may use; the rest are text (see capped). goldmark matches each
	// closing mark by looking back through all the block's marks (100
	// KB of "*_ " took 11 s).
	maxDelimiters = 100

	// maxCodeSpanMarks bounds the runs of backticks one block may use;
	// the rest are text (see capped). goldmark looks for the closing
	// run of each to the end of the block (100 KB of "`\`" took
	// 0.9 s).
	maxCodeSpanMarks = 100

	// maxLookups bounds, in a paragraph, the number of its lines times
	// its "]" not followed by "(" or ":": goldmark looks each such reference
	// up through the paragraph's lines from the first (100 KB of "[\n]"
	// took 1.6 s).
	maxLookups = 50_000

	// maxDefinitionRun bounds link reference definitions in one
	// paragraph: goldmark copies the rest of the paragraph for each
	// (100 KB of them took 290 ms).
	maxDefinitionRun = 256
)

// tooDeep says that the post nests too deeply, whether checkShape sees
// it in the markers of a line or parse in the tree.
const tooDeep = "The post nests quotes, lists or emphasis more than %d levels deep."

// checkShape refuses Markdown over MaxSize (ETOOLARGE) or of a shape that
// would make goldmark's work grow faster than the input (EINVALID), with
// a message that says what to change. It reads the input once.
func checkShape(src string) error {
	if len(src) > MaxSize {
		return newsdesk.Errorf(newsdesk.ETOOLARGE, "The post is longer than %d KB: shorten it, or split it into two posts.", MaxSize>>10)
	}
	var (
		definitions int // link reference definitions in this paragraph
		brackets    int // "[" open in this paragraph
		lines       int // in this paragraph
		lookups     int // "]" not followed by "(" in this paragraph
		columns     int // of the table this line may be a row of, or 0
		cells       int
	)
	for line := range strings.Lines(src) {
		if strings.Count(line, "](") > maxLinksPerLine {
			return newsdesk.Errorf(newsdesk.EINVALID, "A line of the post has more than %d links: break it into shorter paragraphs.", maxLinksPerLine)
		}
		if longestRun(line, '"') > maxQuoteRun || longestRun(line, '\'') > maxQuoteRun {
			return newsdesk.Errorf(newsdesk.EINVALID, "The post has more than %d quotation marks in a row.", maxQuoteRun)
		}
		if containers(line) > maxNesting {
			return newsdesk.Errorf(newsdesk.EINVALID, tooDeep, maxNesting)
		}
		rest := strings.TrimLeft(line, " \t>")
		if strings.TrimSpace(rest) == "" {
			definitions, brackets, lines, lookups, columns = 0, 0, 0, 0, 0
			continue
		}
		if containers(rest) > 0 || heading(rest) {
			// A list item or a heading: a new block. (A quote's ">"
			// goes on every line of its paragraphs.)
			lines, lookups = 0, 0
		}
		lines++
		for i := 0; i < len(line); i++ {
			switch line[i] {
			case '[':
				if brackets++; brackets > maxNesting {
					return newsdesk.Errorf(newsdesk.EINVALID, "A paragraph of the post opens more than %d brackets ([) without closing them.", maxNesting)
				}
			case ']':
				brackets = max(brackets-1, 0)
				if i+1 == len(line) || line[i+1] != '(' && line[i+1] != ':' {
					lookups++
				}
			}
		}
		if lines*lookups > maxLookups {
			return newsdesk.Errorf(newsdesk.EINVALID, "A paragraph of the post has too many lines and brackets ([…]) together: split it with blank lines.")
		}
		if rest[0] == '[' && strings.Contains(rest, "]:") {
			if definitions++; definitions > maxDefinitionRun {
				return newsdesk.Errorf(newsdesk.EINVALID, "The post has more than %d link definitions in a row: put blank lines between them.", maxDefinitionRun)
			}
		}
		if tableDelimiter(rest) {
			// A new table, or the same one again: count it anew, as
			// goldmark might.
			columns = tableColumns(rest)
			cells += 2 * columns // its header and this line
		} else if columns > 0 {
			cells += columns
		}
		if cells > maxTableCells {
			return newsdesk.Errorf(newsdesk.EINVALID, "The post's tables have more than %d cells.", maxTableCells)
		}
	}
	return nil
}

// containers counts the block quotes and list items that line opens
// with its markers: ">", and "-", "+", "*", "1." or "1)" before a space.
func containers(line string) int {
	n := 0
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '>':
			n++
			i++
		case (c == '-' || c == '+' || c == '*') && i+1 < len(line) && (line[i+1] == ' ' || line[i+1] == '\t'):
			n++
			i += 2
		case c >= '0' && c <= '9':
			j := i
			for j < len(line) && j-i < 9 && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j+1 >= len(line) || (line[j] != '.' && line[j] != ')') || (line[j+1] != ' ' && line[j+1] != '\t') {
				return n
			}
			n++
			i = j + 2
		default:
			return n
		}
	}
	return n
}

// heading reports whether line starts an ATX heading: one to six "#"
// and then a space or the end of the line.
func heading(line string) bool {
	n := 0
	for n < len(line) && line[n] == '#' {
		n++
	}
	return n >= 1 && n <= 6 && (n == len(line) || line[n] == ' ' || line[n] == '\t' || line[n] == '\n' || line[n] == '\r')
}

// tableDelimiter reports whether line could be the row under a table's
// header ("| --- | :-: |"), as goldmark's table extension reads it, or
// more leniently.
func tableDelimiter(line string) bool {
	dash, other := false, false
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '-':
			dash = true
		case '|', ':':
			other = true
		case ' ', '\t', '\n', '\r', '\f', '\v':
			other = true
		default:
			return false
		}
	}
	return dash && other
}

// tableColumns returns how many cells a table's delimiter row makes:
// one more than its inner pipes.
func tableColumns(row string) int {
	row = strings.TrimSpace(row)
	n := strings.Count(row, "|") + 1
	if strings.HasPrefix(row, "|") {
		n--
	}
	if len(row) > 1 && strings.HasSuffix(row, "|") {
		n--
	}
	return max(n, 1)
}

// longestRun returns the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}
