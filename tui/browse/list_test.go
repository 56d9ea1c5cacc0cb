package browse_test

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/tui/browse"
	"fieldcase/tui/tuitest"
)

// The list reads a page at a time and the next when the officer reaches
// the end.
func TestCaseListPages(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.AddUsers(t, st, tuitest.OfficerWang, tuitest.OfficerZhao)
	tuitest.FillCases(t, st, 230, 50)
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	d.Press("f3")
	d.Contains("已加载 100 件")
	d.Contains("还有更早的案件")
	d.Press("end")
	d.Contains("已加载 200 件")
	d.Press("end")
	d.Contains("已加载 230 件")
	if strings.Contains(d.View(), "还有更早的案件") {
		t.Fatal("the end of the store still offers more")
	}
}

func TestCaseListMouse(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.SeedStandard(t, st)
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	d.Press("f3")
	row := 1 + browse.ListTop + 1 // below the header line: the second row
	click := tea.MouseMsg{X: 12, Y: row, Action: tea.MouseActionPress, Button: tea.MouseButtonLeft}
	d.Send(click)
	if browse.Cursor(d) != 1 {
		t.Fatalf("click selected row %d", browse.Cursor(d))
	}
	d.Send(click)
	d.Contains("案件详情")
	d.Send(tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonWheelDown})
}
