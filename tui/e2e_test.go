package tui_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/tui/tuitest"
)

// The end-to-end test drives the built binary in a real terminal: tmux at
// 80×24, Chinese typed through `send-keys -l` (as an IME commits it), the
// screen read with capture-pane. It records a whole case, killing the
// program half-way to show the draft comes back, and checks the stored case
// with the command line. It waits by polling the screen for text, never by
// timing.

// e2eDeadline bounds every wait; a slow CI machine only makes it slower.
const e2eDeadline = 30 * time.Second

var tmuxSessions atomic.Int64

type tmuxTerm struct {
	t      *testing.T
	socket string // a tmux server of the test's own (-L), never the user's
	name   string
}

func requireTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is needed for the end-to-end test (apt-get install tmux; .ci/run installs it)")
	}
}

// startTmux runs command in a new detached 80×24 tmux session.
func startTmux(t *testing.T, socket, command string) *tmuxTerm {
	t.Helper()
	name := "fieldcase-e2e-" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(tmuxSessions.Add(1), 10)
	tm := &tmuxTerm{t: t, socket: socket, name: name}
	tm.run("-L", socket, "new-session", "-d", "-s", name, "-x", "80", "-y", "24", command)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", socket, "kill-session", "-t", name).Run() })
	return tm
}

func (tm *tmuxTerm) parts() (socket, name string) { return tm.socket, tm.name }

