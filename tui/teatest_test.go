package tui_test

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"fieldcase/tui"
	"fieldcase/tui/screen"
	"fieldcase/tui/tuitest"
)

// These tests run the real Bubble Tea program (teatest): keys go through
// the program's input loop, commands run on its goroutines, and the frames
// are read from its output. Waits poll the output for text.

// waitOutput reads what the program wrote since the last wait: only lines
// that changed are written again, so wait for what the last key changed.

// Sign in and reach the home screen through the real program; the final
// frame is compared with its golden.
func TestProgramSignInToHome(t *testing.T) {
	tm := tuitest.NewProgram(t, "wangwu", true)
	tuitest.WaitOutput(t, tm, "请选择您的身份")
	tuitest.ProgramSignIn(t, tm)
	tuitest.WaitOutput(t, tm, "继续办理")
	// No field focused: q asks, a second q quits.
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'q'}})
	tuitest.WaitOutput(t, tm, "再按一次 q 退出")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'q'}})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(tuitest.Wait)).(tui.Model)
	if fm.Active() != screen.Home || strings.Contains(fm.View(), "正在读取") {
		t.Fatalf("ended on view %q", fm.Active())
	}
	teatest.RequireEqualOutput(t, []byte(tuitest.Normalise(fm.View())))
}
