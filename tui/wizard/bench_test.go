package wizard_test

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/tui/screen"
	"fieldcase/tui/tuitest"
	"fieldcase/tui/wizard"
)

// BenchmarkPartySearchKeystroke: one character typed into the party search
// of the wizard: update, the index query it starts (store.SearchParties),
// its answer, and the view.
func BenchmarkPartySearchKeystroke(b *testing.B) {
	st := tuitest.BenchStore(b)
	d := tuitest.New(b, st, "wangwu")
	d.SignIn()
	// Straight to the party step: choosing a violation would record a
	// draft, and the benchmark store must stay as built.
	d.Send(screen.Navigate{To: screen.Wizard, Fresh: true})
	d.Run(wizard.EnterStep(d, "party"))
	d.Type("张")
	keys := []tea.KeyMsg{{Type: tea.KeyRunes, Runes: []rune("建")}, {Type: tea.KeyBackspace}}
	i := 0
	for b.Loop() {
		d.Send(keys[i%2])
		_ = d.View()
		i++
	}
	if wizard.PartyResults(d) == 0 {
		b.Fatal("the search found nothing")
	}
}
