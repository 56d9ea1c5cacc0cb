// Package bgprobe keeps the program from asking the terminal for its
// background colour when nothing will use the answer.
//
// Bubble Tea's package initialisation asks (lipgloss.HasDarkBackground:
// an OSC 11 query and a cursor report, then reading the replies) so that
// the replies come before a program takes the terminal. Every command paid
// that round trip, and a terminal that answers slowly held up even
// `fieldcase --version`. Only the TUI with colours uses the answer. This
// package's path sorts before every github.com package, so Go (1.21 and
// later initialise ready packages in import-path order) runs its init
// right after lipgloss's and before Bubble Tea's, and settles the question
// without asking when the command line is not the TUI or NO_COLOR is set.
package bgprobe

import (
	"os"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

func init() {
	if !StartsTUI(os.Args[1:]) || os.Getenv("NO_COLOR") != "" {
		lipgloss.SetHasDarkBackground(true) // no colour is drawn: the value is never used
	}
}

// StartsTUI reports whether a command line (without the program name)
// starts the terminal interface: no arguments, or flags only, but not
// --version or --help.
func StartsTUI(args []string) bool {
	if len(args) == 0 {
		return true
	}
	switch args[0] {
	case "--version", "-version", "-h", "--help", "-help":
		return false
	}
	return strings.HasPrefix(args[0], "-")
}