func (tm *tmuxTerm) run(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", args...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// keys sends tmux key names (Enter, Tab, F8, Right…).
func (tm *tmuxTerm) keys(names ...string) {
	tm.t.Helper()
	s, n := tm.parts()
	for _, k := range names {
		tm.run(append([]string{"-L", s, "send-keys", "-t", n}, k)...)
	}
}

// text sends literal text in one burst, as an IME commit arrives.
func (tm *tmuxTerm) text(s string) {
	tm.t.Helper()
	sock, n := tm.parts()
	tm.run("-L", sock, "send-keys", "-t", n, "-l", s)
}

func (tm *tmuxTerm) screen() string {
	sock, n := tm.parts()
	out, err := exec.Command("tmux", "-L", sock, "capture-pane", "-p", "-t", n).CombinedOutput()
	if err != nil {
		return ""
	}
	return string(out)
}

// waitFor polls the screen until it shows every want.
func (tm *tmuxTerm) waitFor(want ...string) string {
	tm.t.Helper()
	deadline := time.Now().Add(e2eDeadline)
	for {
		s := tm.screen()
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(s, w)
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the screen never showed %q; last screen:\n%s", want, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitGone polls until the session has ended (the program exited).
func (tm *tmuxTerm) waitGone() {
	tm.t.Helper()
	sock, n := tm.parts()
	deadline := time.Now().Add(e2eDeadline)
	for exec.Command("tmux", "-L", sock, "has-session", "-t", n).Run() == nil {
		if time.Now().After(deadline) {
			tm.t.Fatalf("the program did not exit; last screen:\n%s", tm.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (tm *tmuxTerm) panePID() int {
	tm.t.Helper()
	sock, n := tm.parts()
	out := tm.run("-L", sock, "display-message", "-p", "-t", n, "#{pane_pid}")
	pid, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		tm.t.Fatalf("pane pid %q: %v", out, err)
	}
	return pid
}

// checkScreen: every captured line fits the 80 columns.
func checkScreen(t *testing.T, s string) {
	t.Helper()
	tuitest.CheckFits(t, strings.TrimRight(s, "\n"), 80, 24)
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "fieldcase")
	cmd := exec.Command("go", "build", "-o", bin, "fieldcase/cmd/fieldcase")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// e2ePass is the users' passphrase in the end-to-end test.
const e2ePass = "e2e-口令-2026"

func cli(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "FIELDCASE_PASSPHRASE="+e2ePass, "FIELDCASE_NEW_PASSPHRASE="+e2ePass)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("%s %s: %v\n%s%s", bin, strings.Join(args, " "), err, out, stderr)
	}
	return string(out)
}

func TestEndToEndInTmux(t *testing.T) {
	requireTmux(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	cli(t, bin, "init", "--data", data, "--officer-id", "wangwu", "--name", "王五", "--cert", "渝城执50010001", "--role", "officer")
	cli(t, bin, "init", "--data", data, "--officer-id", "zhaoliu", "--name", "赵六", "--cert", "渝城执50010002", "--role", "officer")
	photo := filepath.Join(dir, "现场照片.jpg")
	if err := os.WriteFile(photo, []byte("JPEG evidence bytes"), 0o600); err != nil {
		t.Fatal(err)
	}
	socket := "fieldcase-e2e-" + strconv.Itoa(os.Getpid())
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", socket, "kill-server").Run() })
	// A Chinese locale: the program must still count ambiguous-width
	// characters as one cell.
	run := "exec env LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 " + bin + " --data " + data

	tm := startTmux(t, socket, run)
	checkScreen(t, tm.waitFor("请选择您的身份", "王五"))
	tm.keys("Enter")
	tm.waitFor("请输入口令", "王五（wangwu，执法队员）")
	tm.text("wrong-passphrase")
	tm.keys("Enter")
	checkScreen(t, tm.waitFor("口令不正确（还可尝试 4 次）"))
	tm.text(e2ePass)
	if s := tm.waitFor(strings.Repeat("*", len([]rune(e2ePass)))); strings.Contains(s, e2ePass) {
		t.Fatalf("the passphrase is shown:\n%s", s)
	}
	tm.keys("Enter")
	checkScreen(t, tm.waitFor("首页", "今日发生"))
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
	checkScreen(t, tm.waitFor("号码有效"))
	tm.keys("F8")
	tm.waitFor("第 3 步 时间地点")
	tm.text("南岸区南坪西路 3 号门前")
	tm.waitFor("南岸区南坪西路 3 号门前")

	// Kill the program here, without a chance to save.
	if err := exec.Command("kill", "-9", strconv.Itoa(tm.panePID())).Run(); err != nil {
		t.Fatal(err)
	}
	tm.waitGone()

	tm = startTmux(t, socket, run)
	tm.waitFor("请选择您的身份")
	tm.keys("Enter")
	tm.waitFor("请输入口令")
	tm.text(e2ePass)
	tm.keys("Enter")
	checkScreen(t, tm.waitFor("已恢复上次未完成的案件", "第 3 步 时间地点"))
	tm.keys("C-u")
	tm.text("南岸区南坪西路 3 号门前")
	tm.keys("F8")
	tm.waitFor("第 4 步 事实与证据")
	tm.text("当事人在人行道上摆摊销售蔬菜，占用人行道约2平方米，经劝导当场收摊。")
	tm.keys("Tab", "Tab")
	tm.text(filepath.Join(dir, "现场"))
	tm.keys("Tab")
	tm.waitFor("现场照片.jpg")
	tm.keys("Enter")
	checkScreen(t, tm.waitFor("1. 视听资料  现场照片.jpg"))
	tm.keys("F8")
	tm.waitFor("第 5 步 情节")
	tm.keys("Right", "Down", "Right", "Down", "Right")
	tm.waitFor("[没有]")
	tm.keys("F8")
	checkScreen(t, tm.waitFor("不 予 处 罚（轻微不罚）", "应当不予行政处罚"))
	// Ctrl+L locks: nothing of the case shows; the passphrase returns here.
	tm.keys("C-l")
	locked := tm.waitFor("屏幕已锁定", "当前登录：王五")
	checkScreen(t, locked)
	for _, hidden := range []string{"欧阳秋菊", "不 予 处 罚", "南坪西路", "CG01"} {
		if strings.Contains(locked, hidden) {
			t.Fatalf("the lock screen shows %q:\n%s", hidden, locked)
		}
	}
	tm.text(e2ePass)
	tm.keys("Enter")
	checkScreen(t, tm.waitFor("不 予 处 罚（轻微不罚）", "应当不予行政处罚"))
	tm.keys("Enter")
	tm.waitFor("第 7 步 处理决定")
	tm.keys("Enter")
	tm.waitFor("第 8 步 执法人员", "[赵六]")
	tm.keys("F8")
	checkScreen(t, tm.waitFor("第 9 步 核对提交", "各项已填写完整"))
	tm.keys("Enter")
	checkScreen(t, tm.waitFor("提交后即为立案"))
	tm.keys("Enter")
	checkScreen(t, tm.waitFor("已提交审核：CG01 占道经营 欧阳秋菊"))
	tm.keys("F10")
	tm.waitGone()

	c := onlyCase(t, bin, data, "%d cases stored, want 1 (the kill must not have made a second)")
	want := map[string][2]string{
		"status":    {string(c.Status), string(cases.StatusSubmitted)},
		"violation": {c.Content.Violation, "CG01"},
		"party":     {c.Content.Party.Name, "欧阳秋菊"},
		"place":     {c.Content.Place.Text, "南岸区南坪西路 3 号门前"},
		"facts":     {c.Content.Facts, "当事人在人行道上摆摊销售蔬菜，占用人行道约2平方米，经劝导当场收摊。"},
		"officer2":  {officerName(c, 1), "赵六"},
		"created":   {c.CreatedBy.ID, "wangwu"},
	}
	for k, v := range want {
		if v[0] != v[1] {
			t.Errorf("%s = %q, want %q", k, v[0], v[1])
		}
	}
	if len(c.Content.Evidence) != 1 || filepath.Base(c.Content.Evidence[0].Path) != "现场照片.jpg" || len(c.Content.Evidence[0].SHA256) != 64 {
		t.Errorf("evidence: %+v", c.Content.Evidence)
	}
	if c.Choice == nil || !c.Choice.Follow || c.Suggestion == nil || c.Suggestion.Decision.Outcome != "not_punishable" {
		t.Errorf("decision: %+v / %+v", c.Choice, c.Suggestion)
	}
}

func officerName(c cases.Case, i int) string {
	if i < len(c.Content.Officers) {
		return c.Content.Officers[i].Name
	}
	return ""
}

// onlyCase is the one case the officer's device holds, as the command line
// shows it; more or fewer is a failure, said with why (a %d for the count).
func onlyCase(t *testing.T, bin, data, why string) cases.Case {
	t.Helper()
	var list []cases.Case
	if err := json.Unmarshal([]byte(cli(t, bin, "case", "list", "--json", "--data", data, "--as", "wangwu")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Fatalf(why, len(list))
	}
	var c cases.Case
	if err := json.Unmarshal([]byte(cli(t, bin, "case", "show", list[0].ID, "--json", "--data", data, "--as", "wangwu")), &c); err != nil {
		t.Fatal(err)
	}
	return c
}
