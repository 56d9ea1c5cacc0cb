package signin_test

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"fieldcase/tui"
	"fieldcase/tui/signin"
	"fieldcase/tui/tuitest"
)

// q typed into a text field is text, not "quit": the program keeps running
// and the field holds the q.
func TestProgramQInTextFieldDoesNotQuit(t *testing.T) {
	tm := tuitest.NewProgram(t, "", false)
	tuitest.WaitOutput(t, tm, "欢迎使用")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'q'}})
	tuitest.TypeRunes(tm, "王q")
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	tuitest.TypeRunes(tm, "张三q")
	tuitest.WaitOutput(t, tm, "张三q")
	tm.Send(tea.KeyMsg{Type: tea.KeyF10})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(tuitest.Wait)).(tui.Model)
	if got := signin.FormField(fm, "id"); got != "q王q" {
		t.Fatalf("officer id field holds %q", got)
	}
	if got := signin.FormField(fm, "name"); got != "张三q" {
		t.Fatalf("name field holds %q", got)
	}
	teatest.RequireEqualOutput(t, []byte(fm.View()))
}
