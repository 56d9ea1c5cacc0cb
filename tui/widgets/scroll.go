package widgets

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/tui/keys"
)

// Scroll moves a scrolled page (the detail, the review, the reader, the
// documents, the figures) by the movement keys of n; it reports whether
// msg was one of them.
func Scroll(vp *viewport.Model, n keys.Nav, msg tea.KeyMsg) bool {
	switch {
	case key.Matches(msg, n.Up):
		vp.ScrollUp(1)
	case key.Matches(msg, n.Down):
		vp.ScrollDown(1)
	case key.Matches(msg, n.PageUp):
		vp.PageUp()
	case key.Matches(msg, n.PageDown):
		vp.PageDown()
	case key.Matches(msg, n.Top):
		vp.GotoTop()
	case key.Matches(msg, n.Bottom):
		vp.GotoBottom()
	default:
		return false
	}
	return true
}
