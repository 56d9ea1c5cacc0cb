package rules

import (
	_ "embed"
	"strings"
)

// pinyinTable is every Han character with its pinyin readings, without
// tones, the common reading first: one line "4e2d zhong" per character,
// in code point order. It is derived from the go-pinyin dictionary
// (TestPinyinTable regenerates and checks it) but read in place by binary
// search: that library builds a 41,000-entry map when the program starts,
// a cost every start paid, while this needs no set-up at all.
//
//go:embed pinyin.txt
var pinyinTable string

// PinyinOf returns the readings of the Han character r, without tones and
// separated by commas, the common one first ("zhong,chong" for 重); "" when
// the table has none.
func PinyinOf(r rune) string {
	t := pinyinTable
	lo, hi := 0, len(t) // the line wanted starts in [lo, hi)
	for lo < hi {
		mid := lo + (hi-lo)/2
		start := strings.LastIndexByte(t[lo:mid], '\n') + 1 + lo
		end := strings.IndexByte(t[start:], '\n') + start
		line := t[start:end]
		sp := strings.IndexByte(line, ' ')
		c := parseHex(line[:sp])
		switch {
		case c == r:
			return line[sp+1:]
		case c < r:
			lo = end + 1
		default:
			hi = start
		}
	}
	return ""
}

// FirstPinyin is the common reading of r, or "".
func FirstPinyin(r rune) string {
	s := PinyinOf(r)
	if i := strings.IndexByte(s, ','); i >= 0 {
		return s[:i]
	}
	return s
}

func parseHex(s string) rune {
	var r rune
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		}
	}
	return r
}
