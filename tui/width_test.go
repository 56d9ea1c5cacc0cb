package tui_test

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"fieldcase/cases/store"
	"fieldcase/tui/tuitest"
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
