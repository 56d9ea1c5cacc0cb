package tui_test

import (
	"testing"

	"fieldcase/tui/tuitest"
)

func TestResizeKeepsEveryLineInside(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.SeedStandard(t, st)
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	tuitest.ToSuggestion(d, true, 1, false)
	for _, size := range [][2]int{{100, 30}, {80, 24}, {120, 40}, {80, 24}} {
		d.Resize(size[0], size[1])
		tuitest.CheckFits(t, d.View(), size[0], size[1])
	}
}
