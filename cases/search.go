package cases

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"fieldcase/rules"
)

// Officers search parties the way they type on a street: Chinese characters,
// full pinyin or pinyin initials (zs → 张三), ID numbers and credit codes.

// maxReadings caps the pinyin variants of one name. Polyphonic characters
// (重 zhong/chong) give variants; we keep the default reading and every
// reading that differs from it in one character, which covers 重庆 = cq
// without the product of all readings of a long company name.
const maxReadings = 12

// PinyinReadings returns the full-pinyin and initial-letter spellings of s
// (non-Han letters and digits kept as they are), the default reading first.
// The spellings are written one after another into one buffer and handed
// out as parts of it: the party index calls this for every party.
func PinyinReadings(s string) (full, initials []string) {
	type syllable struct {
		readings string // comma-separated, the common one first
		n        int
	}
	var buf [24]syllable
	syllables := buf[:0]
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.Is(unicode.Han, r):
			if py := rules.PinyinOf(r); py != "" {
				syllables = append(syllables, syllable{py, strings.Count(py, ",") + 1})
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			syllables = append(syllables, syllable{string(r), 1})
		}
	}
	if len(syllables) == 0 {
		return nil, nil
	}
	var b strings.Builder
	b.Grow(len(syllables) * 8 * 2)
	type span struct{ full, init [2]int }
	var spans []span
	reading := func(pos, alt int) {
		var sp span
		sp.full[0] = b.Len()
		for k, sy := range syllables {
			b.WriteString(nthReading(sy.readings, alt, k == pos))
		}
		sp.full[1] = b.Len()
		sp.init[0] = b.Len()
		for k, sy := range syllables {
			b.WriteByte(nthReading(sy.readings, alt, k == pos)[0])
		}
		sp.init[1] = b.Len()
		spans = append(spans, sp)
	}
	reading(-1, 0)
	for pos, sy := range syllables {
		for alt := 1; alt < sy.n && len(spans) < maxReadings; alt++ {
			reading(pos, alt)
		}
	}
	text := b.String()
	full, initials = make([]string, 0, len(spans)), make([]string, 0, len(spans))
	for _, sp := range spans {
		full = appendNew(full, text[sp.full[0]:sp.full[1]])
		initials = appendNew(initials, text[sp.init[0]:sp.init[1]])
	}
	return full, initials
}

// nthReading is the alt-th of comma-separated readings when chosen, else
// the first.
func nthReading(readings string, alt int, chosen bool) string {
	if !chosen {
		alt = 0
	}
	for ; alt > 0; alt-- {
		readings = readings[strings.IndexByte(readings, ',')+1:]
	}
	if i := strings.IndexByte(readings, ','); i >= 0 {
		return readings[:i]
	}
	return readings
}

// appendNew appends s unless it is empty or already there.
func appendNew(ss []string, s string) []string {
	if s == "" || slices.Contains(ss, s) {
		return ss
	}
	return append(ss, s)
}

// NormalizeSearch folds a query the way SearchTerms folds indexed text.
func NormalizeSearch(q string) string {
	if searchNormal(q) {
		return q
	}
	return strings.ToLower(strings.Join(strings.Fields(CleanLine(q)), ""))
}

// searchNormal is NormalizeSearch's fast path: q holds only printable
// ASCII other than spaces and capitals, and Han characters, which nothing
// in it changes.
func searchNormal(q string) bool {
	for _, r := range q {
		switch {
		case r < utf8.RuneSelf:
			if r <= ' ' || r >= 0x7f || r >= 'A' && r <= 'Z' {
				return false
			}
		case r == utf8.RuneError || !unicode.Is(unicode.Han, r):
			return false
		}
	}
	return true
}

// SearchTerms are the keys under which a party can be found by prefix: its
// name and every suffix of it (so 三 finds 张三), its pinyin and initials,
// its ID number, credit code and phone.
func SearchTerms(p Party) []string {
	var terms []string
	name := NormalizeSearch(p.Name)
	rs := []rune(name)
	for i := range rs {
		terms = append(terms, string(rs[i:]))
	}
	full, inits := PinyinReadings(name)
	terms = append(terms, full...)
	terms = append(terms, inits...)
	for _, s := range []string{p.IDNumber, p.USCC, p.Phone} {
		if s = NormalizeSearch(s); s != "" {
			terms = append(terms, s)
		}
	}
	out := terms[:0]
	for _, t := range terms {
		out = appendNew(out, t)
	}
	return out
}

// BeginsTerm reports whether the folded query q (NormalizeSearch) begins one
// of terms. It is the one rule by which things are found by what an officer
// types: party search reads its index this way, and the case list and the
// reviewer's queue their rows (with a case's number and its party's terms).
func BeginsTerm(q string, terms []string) bool {
	if q == "" {
		return false
	}
	for _, t := range terms {
		if strings.HasPrefix(t, q) {
			return true
		}
	}
	return false
}

// CaseTerms are the keys a case is found by in a list: its party's terms
// (name, pinyin and initials, ID number, credit code, phone), the case
// number as the screens show it (the id's last eight characters) and the
// whole id.
func CaseTerms(c Case) []string {
	terms := SearchTerms(c.Content.Party)
	id := NormalizeSearch(c.ID)
	if len(id) > 8 {
		terms = append(terms, id[len(id)-8:])
	}
	out := terms[:0:0]
	for _, t := range append(terms, id) {
		out = appendNew(out, t)
	}
	return out
}
