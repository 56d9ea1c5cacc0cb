package wizard_test

import (
	"strings"
	"testing"

	"fieldcase/tui/tuitest"
)

// Typing past 违法地点's 200 characters says so at once under the field,
// instead of cutting the text without a word.
func TestPlaceLimitSaysSoAtOnce(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.AddUsers(t, st, tuitest.OfficerWang, tuitest.OfficerZhao)
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	tuitest.ToPlace(d)
	d.Type(strings.Repeat("南坪西路", 50)) // 200: just fits
	if strings.Contains(d.View(), "已达上限") {
		t.Fatalf("200 characters fit, yet the field warns:\n%s", d.View())
	}
	d.Type("三号门前")
	d.Contains("已达上限 200 字：多出的 4 字没有录入")
}
