package rules

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// searchKey holds what a query is matched against for one item: the code,
// the Chinese name and text, and their pinyin (full and initials), so that
// an officer can type "zdjy" or "zhandao" for 占道经营 without an IME.
type searchKey struct {
	code        string // "cg01"
	name        string
	text        string // description and keywords
	namePinyin  string // "zhandaojingying"
	nameInitial string // "zdjy"
	textPinyin  string
	textInitial string
	kwInitials  []string
	kwPinyins   []string
}

// syllable is the common reading of a Han character, "" when unknown.
func syllable(r rune) string { return FirstPinyin(r) }

// toPinyin returns the full pinyin and the initials of the Han characters of
// s; other letters and digits are kept as they are, lower-cased.
func toPinyin(s string) (full, initials string) {
	var fb, ib strings.Builder
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			syl := syllable(r)
			if syl == "" {
				continue
			}
			fb.WriteString(syl)
			ib.WriteByte(syl[0])
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			lr := unicode.ToLower(r)
			fb.WriteRune(lr)
			ib.WriteRune(lr)
		}
	}
	return fb.String(), ib.String()
}

// searchIndex is a rule set's search keys, made once when first needed.
type searchIndex struct {
	once sync.Once
	keys []searchKey
}

func (rs *RuleSet) searchKeys() []searchKey {
	rs.search.once.Do(rs.buildSearch)
	return rs.search.keys
}

func (rs *RuleSet) buildSearch() {
	rs.search.keys = make([]searchKey, len(rs.items))
	for i := range rs.items {
		it := &rs.items[i]
		k := &rs.search.keys[i]
		k.code = strings.ToLower(it.Code)
		k.name = strings.ToLower(it.Name)
		k.text = strings.ToLower(it.Description + " " + strings.Join(it.Keywords, " "))
		k.namePinyin, k.nameInitial = toPinyin(it.Name)
		k.textPinyin, k.textInitial = toPinyin(it.Description)
		for _, kw := range it.Keywords {
			p, in := toPinyin(kw)
			k.kwPinyins = append(k.kwPinyins, p)
			k.kwInitials = append(k.kwInitials, in)
		}
	}
}

var codeQueryRe = regexp.MustCompile(`^(cg)?0*([0-9]{1,4})$`)

// Search finds catalog items by code ("cg08", "CG8", "8"), by Chinese
// substring of the name, description or keywords, and by pinyin, full or
// initials ("zdjy", "zhandao"). Results are ranked: exact code, then name
// matches before description matches, exact before prefix before substring,
// ties in code order. An empty query returns nothing.
func (rs *RuleSet) Search(query string) []Item {
	q := strings.ToLower(strings.TrimSpace(query))
	q = strings.Join(strings.Fields(q), "")
	if q == "" {
		return nil
	}
	codeQ := ""
	if m := codeQueryRe.FindStringSubmatch(q); m != nil {
		n, _ := strconv.Atoi(m[2])
		codeQ = strings.ToLower(codeOf(n))
	}
	type hit struct {
		i     int
		score int
	}
	var hits []hit
	keys := rs.searchKeys()
	for i := range keys {
		if s := keys[i].score(q, codeQ); s > 0 {
			hits = append(hits, hit{i, s})
		}
	}
	sort.SliceStable(hits, func(a, b int) bool { return hits[a].score > hits[b].score })
	out := make([]Item, len(hits))
	for j, h := range hits {
		out[j] = rs.items[h.i]
	}
	return out
}

func codeOf(n int) string {
	if n < 10 {
		return "CG0" + strconv.Itoa(n)
	}
	return "CG" + strconv.Itoa(n)
}

func (k *searchKey) score(q, codeQ string) int {
	best := 0
	try := func(s int, ok bool) {
		if ok && s > best {
			best = s
		}
	}
	try(100, codeQ != "" && k.code == codeQ)
	try(90, strings.HasPrefix(q, "cg") && strings.HasPrefix(k.code, q))
	// Chinese text.
	try(85, k.name == q)
	try(80, strings.HasPrefix(k.name, q))
	try(70, strings.Contains(k.name, q))
	try(45, strings.Contains(k.text, q))
	// Pinyin needs at least two letters to mean anything.
	if len(q) >= 2 && isASCIIAlnum(q) {
		try(78, k.nameInitial == q)
		try(75, k.namePinyin == q)
		try(68, strings.HasPrefix(k.nameInitial, q))
		try(66, strings.HasPrefix(k.namePinyin, q))
		try(60, strings.Contains(k.nameInitial, q))
		try(58, len(q) >= 3 && strings.Contains(k.namePinyin, q))
		for j := range k.kwInitials {
			try(55, k.kwInitials[j] == q || k.kwPinyins[j] == q)
			try(50, strings.HasPrefix(k.kwInitials[j], q) || strings.HasPrefix(k.kwPinyins[j], q))
		}
		try(30, len(q) >= 3 && strings.Contains(k.textInitial, q))
		try(25, len(q) >= 4 && strings.Contains(k.textPinyin, q))
	}
	return best
}

func isASCIIAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
