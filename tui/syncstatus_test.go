package tui

import (
	"strings"
	"testing"
	"time"
)

// The home screen shows a running background sync and its failure, without
// moving the rest of the layout, and reads its figures again after a round.
func TestHomeShowsBackgroundSync(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	addUsers(t, st, officerWang)
	d := newDriver(t, st, "")
	d.signIn() // sign in
	d.contains("上次同步")
	before := strings.Count(d.view(), "\n")

	d.send(SyncStatus{Enrolled: true, Running: true, Phase: "推送", Done: 3, Total: 10})
	d.contains("正在同步：推送 3/10")
	if got := strings.Count(d.view(), "\n"); got != before {
		t.Fatalf("sync status moved the layout: %d lines, was %d", got, before)
	}

	d.send(SyncStatus{Enrolled: true, LastError: "无法连接 HQ"})
	d.contains("同步未完成，将自动重试：无法连接 HQ")

	// A quarantined device is not retried: the line says who can help.
	d.send(SyncStatus{Enrolled: true, Quarantined: true, LastError: "案件 c1 事件 e9 签名不符"})
	d.contains("本设备已被 HQ 隔离，同步已停止")
	d.contains("（原因见同步通知，按 F6 查看）") // whole at 80 columns
	if strings.Contains(d.view(), "将自动重试") {
		t.Fatalf("quarantine shown as a retry:\n%s", d.view())
	}

	d.send(SyncStatus{Enrolled: true, Running: true, Phase: "拉取"})
	d.send(SyncStatus{Enrolled: true, Finished: time.Now()})
	if strings.Contains(d.view(), "正在同步") || strings.Contains(d.view(), "同步未完成") {
		t.Fatalf("finished round still shown:\n%s", d.view())
	}

	// A device without HQ shows nothing extra.
	d.send(SyncStatus{})
	if strings.Contains(d.view(), "同步未完成") {
		t.Fatal("unenrolled device shows a sync error")
	}
}

func TestLogScrubsQuotedValuesAndNumbers(t *testing.T) {
	in := `party.phone: 电话号码 "13800138000" 格式不正确; 身份证号 11010519491231002X 校验码不符; 当事人「张三」`
	got := scrubForLog(in)
	for _, leak := range []string{"13800138000", "11010519491231002X", "张三"} {
		if strings.Contains(got, leak) {
			t.Errorf("log keeps %q: %s", leak, got)
		}
	}
	if !strings.Contains(got, "格式不正确") || !strings.Contains(got, "party.phone") {
		t.Errorf("log lost the message itself: %s", got)
	}
}
