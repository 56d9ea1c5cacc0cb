package tui

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"fieldcase/cases/store"
	"fieldcase/tui/present"
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
	st := openTestStore(t, t.TempDir())
	seedStandard(t, st)
	d := newDriver(t, st, "wangwu")
	d.signIn()
	returned, first := seedNotices(t, st)
	if n := unreadInStore(t, st); n != 2 {
		t.Fatalf("%d unread notices in the store, want 2", n)
	}
	d.press("f5")
	d.contains("未读通知 2 条（F6）")

	d.press("f6")
	d.contains("fieldcase 城管执法办案 > 同步通知")
	if n := unreadMarks(d.view()); n != 2 {
		t.Fatalf("%d notices marked 未读, want 2:\n%s", n, d.view())
	}
	if n := unreadInStore(t, st); n != 0 {
		t.Fatalf("opening the notices left %d unread", n)
	}
	// Newest first: the quarantine, the conflict, the rule set.
	v := d.view()
	q, c, r := strings.Index(v, "【设备被隔离】"), strings.Index(v, "【冲突】"), strings.Index(v, "【规则未启用】")
	if q < 0 || c < q || r < c {
		t.Fatalf("notices out of order (%d %d %d):\n%s", q, c, r, v)
	}
	d.contains("关联案件 " + present.ShortID(first.ID))

	// The quarantine names no case: Enter stays here.
	d.press("enter")
	d.contains("> 同步通知")
	if strings.Contains(d.view(), "Enter 打开案件") {
		t.Fatalf("Enter offered on a notice without a case:\n%s", d.view())
	}

	d.press("down", "enter")
	d.contains("> 案件详情")
	d.contains("重庆好味小面馆")
	if d.m.detail().id != returned.ID {
		t.Fatalf("opened %s, want %s", d.m.detail().id, returned.ID)
	}
	d.press("esc")
	d.contains("> 同步通知")
	if n := unreadMarks(d.view()); n != 2 {
		t.Fatalf("back from the case, %d notices marked 未读, want 2:\n%s", n, d.view())
	}
	if !strings.Contains(ansi.Strip(d.view()), "> 未读 2026-11-20 08:30  【冲突】") {
		t.Fatalf("the conflict is no longer selected:\n%s", d.view())
	}

	d.press("f2")
	d.contains("> 案件详情")
	d.contains("张建国")
	// The case's documents and back keep the way home through the notices.
	d.press("f7")
	d.contains("文书")
	d.press("esc")
	d.contains("> 案件详情")
	d.press("esc")
	d.contains("> 同步通知")

	d.press("esc")
	d.contains("> 首页")
	if strings.Contains(d.view(), "未读通知") {
		t.Fatalf("home still counts unread notices:\n%s", d.view())
	}

	// Opened again, nothing is unread; a case opened from the list still
	// goes back to the list.
	d.press("f6")
	if n := unreadMarks(d.view()); n != 0 {
		t.Fatalf("second visit shows %d unread:\n%s", n, d.view())
	}
	d.press("esc", "f3", "enter")
	d.contains("> 案件详情")
	d.press("esc")
	d.contains("> 案件列表")
}

func TestNoticesEmpty(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	addUsers(t, st, officerWang)
	d := newDriver(t, st, "wangwu")
	d.signIn()
	if strings.Contains(d.view(), "未读通知") {
		t.Fatalf("home counts notices the device does not have:\n%s", d.view())
	}
	d.press("f6")
	d.contains("没有同步通知。")
	d.press("enter", "f2", "down") // nothing to open or move to
	d.contains("没有同步通知。")
	d.press("esc")
	d.contains("> 首页")
}

