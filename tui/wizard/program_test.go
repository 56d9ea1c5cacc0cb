package wizard_test

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"fieldcase/tui"
	"fieldcase/tui/tuitest"
	"fieldcase/tui/wizard"
)

// Choosing a violation through the program records the draft; the result
// arrives asynchronously and the wizard moves on.
func TestProgramWizardFirstSteps(t *testing.T) {
	tm := tuitest.NewProgram(t, "wangwu", true)
	tuitest.WaitOutput(t, tm, "请选择您的身份")
	tuitest.ProgramSignIn(t, tm)
	tuitest.WaitOutput(t, tm, "继续办理")
	tm.Send(tea.KeyMsg{Type: tea.KeyF2})
	tuitest.WaitOutput(t, tm, "第 1 步")
	tuitest.TypeRunes(tm, "占道")
	tuitest.WaitOutput(t, tm, "查找 占道") // the renderer only repaints lines that changed
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	tuitest.WaitOutput(t, tm, "第 2 步")
	tuitest.TypeRunes(tm, "张建")
	tuitest.WaitOutput(t, tm, "张建国")
	tm.Send(tea.KeyMsg{Type: tea.KeyF10})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(tuitest.Wait)).(tui.Model)
	if wizard.CaseID(fm) == "" || wizard.Step(fm) != "party" {
		t.Fatalf("wizard at step %q, case %q", wizard.Step(fm), wizard.CaseID(fm))
	}
	if !strings.Contains(fm.View(), "张建国") {
		t.Fatalf("final frame:\n%s", fm.View())
	}
}
