package tui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// ClockAt is the clock reading at t, as the root's timer delivers it (for
// the package's tests).
func ClockAt(t time.Time) tea.Msg { return clockMsg(t) }

// CutTail is cutTail, for the input tests.
var CutTail = cutTail
