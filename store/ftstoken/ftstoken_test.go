package ftstoken

import (
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// hostile are texts where a tokenizer that is merely close to FTS5's
// would differ from it.
var hostile = []string{
	"",
	" ",
	"\x00",
	"a\x00b",
	"\x00\x00abc\x00def\x00",
	"Hello, World!",
	"The quick brown fox jumps over the lazy dog.",
	"running runner runs ran happily happiness relational conditional",
	"caresses ponies ties caress cats feed agreed plastered bled motoring sing",
	"conflated troubled sized hopping tanned falling hissing fizzed failing filing",
	"happy sky generalization oscillators triplicate formative formalize electriciti electrical hopeful goodness",
	"revival allowance inference airliner gyroscopic adjustable defensible irritant replacement adjustment dependent adoption homologou communism activate angulariti homologous effective bowdlerize",
	"probate rate cease controll roll",
	"aing eing ying yed yes ies sses ss s is as us",
	"a ab abc abcd",
	"Café naïve résumé façade coöperate Ångström Øresund Łódź Šibenik",
	"CAFÉ NAÏVE RÉSUMÉ",
	"ﬁnance ﬂow œuvre Æsir æther Œdipus ĳssel", // ligatures
	"Straße STRASSE ß ẞ",
	"İstanbul ıstanbul Iİıi DİYARBAKIR",
	"東京都 北京 서울 ひらがな カタカナ 中文字符",
	"emoji 😀 👍🏽 🇬🇧 family 👨‍👩‍👧 smile😀face",
	"abc123 123abc 3.14 1,000,000 ①②③ ٣٤٥ ⅣⅫ",
	"don't it's O'Brien rock’n’roll l’homme",
	"e-mail well-known state-of-the-art – — ‐ ‑",
	"under_score snake_case_word",
	"e\u0301 cafe\u0301 n\u0303o a\u0308b \u0301start x\u0300\u0301\u0302\u0303\u0304y",
	"\u0300 \u0336 \u0337 \u0338 a\u0336b a\u0338b a\u0305b a\u0350b",
	"Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３",
	"Ελληνικά ΣΊΣΥΦΟΣ ς σ Σ ΐ ΰ",
	"Русский ЁЛКА ёлка Українська ЇЖАК",
	"עברית עִבְרִית العربية اَلْعَرَبِيَّةُ",
	"हिन्दी देवनागरी ไทย ภาษาไทย",
	"ǅemal ǈubljana ǋ",
	"Kelvin K Å Ω",
	"𐐀𐐁𐐂 Deseret 𐐨",
	"𝐀𝐁𝐂 𝔄𝔅 mathematical",
	"\uE000\uE001 private \U000F0000 \U00100000 \U0010FFFD",
	"\u0378 \u0380 unassigned \U000E0001 \U0001FAFF \U000300FF",
	"tab\there\nnewline\r\nwindows\u00a0nbsp\u2003emspace\u200bzwsp\u200dzwj\ufeffbom",
	"soft\u00adhyphen",
	strings.Repeat("a", 64) + " " + strings.Repeat("b", 63) + "s " + strings.Repeat("c", 65) + "ing",
	strings.Repeat("running", 9) + " " + strings.Repeat("é", 32) + "s " + strings.Repeat("é", 33),
	strings.Repeat("x", 40000),
	strings.Repeat("é", 40000), // folds to 40,000 bytes
	"ab" + strings.Repeat("ж", 16383) + "c",
	"a" + strings.Repeat("Ж", 16384), // cut inside a character
	strings.Repeat("東", 10923),       // and again
	"\xff\xfe invalid \xc3 \xc3\x28 \xa0\xa1 \xe2\x82 \xe2\x28\xa1 \xf0\x90\x28\xbc \xf8\xa1\xa1\xa1\xa1 \xfc\xa1\xa1\xa1\xa1\xa1",
	"a\x85b a\xaab a\xb5b \xaa\xba \xc0\x80 \xc1\xbf \xe0\x80\x80 \xed\xa0\x80 \xef\xbf\xbe \xef\xbf\xbf",
	"x\xf7\xbf\xbf\xbfy x\xf4\x90\x80\x80y x\xfb\xbf\xbf\xbf\xbfy x\xfd\xbf\xbf\xbf\xbf\xbfy x\xf0\xbf\xbf\xbf\xbf\xbf\xbf\xbf\xbfy",
	"\xc3",
	"abc\xe2",
	"ÀÉÎÕÜ àéîõü ĀĒĪŌŪ ǍǏǑǓ ḀḁẞỲỳ",
	"Ǆ ǆ ǅ Ǳ ǲ ǳ",
	"ﬀ ﬃ ﬄ ﬅ ﬆ",
	"ⓐⓑⓒ ⒶⒷⒸ ⅰⅱⅲ ⅠⅡⅢ",
}

func TestHostile(t *testing.T) {
	o := openOracle(t)
	n := o.compare(t, hostile)
	t.Logf("%d hostile texts, %d tokens agree with FTS5", len(hostile), n)
}

// TestEveryCodePoint compares every code point, and some values past
// Unicode that invalid UTF-8 yields, on its own, between two letters, and
// before one: which tells token characters, diacritics (which continue a
// token but do not start one) and separators apart, and folds each.
func TestEveryCodePoint(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	o := openOracle(t)
	var texts []string
	var b []byte
	n := 0
	flush := func() {
		texts = append(texts, string(b))
		b = b[:0]
		if len(texts) == 64 {
			n += o.compare(t, texts)
			texts = texts[:0]
		}
	}
	for c := rune(1); c <= utf8.MaxRune; c++ {
		if c >= 0xD800 && c <= 0xDFFF {
			continue
		}
		b = append(b, ' ')
		b = utf8.AppendRune(b, c)
		b = append(b, " q"...)
		b = utf8.AppendRune(b, c)
		b = append(b, "q "...)
		b = utf8.AppendRune(b, c)
		b = append(b, 'q')
		if c%2048 == 0 {
			flush()
		}
	}
	// Four-byte forms past U+10FFFF, and surrogates encoded in three.
	for _, s := range []string{"\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xf7\xbf\xbf\xbf", "\xed\xa0\x80", "\xed\xbf\xbf"} {
		b = append(b, " "+s+" q"+s+"q "+s+"q"...)
	}
	flush()
	if len(texts) > 0 {
		n += o.compare(t, texts)
	}
	t.Logf("%d tokens agree with FTS5", n)
}

// TestBBC compares every word of the BBC news corpus (2,225 articles).
func TestBBC(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "data", "related", "bbc")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("BBC corpus not found at %s: %v", dir, err)
	}
	o := openOracle(t)
	var texts []string
	n, docs := 0, 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".txt") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		texts = append(texts, string(b))
		docs++
		if len(texts) == 256 {
			n += o.compare(t, texts)
			texts = texts[:0]
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(texts) > 0 {
		n += o.compare(t, texts)
	}
	if docs == 0 {
		t.Skipf("no .txt files under %s", dir)
	}
	t.Logf("%d BBC articles, %d tokens agree with FTS5", docs, n)
}

