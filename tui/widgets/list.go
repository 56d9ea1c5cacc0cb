package widgets

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"fieldcase/cases"
	"fieldcase/tui/styles"
)

// A searchable list (the case list, the reviewer's queue) keeps one Target
// per loaded row and shows Rows: all of them in the order given, or those
// the query finds, in the same order, with the matched runes to highlight.
//
// A row is found the way party search finds a party (cases.BeginsTerm): the
// folded query is part of a column's text (张建国 by 建国, a place by its
// street), or begins one of the row's terms (pinyin rjg or ranjianguo, an
// ID number's first digits, the case number). Nothing looser: a scattered
// subsequence (zxm in an unrelated company's pinyin, CG34 in CG35's row)
// finds nothing.

// Target is one row of a searchable list as search sees it: the text of its
// searchable columns joined by spaces, where each of the first three
// columns starts (in runes), and the terms it is found by.
type Target struct {
	Text  string
	Start [3]int
	Terms []string
	// Lit is the column highlighted whole when a term found the row (the
	// party, whose name the pinyin spells).
	Lit int
}

// NewTarget joins the two highlighted columns and the rest search reads
// (the third column, or more words to find the row by); terms are what the
// row is also found by prefix, such as cases.CaseTerms. A row found by a
// term lights its second column.
func NewTarget(first, second, rest string, terms []string) Target {
	t := Target{Terms: terms, Lit: 1}
	t.Start[1] = len([]rune(first)) + 1
	t.Start[2] = t.Start[1] + len([]rune(second)) + 1
	t.Text = first + " " + second + " " + rest
	return t
}

// Row is a row shown in a searchable list: its index among the targets,
// with the runes search matched.
type Row struct {
	I     int
	Match []int
}

// Search shows the targets listed in order that the query q finds, in that
// order; an empty query shows every one.
func Search(q string, targets []Target, order []int) []Row {
	var rows []Row
	q = cases.NormalizeSearch(q)
	for _, i := range order {
		if q == "" {
			rows = append(rows, Row{I: i})
			continue
		}
		if m, ok := targets[i].find(q); ok {
			rows = append(rows, Row{I: i, Match: m})
		}
	}
	return rows
}

// find matches the folded query q against t: the runes of the first place
// its text holds q (spaces and case folded as NormalizeSearch folds them),
// or, if only a term begins with q, the runes of the lit column.
func (t Target) find(q string) ([]int, bool) {
	runes := []rune(t.Text)
	var folded []rune
	var at []int // at[k] is the rune of Text folded[k] came from
	for i, r := range runes {
		if unicode.IsSpace(r) {
			continue
		}
		folded = append(folded, unicode.ToLower(r))
		at = append(at, i)
	}
	if k := strings.Index(string(folded), q); k >= 0 {
		k = utf8.RuneCountInString(string(folded)[:k])
		n := utf8.RuneCountInString(q)
		m := make([]int, n)
		for j := range m {
			m[j] = at[k+j]
		}
		return m, true
	}
	if !cases.BeginsTerm(q, t.Terms) {
		return nil, false
	}
	from, to := t.Start[t.Lit], len(runes)
	if t.Lit < 2 {
		to = t.Start[t.Lit+1] - 1
	}
	var m []int
	for i := from; i < to; i++ {
		m = append(m, i)
	}
	return m, true
}

// All is every index below n, in order.
func All(n int) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	return order
}

// Column is column k (0, 1 or 2; the last runs to the end of the text) of
// t, cut to w cells, with the row's matches in it highlighted in match and
// the rest in base, padded to w.
func (t Target) Column(k int, r Row, w int, base, match lipgloss.Style) string {
	runes := []rune(t.Text)
	from, to := t.Start[k], len(runes)
	if k < 2 {
		to = t.Start[k+1] - 1
	}
	var idx []int
	for _, m := range r.Match {
		if m >= from && (k == 2 || m < t.Start[k+1]) {
			idx = append(idx, m-from)
		}
	}
	s, idx := TruncateRunes(string(runes[from:to]), idx, w)
	out := Highlight(s, idx, base, match)
	if n := ansi.StringWidth(s); n < w {
		out += base.Render(strings.Repeat(" ", w-n))
	}
	return out
}

// SearchBox is the search field of a searchable list. While it is active
// letters go to it (the screen is Typing); Esc clears and closes it, Enter
// closes it keeping what was found.
type SearchBox struct {
	input  textinput.Model
	Active bool
}

// NewSearchBox returns a closed, empty search field.
func NewSearchBox(st *styles.Styles, placeholder string, limit int) SearchBox {
	return SearchBox{input: NewInput(st, placeholder, limit)}
}

// Open activates the field.
func (b *SearchBox) Open() tea.Cmd {
	b.Active = true
	return b.input.Focus()
}

// Key takes a key while the field is active; changed says the query did
// (the list must search again).
func (b *SearchBox) Key(msg tea.KeyMsg) (changed bool, cmd tea.Cmd) {
	switch msg.Type {
	case tea.KeyEsc:
		b.Active = false
		b.input.Blur()
		b.input.SetValue("")
		return true, nil
	case tea.KeyEnter:
		b.Active = false
		b.input.Blur()
		return false, nil
	}
	before := b.input.Value()
	b.input, cmd = b.input.Update(msg)
	return b.input.Value() != before, cmd
}

// Value is the query typed.
func (b SearchBox) Value() string { return b.input.Value() }

// Clear empties the query.
func (b *SearchBox) Clear() { b.input.SetValue("") }

// SetWidth sets the field's width in cells.
func (b *SearchBox) SetWidth(w int) { b.input.Width = w }

// View draws the field.
func (b SearchBox) View() string { return b.input.View() }
