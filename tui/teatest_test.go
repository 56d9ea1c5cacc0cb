package tui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"fieldcase/tui/screen"
	"fieldcase/tui/styles"
)

// These tests run the real Bubble Tea program (teatest): keys go through
// the program's input loop, commands run on its goroutines, and the frames
// are read from its output. Waits poll the output for text.

const teatestWait = 10 * time.Second

func newProgram(t *testing.T, as string, seed bool) *teatest.TestModel {
	t.Helper()
	st := openTestStore(t, t.TempDir())
	if seed {
		seedStandard(t, st)
	}
	m := New(Options{Store: st, As: as, Clock: testClock, Styles: styles.New(false)})
	return teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
}

func waitOutput(t *testing.T, tm *teatest.TestModel, want string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte(want))
	}, teatest.WithDuration(teatestWait), teatest.WithCheckInterval(20*time.Millisecond))
}

// typeRunes sends CJK the way a terminal delivers an IME commit: one
// KeyRunes message (tm.Type would split it into bytes).
func typeRunes(tm *teatest.TestModel, s string) {
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)})
}

// programSignIn chooses the highlighted user and types the passphrase,
// which shows as asterisks only.
func programSignIn(t *testing.T, tm *teatest.TestModel) {
	t.Helper()
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitOutput(t, tm, "请输入口令")
	typeRunes(tm, testPass)
	waitOutput(t, tm, strings.Repeat("*", len(testPass)))
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
}

// q typed into a text field is text, not "quit": the program keeps running
// and the field holds the q.
func TestProgramQInTextFieldDoesNotQuit(t *testing.T) {
	tm := newProgram(t, "", false)
	waitOutput(t, tm, "欢迎使用")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'q'}})
	typeRunes(tm, "王q")
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	typeRunes(tm, "张三q")
	waitOutput(t, tm, "张三q")
	tm.Send(tea.KeyMsg{Type: tea.KeyF10})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(teatestWait)).(Model)
	if got := fm.signin().form.Value("id"); got != "q王q" {
		t.Fatalf("officer id field holds %q", got)
	}
	if got := fm.signin().form.Value("name"); got != "张三q" {
		t.Fatalf("name field holds %q", got)
	}
	teatest.RequireEqualOutput(t, []byte(fm.View()))
}

// waitOutput reads what the program wrote since the last wait: only lines
// that changed are written again, so wait for what the last key changed.

// Sign in and reach the home screen through the real program; the final
// frame is compared with its golden.
func TestProgramSignInToHome(t *testing.T) {
	tm := newProgram(t, "wangwu", true)
	waitOutput(t, tm, "请选择您的身份")
	programSignIn(t, tm)
	waitOutput(t, tm, "继续办理")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'q'}}) // no field focused: quits
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(teatestWait)).(Model)
	if fm.active != screen.Home || !fm.home().loaded {
		t.Fatalf("ended on view %q", fm.active)
	}
	teatest.RequireEqualOutput(t, []byte(normalise(fm.View())))
}

// Choosing a violation through the program records the draft; the result
// arrives asynchronously and the wizard moves on.
func TestProgramWizardFirstSteps(t *testing.T) {
	tm := newProgram(t, "wangwu", true)
	waitOutput(t, tm, "请选择您的身份")
	programSignIn(t, tm)
	waitOutput(t, tm, "继续办理")
	tm.Send(tea.KeyMsg{Type: tea.KeyF2})
	waitOutput(t, tm, "第 1 步")
	typeRunes(tm, "占道")
	waitOutput(t, tm, "查找 占道") // the renderer only repaints lines that changed
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitOutput(t, tm, "第 2 步")
	typeRunes(tm, "张建")
	waitOutput(t, tm, "张建国")
	tm.Send(tea.KeyMsg{Type: tea.KeyF10})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(teatestWait)).(Model)
	if fm.wiz().caseID == "" || fm.wiz().step != stepParty {
		t.Fatalf("wizard at step %d, case %q", fm.wiz().step, fm.wiz().caseID)
	}
	if !strings.Contains(fm.View(), "张建国") {
		t.Fatalf("final frame:\n%s", fm.View())
	}
}
