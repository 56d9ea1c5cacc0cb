package widgets

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"fieldcase/tui/styles"
)

// Tabs is a row of tabs: the active one in brackets, so it reads without
// colour, the others spaced the same; a tab that cannot be chosen now is
// drawn faint.
type Tabs struct {
	Labels []string
	Active int
	Off    []bool // faint: not available (may be nil)
}

// View draws the row, starting one cell in.
func (t Tabs) View(st *styles.Styles) string {
	parts := make([]string, len(t.Labels))
	for i, l := range t.Labels {
		switch {
		case i == t.Active:
			parts[i] = st.Tabs.Active.Render("[" + l + "]")
		case i < len(t.Off) && t.Off[i]:
			parts[i] = st.Faint.Render(" " + l + " ")
		default:
			parts[i] = st.Tabs.Inactive.Render(" " + l + " ")
		}
	}
	return " " + strings.Join(parts, " ")
}

// At finds the tab drawn at column x.
func (t Tabs) At(x int) (int, bool) {
	pos := 1
	for i, l := range t.Labels {
		w := ansi.StringWidth(l) + 2
		if x >= pos && x < pos+w {
			return i, true
		}
		pos += w + 1
	}
	return 0, false
}
