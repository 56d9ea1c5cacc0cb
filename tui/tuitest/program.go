package tuitest

import (
	"bytes"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"fieldcase/tui"
	"fieldcase/tui/styles"
)

// The real Bubble Tea program (teatest): keys go through the program's
// input loop, commands run on its goroutines, and the frames are read from
// its output. Waits poll the output for text.

const Wait = 10 * time.Second

func NewProgram(t *testing.T, as string, seed bool) *teatest.TestModel {
	t.Helper()
	st := OpenStore(t, t.TempDir())
	if seed {
		SeedStandard(t, st)
	}
	m := tui.New(tui.Options{Store: st, As: as, Clock: Clock, Styles: styles.New(false)})
	return teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
}

func WaitOutput(t *testing.T, tm *teatest.TestModel, want string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte(want))
	}, teatest.WithDuration(Wait), teatest.WithCheckInterval(20*time.Millisecond))
}

// TypeRunes sends CJK the way a terminal delivers an IME commit: one
// KeyRunes message (tm.Type would split it into bytes).
func TypeRunes(tm *teatest.TestModel, s string) {
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)})
}

// ProgramSignIn chooses the highlighted user and types the passphrase,
// which shows as asterisks only.
func ProgramSignIn(t *testing.T, tm *teatest.TestModel) {
	t.Helper()
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	WaitOutput(t, tm, "请输入口令")
	TypeRunes(tm, Pass)
	WaitOutput(t, tm, strings.Repeat("*", len(Pass)))
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
}
