package tui

import (
	"github.com/mattn/go-runewidth"

	// Pins RUNEWIDTH_EASTASIAN to 0 before charmbracelet/x/ansi reads it.
	_ "fieldcase/tui/narrow"
)

// ForceNarrowAmbiguous makes go-runewidth (used by bubbles' text fields)
// count East Asian ambiguous characters as one cell, as lipgloss and the
// renderer do. Without it a zh_CN locale makes the two disagree and text
// fields shift. Call it before the program starts (and in tests).
func ForceNarrowAmbiguous() {
	runewidth.EastAsianWidth = false
	runewidth.DefaultCondition.EastAsianWidth = false
	// No lookup table is built (nothing we use calls CreateLUT), so the
	// flag takes effect at once.
}
