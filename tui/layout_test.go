package tui_test

import (
	"strings"
	"testing"

	"fieldcase/tui/tuitest"
)

// Issue 15 item 8: at 60×20 the suggestion's footer keeps the way forward
// (Enter to the decision) when the help bar must drop keys.
func TestSuggestionAt60KeepsTheWayForward(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.SeedStandard(t, st)
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	tuitest.ToSuggestion(d, false, 2, false)
	d.Resize(60, 20)
	tuitest.CheckFits(t, d.View(), 60, 20)
	lines := strings.Split(d.View(), "\n")
	if foot := lines[len(lines)-1]; !strings.Contains(foot, "Enter 下一步") {
		t.Fatalf("the footer at 60 columns hides the way forward: %q", foot)
	}
}
