package tui_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"fieldcase/cases/store"
	"fieldcase/tui/tuitest"
	"fieldcase/tui/widgets"
)

// Every screen, with long Chinese names and hostile text (terminal
// escapes, bidi overrides) in the store, at 80×24 and 100×30: no line
// overflows and nothing but styling reaches the terminal.
func TestEveryScreenFitsAndIsInert(t *testing.T) {
	seed := func(t testing.TB, st *store.Store) {
		tuitest.SeedStandard(t, st)
		tuitest.SeedHostile(t, st)
	}
	for _, profile := range []termenv.Profile{termenv.Ascii, termenv.ANSI256} {
		lipgloss.SetColorProfile(profile)
		for _, size := range [][2]int{{80, 24}, {100, 30}} {
			for _, sc := range scenarios {
				name := sc.Name + "/" + tuitest.ProfileName(profile) + "/" + tuitest.SizeName(size)
				t.Run(name, func(t *testing.T) {
					d := tuitest.RunScenario(t, sc, "hostile", seed)
					d.Resize(size[0], size[1])
					v := d.View()
					tuitest.CheckFits(t, v, size[0], size[1])
					tuitest.CheckInert(t, v)
					if profile == termenv.Ascii && strings.Contains(v, "\x1b") {
						t.Fatal("an escape sequence under the ASCII profile")
					}
					tuitest.CheckHelpKeysUnique(t, d)
					tuitest.CheckHelpBarWhole(t, v)
				})
			}
		}
	}
	lipgloss.SetColorProfile(termenv.Ascii)
}

// Issue 15 item 8: with RUNEWIDTH_EASTASIAN=1 in the environment (a zh_CN
// setup), every width function still counts “” as one cell each, so the
// suggestion's lines keep their width. Run in a child process: the
// libraries read the variable when the program starts.
func TestEastAsianEnvironmentKeepsQuotesNarrow(t *testing.T) {
	if os.Getenv("FIELDCASE_WIDTH_CHILD") == "1" {
		s := "“情节较轻”"
		if w := ansi.StringWidth(s); w != 10 {
			t.Fatalf("ansi.StringWidth(%q) = %d, want 10", s, w)
		}
		if w := lipgloss.Width(s); w != 10 {
			t.Fatalf("lipgloss.Width(%q) = %d, want 10", s, w)
		}
		if got := widgets.Pad(s, 12); ansi.StringWidth(got) != 12 || !strings.HasPrefix(got, s) {
			t.Fatalf("Pad(%q, 12) = %q", s, got)
		}
		if got := ansi.Truncate(s, 10, ""); got != s {
			t.Fatalf("Truncate to its own width cut it: %q", got)
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestEastAsianEnvironmentKeepsQuotesNarrow$", "-test.count=1")
	cmd.Env = append(os.Environ(), "RUNEWIDTH_EASTASIAN=1", "FIELDCASE_WIDTH_CHILD=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("under RUNEWIDTH_EASTASIAN=1: %v\n%s", err, out)
	}
}