// Every message shows in full, wrapped: scrolling with ↓ reaches the end
// of each, including one taller than the screen, and ↑ goes back to the
// top; PgDn and End reach the last notice.
func TestNoticesScrollShowsWholeMessages(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	addUsers(t, st, officerWang)
	d := newDriver(t, st, "wangwu")
	d.signIn()
	var ns []store.Notice
	for i := range 8 {
		msg := strings.Repeat("HQ 核对本设备第"+strconv.Itoa(i)+"条记录时发现内容与 HQ 副本不一致，", 2+i%3)
		if i == 3 {
			msg = strings.Repeat("很长的说明文字，逐段列出每一处差异。", 60)
		}
		ns = append(ns, store.Notice{Kind: "rejected", At: testNow.Add(time.Duration(i) * time.Minute), Message: msg + "（第" + strconv.Itoa(i) + "条完）"})
	}
	if err := st.Acknowledge(store.Ack{Notices: ns}); err != nil {
		t.Fatal(err)
	}
	d.press("f6")
	seen := map[int]bool{}
	look := func() {
		t.Helper()
		v := d.view()
		checkFits(t, v, 80, 24)
		for i := range ns {
			if strings.Contains(v, "（第"+strconv.Itoa(i)+"条完）") {
				seen[i] = true
			}
		}
	}
	look()
	for range 120 {
		d.press("down")
		look()
	}
	for i := range ns {
		if !seen[i] {
			t.Errorf("the end of notice %d never showed", i)
		}
	}
	if d.m.notes().cursor != len(ns)-1 {
		t.Fatalf("↓ stopped at notice %d of %d", d.m.notes().cursor, len(ns))
	}
	for range 120 {
		d.press("up")
	}
	if d.m.notes().cursor != 0 || d.m.notes().offset != 0 {
		t.Fatalf("↑ stopped at notice %d, line %d", d.m.notes().cursor, d.m.notes().offset)
	}
	d.contains("第 1-19 行")
	d.press("pgdown")
	if d.m.notes().offset != 19 {
		t.Fatalf("PgDn scrolled to line %d, want 19", d.m.notes().offset)
	}
	d.press("end")
	d.contains("（第0条完）") // the oldest is last
	d.press("home")
	d.contains("（第7条完）")
}

// The notices carry hostile text (seedHostile): on every frame, scrolled
// anywhere, nothing overflows and nothing but styling reaches the terminal.
func TestNoticesHostileScroll(t *testing.T) {
	sc := scenario{name: "notices", as: "wangwu", drive: func(d *driver) { d.signIn(); d.press("f6") }}
	for _, size := range [][2]int{{80, 24}, {100, 30}} {
		t.Run(sizeName(size), func(t *testing.T) {
			d := runScenario(t, sc, "hostile", func(t testing.TB, st *store.Store) { seedStandard(t, st); seedHostile(t, st) })
			d.resize(size[0], size[1])
			d.press("end")
			d.contains("【王五]0;pwned[2J】") // inert: the escapes lost their ESC and BEL
			for _, k := range []string{"down", "down", "pgdown", "down", "pgdown", "end", "pgup", "up", "home"} {
				d.press(k)
				checkFits(t, d.view(), size[0], size[1])
				checkInert(t, d.view())
				checkHelpBarWhole(t, d.view())
			}
			d.press("end", "enter") // a case id with hostile text after it
			checkInert(t, d.view())
			checkFits(t, d.view(), size[0], size[1])
		})
	}
}

// A notice that arrives while the screen marks the others read is shown
// as unread too.
func TestArrivedBetween(t *testing.T) {
	mk := func(i int) store.Notice {
		return store.Notice{Kind: "conflict", Message: "第" + strconv.Itoa(i) + "条", At: testNow.Add(time.Duration(i) * time.Minute)}
	}
	newestFirst := func(from, to int) []store.Notice {
		var out []store.Notice
		for i := to; i >= from; i-- {
			out = append(out, mk(i))
		}
		return out
	}
	if got := arrivedBetween(newestFirst(1, 3), newestFirst(1, 5)); got != 2 {
		t.Errorf("under the limit: %d arrived, want 2", got)
	}
	if got := arrivedBetween(newestFirst(1, 3), newestFirst(1, 3)); got != 0 {
		t.Errorf("nothing new: %d arrived", got)
	}
	full := newestFirst(1, noticesLimit)
	if got := arrivedBetween(full, newestFirst(2, noticesLimit+1)); got != 1 {
		t.Errorf("at the limit: %d arrived, want 1", got)
	}
	if got := arrivedBetween(full, full); got != 0 {
		t.Errorf("at the limit, nothing new: %d arrived", got)
	}
	if got := arrivedBetween(full, newestFirst(noticesLimit+1, 2*noticesLimit)); got != noticesLimit {
		t.Errorf("a whole screen new: %d arrived", got)
	}

	// Before: 3 (unread), 2 (read), 1 (unread); 5 and 4 arrived since.
	before := newestFirst(1, 3)
	before[1].Read = true
	after := newestFirst(1, 5)
	for i := range after {
		after[i].Read = true // the store marked every one
	}
	got := unreadSince(before, after)
	want := []bool{true, true, true, false, true}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("unread = %v, want %v", got, want)
		}
	}
}
