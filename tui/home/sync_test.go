package home_test

import (
	"strings"
	"testing"
	"time"

	"fieldcase/tui"
	"fieldcase/tui/tuitest"
)

// The home screen shows a running background sync and its failure, without
// moving the rest of the layout, and reads its figures again after a round.
func TestHomeShowsBackgroundSync(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.AddUsers(t, st, tuitest.OfficerWang)
	d := tuitest.New(t, st, "")
	d.SignIn() // sign in
	d.Contains("上次同步")
	before := strings.Count(d.View(), "\n")

	d.Send(tui.SyncStatus{Enrolled: true, Running: true, Phase: "推送", Done: 3, Total: 10})
	d.Contains("正在同步：推送 3/10")
	if got := strings.Count(d.View(), "\n"); got != before {
		t.Fatalf("sync status moved the layout: %d lines, was %d", got, before)
	}

	d.Send(tui.SyncStatus{Enrolled: true, LastError: "无法连接 HQ"})
	d.Contains("同步未完成，将自动重试：无法连接 HQ")

	// A quarantined device is not retried: the line says who can help.
	d.Send(tui.SyncStatus{Enrolled: true, Quarantined: true, LastError: "案件 c1 事件 e9 签名不符"})
	d.Contains("本设备已被 HQ 隔离，同步已停止")
	d.Contains("（原因见同步通知，按 F6 查看）") // whole at 80 columns
	if strings.Contains(d.View(), "将自动重试") {
		t.Fatalf("quarantine shown as a retry:\n%s", d.View())
	}

	d.Send(tui.SyncStatus{Enrolled: true, Running: true, Phase: "拉取"})
	d.Send(tui.SyncStatus{Enrolled: true, Finished: time.Now()})
	if strings.Contains(d.View(), "正在同步") || strings.Contains(d.View(), "同步未完成") {
		t.Fatalf("finished round still shown:\n%s", d.View())
	}

	// A device without HQ shows nothing extra.
	d.Send(tui.SyncStatus{})
	if strings.Contains(d.View(), "同步未完成") {
		t.Fatal("unenrolled device shows a sync error")
	}
}
