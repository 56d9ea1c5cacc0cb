package notices_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"fieldcase/cases/store"
	"fieldcase/tui/notices"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
	"fieldcase/tui/tuitest"
)

// unreadMarks counts the notices the screen shows as unread (the head
// lines that begin with 未读, selected or not).
func unreadMarks(view string) int {
	n := 0
	for _, l := range strings.Split(ansi.Strip(view), "\n") {
		if strings.HasPrefix(l, "> 未读 ") || strings.HasPrefix(l, "  未读 ") {
			n++
		}
	}
	return n
}

func unreadInStore(t testing.TB, st *store.Store) int {
	t.Helper()
	ss, err := st.SyncState()
	if err != nil {
		t.Fatal(err)
	}
	return ss.Notices
}

// Home counts the unread notices; F6 shows them, marks them read while
// they keep their 未读 mark on the screen; Enter and F2 open the cases a
// notice names, and Esc there comes back to the notices as they were.
func TestNoticesMarkReadAndOpenCases(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.SeedStandard(t, st)
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	returned, first := tuitest.SeedNotices(t, st)
	if n := unreadInStore(t, st); n != 2 {
		t.Fatalf("%d unread notices in the store, want 2", n)
	}
	d.Press("f5")
	d.Contains("未读通知 2 条（F6）")

	d.Press("f6")
	d.Contains("fieldcase 城管执法办案 > 同步通知")
	if n := unreadMarks(d.View()); n != 2 {
		t.Fatalf("%d notices marked 未读, want 2:\n%s", n, d.View())
	}
	if n := unreadInStore(t, st); n != 0 {
		t.Fatalf("opening the notices left %d unread", n)
	}
	// Newest first: the quarantine, the conflict, the rule set.
	v := d.View()
	q, c, r := strings.Index(v, "【设备被隔离】"), strings.Index(v, "【冲突】"), strings.Index(v, "【规则未启用】")
	if q < 0 || c < q || r < c {
		t.Fatalf("notices out of order (%d %d %d):\n%s", q, c, r, v)
	}
	d.Contains("关联案件 " + present.ShortID(first.ID))

	// The quarantine names no case: Enter stays here.
	d.Press("enter")
	d.Contains("> 同步通知")
	if strings.Contains(d.View(), "Enter 打开案件") {
		t.Fatalf("Enter offered on a notice without a case:\n%s", d.View())
	}

	d.Press("down", "enter")
	d.Contains("> 案件详情")
	d.Contains("重庆好味小面馆")
	if id, _ := d.Screen(screen.Detail).Subject(); id != returned.ID {
		t.Fatalf("opened %s, want %s", id, returned.ID)
	}
	d.Press("esc")
	d.Contains("> 同步通知")
	if n := unreadMarks(d.View()); n != 2 {
		t.Fatalf("back from the case, %d notices marked 未读, want 2:\n%s", n, d.View())
	}
	if !strings.Contains(ansi.Strip(d.View()), "> 未读 2026-11-20 08:30  【冲突】") {
		t.Fatalf("the conflict is no longer selected:\n%s", d.View())
	}

	d.Press("f2")
	d.Contains("> 案件详情")
	d.Contains("张建国")
	// The case's documents and back keep the way home through the notices.
	d.Press("f7")
	d.Contains("文书")
	d.Press("esc")
	d.Contains("> 案件详情")
	d.Press("esc")
	d.Contains("> 同步通知")

	d.Press("esc")
	d.Contains("> 首页")
	if strings.Contains(d.View(), "未读通知") {
		t.Fatalf("home still counts unread notices:\n%s", d.View())
	}

	// Opened again, nothing is unread; a case opened from the list still
	// goes back to the list.
	d.Press("f6")
	if n := unreadMarks(d.View()); n != 0 {
		t.Fatalf("second visit shows %d unread:\n%s", n, d.View())
	}
	d.Press("esc", "f3", "enter")
	d.Contains("> 案件详情")
	d.Press("esc")
	d.Contains("> 案件列表")
}

