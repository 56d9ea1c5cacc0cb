package tui_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fieldcase/tui/tuitest"
)

// longPlace is n Chinese characters, all different in each run of ten, as
// an input method commits a long phrase or a scanner types.
func longPlace(n int) string {
	const base = "重庆市渝中区解放碑步行街民族路号门前东侧人行道上"
	rs := []rune(base)
	var b strings.Builder
	for i := range n {
		b.WriteRune(rs[i%len(rs)])
	}
	return b.String()
}

// TestLongChineseTypedInOneWrite types 150 Chinese characters (450 bytes)
// into 违法地点 in one write to a real terminal, without bracketed paste.
// Bubble Tea reads its input 256 bytes at a time; a character cut by that
// boundary used to be dropped.
func TestLongChineseTypedInOneWrite(t *testing.T) {
	requireTmux(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	cli(t, bin, "init", "--data", data, "--officer-id", "wangwu", "--name", "王五", "--cert", "渝城执50010001", "--role", "officer")
	socket := "fieldcase-e2e-typing-" + strconv.Itoa(os.Getpid())
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", socket, "kill-server").Run() })
	run := "exec env LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 " + bin + " --data " + data

	tm := startTmux(t, socket, run)
	tm.waitFor("请选择您的身份", "王五")
	tm.keys("Enter")
	tm.waitFor("请输入口令")
	tm.text(e2ePass)
	tm.keys("Enter")
	tm.waitFor("首页")
	tm.keys("F2")
	tm.waitFor("第 1 步 违法事项")
	tm.text("zdjy")
	tm.waitFor("CG01 占道经营")
	tm.keys("Enter")
	tm.waitFor("第 2 步 当事人")
	tm.keys("F3")
	tm.text("欧阳秋菊")
	tm.keys("Tab", "Tab")
	tm.text(tuitest.ResidentID(t, "50010819880808002"))
	tm.waitFor("号码有效")
	tm.keys("F8")
	tm.waitFor("第 3 步 时间地点")
	place := longPlace(150)
	if len(place) != 450 {
		t.Fatalf("the text is %d bytes, want 450", len(place))
	}
	tm.text(place)
	// The field ends with the last characters typed once all have arrived.
	tm.waitFor(string([]rune(place)[140:]))
	tm.keys("F10")
	tm.waitGone()

	c := onlyCase(t, bin, data, "%d cases stored, want 1")
	if got := c.Content.Place.Text; got != place {
		t.Fatalf("stored %d characters, want 150; first difference at %d:\n%s", len([]rune(got)), firstDiff(got, place), got)
	}
}

func firstDiff(a, b string) int {
	x, y := []rune(a), []rune(b)
	for i := range min(len(x), len(y)) {
		if x[i] != y[i] {
			return i
		}
	}
	return min(len(x), len(y))
}
