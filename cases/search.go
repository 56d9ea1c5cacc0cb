package cases

import (
	"strings"
	"unicode"

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
func PinyinReadings(s string) (full, initials []string) {
	var syllables [][]string
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.Is(unicode.Han, r):
			if py := rules.PinyinOf(r); py != "" {
				syllables = append(syllables, strings.Split(py, ","))
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			syllables = append(syllables, []string{string(r)})
		}
	}
	if len(syllables) == 0 {
		return nil, nil
	}
	reading := func(pos, alt int) (string, string) {
		var f, i strings.Builder
		for k, ss := range syllables {
			s := ss[0]
			if k == pos {
				s = ss[alt]
			}
			f.WriteString(s)
			i.WriteString(s[:1])
		}
		return f.String(), i.String()
	}
	f, i := reading(-1, 0)
	full, initials = []string{f}, []string{i}
	for pos, ss := range syllables {
		for alt := 1; alt < len(ss) && len(full) < maxReadings; alt++ {
			f, i := reading(pos, alt)
			full, initials = append(full, f), append(initials, i)
		}
	}
	return dedupe(full), dedupe(initials)
}

func dedupe(ss []string) []string {
	out := ss[:0]
	seen := map[string]bool{}
	for _, s := range ss {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// NormalizeSearch folds a query the way SearchTerms folds indexed text.
func NormalizeSearch(q string) string {
	return strings.ToLower(strings.Join(strings.Fields(CleanLine(q)), ""))
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
	return dedupe(terms)
}