func TestNoticesEmpty(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.AddUsers(t, st, tuitest.OfficerWang)
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	if strings.Contains(d.View(), "未读通知") {
		t.Fatalf("home counts notices the device does not have:\n%s", d.View())
	}
	d.Press("f6")
	d.Contains("没有同步通知。")
	d.Press("enter", "f2", "down") // nothing to open or move to
	d.Contains("没有同步通知。")
	d.Press("esc")
	d.Contains("> 首页")
}

// Every message shows in full, wrapped: scrolling with ↓ reaches the end
// of each, including one taller than the screen, and ↑ goes back to the
// top; PgDn and End reach the last notice.
func TestNoticesScrollShowsWholeMessages(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.AddUsers(t, st, tuitest.OfficerWang)
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	var ns []store.Notice
	for i := range 8 {
		msg := strings.Repeat("HQ 核对本设备第"+strconv.Itoa(i)+"条记录时发现内容与 HQ 副本不一致，", 2+i%3)
		if i == 3 {
			msg = strings.Repeat("很长的说明文字，逐段列出每一处差异。", 60)
		}
		ns = append(ns, store.Notice{Kind: "rejected", At: tuitest.Now.Add(time.Duration(i) * time.Minute), Message: msg + "（第" + strconv.Itoa(i) + "条完）"})
	}
	if err := st.Acknowledge(store.Ack{Notices: ns}); err != nil {
		t.Fatal(err)
	}
	d.Press("f6")
	seen := map[int]bool{}
	look := func() {
		t.Helper()
		v := d.View()
		tuitest.CheckFits(t, v, 80, 24)
		for i := range ns {
			if strings.Contains(v, "（第"+strconv.Itoa(i)+"条完）") {
				seen[i] = true
			}
		}
	}
	look()
	for range 120 {
		d.Press("down")
		look()
	}
	for i := range ns {
		if !seen[i] {
			t.Errorf("the end of notice %d never showed", i)
		}
	}
	if notices.Cursor(d) != len(ns)-1 {
		t.Fatalf("↓ stopped at notice %d of %d", notices.Cursor(d), len(ns))
	}
	for range 120 {
		d.Press("up")
	}
	if notices.Cursor(d) != 0 || notices.Offset(d) != 0 {
		t.Fatalf("↑ stopped at notice %d, line %d", notices.Cursor(d), notices.Offset(d))
	}
	d.Contains("第 1-19 行")
	d.Press("pgdown")
	if notices.Offset(d) != 19 {
		t.Fatalf("PgDn scrolled to line %d, want 19", notices.Offset(d))
	}
	d.Press("end")
	d.Contains("（第0条完）") // the oldest is last
	d.Press("home")
	d.Contains("（第7条完）")
}

// The notices carry hostile text (seedHostile): on every frame, scrolled
// anywhere, nothing overflows and nothing but styling reaches the terminal.
func TestNoticesHostileScroll(t *testing.T) {
	sc := tuitest.Scenario{Name: "notices", As: "wangwu", Drive: func(d *tuitest.Driver) { d.SignIn(); d.Press("f6") }}
	for _, size := range [][2]int{{80, 24}, {100, 30}} {
		t.Run(tuitest.SizeName(size), func(t *testing.T) {
			d := tuitest.RunScenario(t, sc, "hostile", func(t testing.TB, st *store.Store) { tuitest.SeedStandard(t, st); tuitest.SeedHostile(t, st) })
			d.Resize(size[0], size[1])
			d.Press("end")
			d.Contains("【王五]0;pwned[2J】") // inert: the escapes lost their ESC and BEL
			for _, k := range []string{"down", "down", "pgdown", "down", "pgdown", "end", "pgup", "up", "home"} {
				d.Press(k)
				tuitest.CheckFits(t, d.View(), size[0], size[1])
				tuitest.CheckInert(t, d.View())
				tuitest.CheckHelpBarWhole(t, d.View())
			}
			d.Press("end", "enter") // a case id with hostile text after it
			tuitest.CheckInert(t, d.View())
			tuitest.CheckFits(t, d.View(), size[0], size[1])
		})
	}
}
