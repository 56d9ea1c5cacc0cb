package cases

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// Officers search parties the way they type on a street: Chinese characters,
// full pinyin or pinyin initials (zs → 张三), ID numbers and credit codes.

// maxReadings caps the pinyin variants of one name. Polyphonic characters
// (重 zhong/chong) give variants; we keep the default reading and every
// reading that differs from it in one character, which covers 重庆 = cq
// without the product of all readings of a long company name.
const maxReadings = 12

var pinyinArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Heteronym = true
	return a
}()

// PinyinReadings returns the full-pinyin and initial-letter spellings of s
// (non-Han letters and digits kept as they are), the default reading first.
func PinyinReadings(s string) (full, initials []string) {
	var syllables [][]string
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.Is(unicode.Han, r):
			if py := pinyin.Pinyin(string(r), pinyinArgs); len(py) > 0 && len(py[0]) > 0 {
				syllables = append(syllables, py[0])
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
	return dedupe(append(terms, id))
}
