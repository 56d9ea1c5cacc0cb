package review_test

import (
	"bytes"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"fieldcase/cases"
	"fieldcase/tui"
	"fieldcase/tui/styles"
	"fieldcase/tui/tuitest"
)

// TestReviewerWorksTheQueueInTheProgram runs the real program (teatest): a
// supervisor signs in, lands on the queue, opens the oldest case, returns
// it with a comment typed as one IME commit, and is back on the queue with
// the act confirmed. The final screen is compared with its golden.
func TestReviewerWorksTheQueueInTheProgram(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	s := seedReview(t, st)
	m := tui.New(tui.Options{Store: st, As: "lihua", Clock: tuitest.Clock, Styles: styles.New(false)})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	// wait reads the output until every text has appeared in it.
	wait := func(texts ...string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			for _, s := range texts {
				if !bytes.Contains(b, []byte(s)) {
					return false
				}
			}
			return true
		}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	}
	wait("李华")
	tuitest.ProgramSignIn(t, tm)
	wait("张建国") // the queue has loaded
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	wait("审批流程")
	tm.Send(tea.KeyMsg{Type: tea.KeyF3})
	wait("退回意见")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("请补充当事人陈述和现场照片。")})
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	wait("已记录", "待我审核 2") // confirmed, and the queue reloaded without the case
	tm.Send(tea.KeyMsg{Type: tea.KeyF10})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(tui.Model)
	c, err := st.Get(s.minor)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != cases.StatusReturned || c.Review.Returned.Comment != "请补充当事人陈述和现场照片。" {
		t.Fatalf("the returned case: %s %+v", c.Status, c.Review.Returned)
	}
	golden.RequireEqual(t, []byte(tuitest.Normalise(final.View())+"\n"))
}
