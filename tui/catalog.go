package tui

import (
	"strings"

	"github.com/sahilm/fuzzy"

	"fieldcase/rules"
	"fieldcase/tui/widgets"
)

// catalogHit is one catalog item found by a query, with the runes of its
// label ("CG01 占道经营") to highlight.
type catalogHit struct {
	item  rules.Item
	label string
	match []int // rune indexes into label
}

// itemLabel is how a catalog item is named in lists.
func itemLabel(it rules.Item) string { return it.Code + " " + it.Name }

// searchCatalog finds items for a query the way officers type it: the rule
// set's own search first (code, Chinese, full pinyin or initials: "zdjy"
// finds 占道经营), then, if that finds nothing, a fuzzy match over code and
// name, which forgives skipped characters ("占经" still finds 占道经营).
func searchCatalog(rs *rules.RuleSet, q string) []catalogHit {
	q = strings.TrimSpace(q)
	if q == "" {
		items := rs.Items()
		out := make([]catalogHit, len(items))
		for i, it := range items {
			out[i] = catalogHit{item: it, label: itemLabel(it)}
		}
		return out
	}
	items := rs.Search(q)
	if len(items) > 0 {
		out := make([]catalogHit, len(items))
		for i, it := range items {
			out[i] = catalogHit{item: it, label: itemLabel(it)}
			out[i].match = highlightFor(q, out[i].label)
		}
		return out
	}
	all := rs.Items()
	labels := make([]string, len(all))
	for i, it := range all {
		labels[i] = itemLabel(it)
	}
	var out []catalogHit
	for _, m := range fuzzy.Find(q, labels) {
		out = append(out, catalogHit{item: all[m.Index], label: m.Str, match: widgets.RuneIndexes(m.Str, m.MatchedIndexes)})
	}
	return out
}

// highlightFor returns the runes of label that q matches literally
// (Chinese or code), or none when q matched through pinyin.
func highlightFor(q, label string) []int {
	ms := fuzzy.Find(q, []string{label})
	if len(ms) == 0 {
		ms = fuzzy.Find(strings.ToUpper(q), []string{label})
	}
	if len(ms) == 0 {
		return nil
	}
	return widgets.RuneIndexes(label, ms[0].MatchedIndexes)
}
