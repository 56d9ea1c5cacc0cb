package browse_test

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/tui/browse"
	"fieldcase/tui/screen"
	"fieldcase/tui/tuitest"
)

// BenchmarkCaseListKeystroke: one cursor move in a loaded page, update and view.
func BenchmarkCaseListKeystroke(b *testing.B) {
	st := tuitest.BenchStore(b)
	d := tuitest.New(b, st, "wangwu")
	d.SignIn()
	d.Press("f3")
	if len(browse.Cases(d)) == 0 {
		b.Fatal("no cases loaded")
	}
	d.Press("down", "down")
	keys := []tea.KeyMsg{{Type: tea.KeyDown}, {Type: tea.KeyUp}}
	i := 0
	for b.Loop() {
		d.Send(keys[i%2])
		_ = d.View()
		i++
	}
}

// BenchmarkCaseListSearchKeystroke: one character typed into the fuzzy
// search over the loaded cases, update and view.
func BenchmarkCaseListSearchKeystroke(b *testing.B) {
	st := tuitest.BenchStore(b)
	d := tuitest.New(b, st, "wangwu")
	d.SignIn()
	d.Press("f3")
	d.Type("/")
	keys := []tea.KeyMsg{{Type: tea.KeyRunes, Runes: []rune("南")}, {Type: tea.KeyBackspace}}
	i := 0
	for b.Loop() {
		d.Send(keys[i%2])
		_ = d.View()
		i++
	}
}

// BenchmarkOpenCase: open a case from the list: read it and its log, and
// draw the detail.
func BenchmarkOpenCase(b *testing.B) {
	st := tuitest.BenchStore(b)
	d := tuitest.New(b, st, "wangwu")
	d.SignIn()
	d.Press("f3")
	ids := make([]string, 0, len(browse.Cases(d)))
	for _, c := range browse.Cases(d) {
		ids = append(ids, c.ID)
	}
	i := 0
	for b.Loop() {
		d.Send(screen.Navigate{To: screen.Detail, CaseID: ids[i%len(ids)]})
		if !browse.DetailLoaded(d) {
			b.Fatal("case not loaded")
		}
		_ = d.View()
		i++
	}
}
