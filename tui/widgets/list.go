package widgets

import (
	"strings"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/sahilm/fuzzy"

	"fieldcase/tui/styles"
)

// A searchable list (the case list, the reviewer's queue) keeps one Target
// per loaded row and shows Rows: all of them, or those a fuzzy query
// matched, with the matched runes to highlight in the first columns.

// Target is one row of a searchable list as fuzzy search sees it: the text
// of its searchable columns joined by spaces, and where each of the first
// three columns starts (in runes).
type Target struct {
	Text  string
	Start [3]int
}

// NewTarget joins the two highlighted columns and the rest search reads
// (the third column, or more words to find the row by).
func NewTarget(first, second, rest string) Target {
	var t Target
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

// Search shows the targets listed in order that match the query q, best
// first; an empty query shows every one in order.
// sahilm/fuzzy reports byte offsets; they are turned into rune indexes
// here, before any highlighting, or a match on 三 in 张三 would light up the
// wrong cell.
func Search(q string, targets []Target, order []int) []Row {
	var rows []Row
	if q = strings.TrimSpace(q); q == "" {
		for _, i := range order {
			rows = append(rows, Row{I: i})
		}
		return rows
	}
	for _, m := range fuzzy.FindFrom(q, source{targets, order}) {
		rows = append(rows, Row{I: order[m.Index], Match: RuneIndexes(m.Str, m.MatchedIndexes)})
	}
	return rows
}

// All is every index below n, in order.
func All(n int) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	return order
}

// source lets fuzzy search read the targets in order without copying them.
type source struct {
	targets []Target
	order   []int
}

func (s source) String(i int) string { return s.targets[s.order[i]].Text }
func (s source) Len() int            { return len(s.order) }

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
