package present

import (
	"strings"

	"github.com/sahilm/fuzzy"

	"fieldcase/rules"
	"fieldcase/tui/widgets"
)

// CatalogHit is one catalog item found by a query, with the runes of its
// label ("CG01 占道经营") to highlight.
type CatalogHit struct {
	Item  rules.Item
	Label string
	Match []int // rune indexes into Label
}

// ItemLabel is how a catalog item is named in lists.
func ItemLabel(it rules.Item) string { return it.Code + " " + it.Name }

// SearchCatalog finds items for a query the way officers type it: the rule
// set's own search first (code, Chinese, full pinyin or initials: "zdjy"
// finds 占道经营), then, if that finds nothing, a fuzzy match over code and
// name, which forgives skipped characters ("占经" still finds 占道经营).
func SearchCatalog(rs *rules.RuleSet, q string) []CatalogHit {
	q = strings.TrimSpace(q)
	if q == "" {
		items := rs.Items()
		out := make([]CatalogHit, len(items))
		for i, it := range items {
			out[i] = CatalogHit{Item: it, Label: ItemLabel(it)}
		}
		return out
	}
	items := rs.Search(q)
	if len(items) > 0 {
		out := make([]CatalogHit, len(items))
		for i, it := range items {
			out[i] = CatalogHit{Item: it, Label: ItemLabel(it)}
			out[i].Match = HighlightFor(q, out[i].Label)
		}
		return out
	}
	all := rs.Items()
	labels := make([]string, len(all))
	for i, it := range all {
		labels[i] = ItemLabel(it)
	}
	var out []CatalogHit
	for _, m := range fuzzy.Find(q, labels) {
		out = append(out, CatalogHit{Item: all[m.Index], Label: m.Str, Match: widgets.RuneIndexes(m.Str, m.MatchedIndexes)})
	}
	return out
}

// HighlightFor returns the runes of label that q matches literally
// (Chinese or code), or none when q matched through pinyin.
func HighlightFor(q, label string) []int {
	ms := fuzzy.Find(q, []string{label})
	if len(ms) == 0 {
		ms = fuzzy.Find(strings.ToUpper(q), []string{label})
	}
	if len(ms) == 0 {
		return nil
	}
	return widgets.RuneIndexes(label, ms[0].MatchedIndexes)
}