// TestMixed compares texts stuck together at random from pieces of the
// hostile texts, to reach the joins between them: a diacritic after a
// digit, invalid UTF-8 inside a word about to be stemmed, and the like.
func TestMixed(t *testing.T) {
	var pieces []string
	for _, s := range hostile {
		if len(s) > 1000 {
			continue
		}
		for f := range strings.FieldsSeq(s) {
			pieces = append(pieces, f)
			for len(f) > 0 { // and each character, or invalid byte, alone
				_, n := utf8.DecodeRuneInString(f)
				pieces = append(pieces, f[:n])
				f = f[n:]
			}
		}
	}
	pieces = append(pieces, " ", "-", "'", "\u0301", "ing", "ed", "es", "ies", "ational", "y", "\xcc", "\x81")
	rng := rand.New(rand.NewPCG(1, 2))
	o := openOracle(t)
	n := 0
	for range 10 {
		texts := make([]string, 200)
		for i := range texts {
			var b strings.Builder
			for range 1 + rng.IntN(30) {
				b.WriteString(pieces[rng.IntN(len(pieces))])
			}
			texts[i] = b.String()
		}
		n += o.compare(t, texts)
	}
	t.Logf("%d tokens agree with FTS5", n)
}

func TestTerm(t *testing.T) {
	for _, tc := range []struct{ word, want string }{
		{"Running", "run"},
		{"relational", "relat"},
		{"Café", "cafe"},
		{"STRASSE", "strass"},
		{"ponies", "poni"},
		{"", ""},
		{"--", ""},
		{"e-mail", "e"},
		{"  Hopefulness!", "hope"},
	} {
		if got := Term(tc.word); got != tc.want {
			t.Errorf("Term(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}

func TestTokensOffsets(t *testing.T) {
	text := "Ça va? «Très» bien, MERCI."
	var got []string
	for _, tk := range Tokens(nil, text) {
		got = append(got, tk.Term+"="+text[tk.Start:tk.End])
	}
	want := "ca=Ça va=va tre=Très bien=bien merci=MERCI"
	if strings.Join(got, " ") != want {
		t.Errorf("Tokens(%q) = %q, want %q", text, strings.Join(got, " "), want)
	}
}

var (
	fuzzOnce   sync.Once
	fuzzOracle *oracle
	fuzzErr    error
)

func FuzzTokens(f *testing.F) {
	for _, s := range hostile {
		if len(s) < 1000 {
			f.Add(s)
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		// One database for the whole run of this process: opening one
		// per input would cost more than the comparison.
		fuzzOnce.Do(func() { fuzzOracle, fuzzErr = newOracle() })
		if fuzzErr != nil {
			t.Fatal(fuzzErr)
		}
		fuzzOracle.compare(t, []string{text})
	})
}

// paragraph is 1,300-odd bytes of news English, the kind of text Tokens
// gets for snippets.
const paragraph = `The government has announced plans to overhaul the country's railway network, promising faster journeys and more reliable services for millions of commuters. Ministers said the programme, which will cost an estimated £35bn over the next decade, would modernise signalling systems, electrify hundreds of miles of track and replace ageing trains. Critics, however, questioned whether the timetable was realistic, pointing out that previous upgrades had run years behind schedule and billions of pounds over budget. "We have heard promises like these before," said a spokeswoman for the passengers' association. "What travellers want is trains that turn up on time, not another glossy brochure." The transport secretary insisted that lessons had been learned, and that independent engineers would review every stage of the work. Industry leaders welcomed the investment, saying it would create thousands of skilled jobs and help the economy recover from the recent slowdown. Environmental groups were more cautious: they argued that cutting fares would do more to persuade drivers to leave their cars at home than building new lines. The opposition described the announcement as a rehash of existing commitments and called for a full debate in parliament before any contracts were signed.`

func BenchmarkTokens(b *testing.B) {
	b.SetBytes(int64(len(paragraph)))
	b.ReportAllocs()
	var toks []Token
	for b.Loop() {
		toks = Tokens(toks[:0], paragraph)
	}
}
