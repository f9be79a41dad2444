package ftstoken

// This file ports what the unicode61 tokenizer takes from SQLite's
// ext/fts5/fts5_unicode2.c and ext/fts5/fts5_tokenize.c: UTF-8 decoding
// and encoding as the READ_UTF8 and WRITE_UTF8 macros do them (invalid
// input included), the category lookup, case folding and diacritic
// removal. The tables are in tables.go.

// utf8Trans1 is sqlite3Utf8Trans1: the payload bits of a lead byte 0xC0+.
var utf8Trans1 = [64]byte{
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x00, 0x01, 0x02, 0x03, 0x00, 0x01, 0x00, 0x00,
}

// readUTF8 is READ_UTF8: it decodes the character at s[i] and returns it
// and the index after it. Like SQLite it takes a stray continuation byte
// as the code point of its own value, lets a lead byte swallow every
// continuation byte that follows (the value wrapping at 32 bits), and
// turns overlong forms, surrogates and U+FFFE/U+FFFF into U+FFFD.
func readUTF8(s string, i int) (uint32, int) {
	c := uint32(s[i])
	i++
	if c >= 0xc0 {
		c = uint32(utf8Trans1[c-0xc0])
		for i < len(s) && s[i]&0xc0 == 0x80 {
			c = c<<6 + uint32(s[i]&0x3f)
			i++
		}
		if c < 0x80 || c&0xFFFFF800 == 0xD800 || c&0xFFFFFFFE == 0xFFFE {
			c = 0xFFFD
		}
	}
	return c, i
}

// appendUTF8 is WRITE_UTF8, which writes any value of 0x10000 and up in
// four bytes, dropping the bits above 21.
func appendUTF8(b []byte, c uint32) []byte {
	switch {
	case c < 0x80:
		return append(b, byte(c))
	case c < 0x800:
		return append(b, 0xC0+byte(c>>6&0x1F), 0x80+byte(c&0x3F))
	case c < 0x10000:
		return append(b, 0xE0+byte(c>>12&0x0F), 0x80+byte(c>>6&0x3F), 0x80+byte(c&0x3F))
	}
	return append(b, 0xF0+byte(c>>18&0x07), 0x80+byte(c>>12&0x3F), 0x80+byte(c>>6&0x3F), 0x80+byte(c&0x3F))
}

// tokenCategory says which of the categories sqlite3Fts5UnicodeCategory
// returns are token characters under the default "L* N* Co". Category 0
// (code points the tables do not list, that is unassigned in SQLite's
// Unicode version, and anything from U+100000 up) is one too:
// sqlite3Fts5UnicodeCatParse sets it whatever the categories are.
var tokenCategory = func() (a [32]bool) {
	for _, c := range []int{0, 5, 6, 7, 8, 9, 30, 13, 14, 15, 31} { // unlisted, L*, N*, Co
		a[c] = true
	}
	return a
}()

// asciiToken is the tokenizer's aTokenChar: for ASCII, the categories
// above as sqlite3Fts5UnicodeAscii works them out, NUL never a token
// character.
var asciiToken = func() (a [128]bool) {
	for c := 1; c < 128; c++ {
		a[c] = tokenCategory[category(uint32(c))]
	}
	return a
}()

// category is sqlite3Fts5UnicodeCategory.
func category(c uint32) int {
	if c >= 1<<20 {
		return 0
	}
	lo := int(unicodeBlock[c>>16])
	hi := int(unicodeBlock[1+c>>16])
	key := uint16(c)
	res := -1
	for hi > lo {
		mid := (hi + lo) / 2
		if key >= unicodeMap[mid] {
			res = mid
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if res < 0 {
		return 0
	}
	if int(key) >= int(unicodeMap[res])+int(unicodeData[res]>>5) {
		return 0
	}
	ret := int(unicodeData[res] & 0x1F)
	if ret != 30 {
		return ret
	}
	if (key-unicodeMap[res])&1 != 0 {
		return 5
	}
	return 9
}

// isTokenChar is fts5UnicodeIsAlnum for a tokenizer with no tokenchars or
// separators options.
func isTokenChar(c uint32) bool { return tokenCategory[category(c)] }

// isDiacritic is sqlite3Fts5UnicodeIsdiacritic: the combining marks that
// continue a token (though they never start one).
func isDiacritic(c uint32) bool {
	const mask0, mask1 = 0x08029FDF, 0x000361F8
	if c < 768 || c > 817 {
		return false
	}
	if c < 768+32 {
		return mask0&(1<<(c-768)) != 0
	}
	return mask1&(1<<(c-768-32)) != 0
}

// fold is sqlite3Fts5UnicodeFold(c, 2). C passes the code point as an int,
// so values from 1<<31 up, which only invalid UTF-8 yields, are negative
// there and take the ASCII branch, which leaves them be.
func fold(c uint32) uint32 {
	switch {
	case int32(c) < 128:
		if c >= 'A' && c <= 'Z' {
			return c + 'a' - 'A'
		}
		return c
	case c < 65536:
		lo, hi, res := 0, len(foldEntry)-1, -1
		for hi >= lo {
			mid := (hi + lo) / 2
			if int(c)-int(foldEntry[mid].code) >= 0 {
				res = mid
				lo = mid + 1
			} else {
				hi = mid - 1
			}
		}
		ret := c
		p := &foldEntry[res]
		if c < uint32(p.code)+uint32(p.nRange) && 0 == 1&uint32(p.flags)&(uint32(p.code)^c) {
			ret = (c + uint32(foldOff[p.flags>>1])) & 0xFFFF
		}
		return removeDiacritic(ret)
	case c >= 66560 && c < 66600:
		return c + 40
	}
	return c
}

// removeDiacritic is fts5_remove_diacritic(c, 1), the "complex" removal of
// remove_diacritics=2. It maps the combining marks themselves to 0, which
// the tokenizer then drops.
func removeDiacritic(c uint32) uint32 {
	key := c<<3 | 7
	lo, hi, res := 0, len(diaKey)-1, 0
	for hi >= lo {
		mid := (hi + lo) / 2
		if key >= uint32(diaKey[mid]) {
			res = mid
			lo = mid + 1
		} else {
			hi = mid - 1
		}
	}
	if c > uint32(diaKey[res]>>3)+uint32(diaKey[res]&7) {
		return c
	}
	return uint32(diaChar[res] & 0x7F)
}
