package tui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases/store"
	"fieldcase/cases/store/storefix"
	"fieldcase/tui/screen"
)

// signInScenarios are the passphrase step at 80×24.
var signInScenarios = []scenario{
	{name: "signin_passphrase", as: "wangwu", drive: func(d *driver) {
		d.press("enter")
		d.typeText("abc")
	}},
	{name: "signin_wrong_passphrase", as: "wangwu", drive: func(d *driver) {
		d.press("enter")
		d.typeText("not-my-passphrase")
		d.press("enter")
	}},
	{name: "signin_locked_out", as: "wangwu", drive: func(d *driver) {
		d.press("enter")
		for i := 0; i < 5; i++ {
			d.typeText("not-my-passphrase")
			d.press("enter")
		}
		d.typeText(testPass) // right, but too late
		d.press("enter")
	}},
	{name: "lock_screen", as: "wangwu", drive: func(d *driver) {
		d.signIn()
		openReturned(d)
		d.press("ctrl+l")
	}},
	{name: "lock_screen_wrong", as: "wangwu", drive: func(d *driver) {
		d.signIn()
		d.press("ctrl+l")
		d.typeText("not-my-passphrase")
		d.press("enter")
	}},
}

// TestSignInScreens renders the passphrase step and the lock screen.
func TestSignInScreens(t *testing.T) {
	for _, sc := range signInScenarios {
		t.Run(sc.name, func(t *testing.T) {
			d := runScenario(t, sc, "standard", func(t testing.TB, st *store.Store) { seedStandard(t, st) })
			if strings.Contains(d.view(), testPass) || strings.Contains(d.view(), "not-my-passphrase") {
				t.Fatalf("a passphrase is on the screen:\n%s", d.view())
			}
			d.golden()
		})
	}
}

// A wrong passphrase keeps the picker's user on the passphrase step and
// signs nobody in; the lockout refuses even the right one.
func TestWrongPassphraseAndLockout(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	addUsers(t, st, officerWang, officerZhao)
	d := newDriver(t, st, "wangwu")
	d.press("enter")
	d.typeText("not-my-passphrase")
	d.press("enter")
	d.contains("口令不正确（还可尝试 4 次）")
	if d.m.sh.User.ID != "" || st.Unlocked() {
		t.Fatalf("a wrong passphrase signed in %q (store unlocked %v)", d.m.sh.User.ID, st.Unlocked())
	}
	for i := 0; i < 4; i++ {
		d.typeText("not-my-passphrase")
		d.press("enter")
	}
	d.typeText(testPass)
	d.press("enter")
	d.contains("口令错误次数过多，已暂时锁定，请于")
	if d.m.sh.User.ID != "" || st.Unlocked() {
		t.Fatal("the right passphrase signed in during the lockout")
	}
	// Another user is not locked out.
	d.press("esc", "down", "enter")
	d.typeText(testPass)
	d.press("enter")
	if d.m.sh.User.ID != "zhaoliu" || st.UnlockedAs() != "zhaoliu" {
		t.Fatalf("zhaoliu: signed in as %q", d.m.sh.User.ID)
	}
}

// The idle lock reads the model's clock ticks: input since the last tick
// restarts the count; IdleLock without any locks the screen, in the middle
// of the wizard, and the passphrase returns to the same step with what was
// typed.
func TestIdleLock(t *testing.T) {
	st := openTestStore(t, seededCopy(t, "standard", func(t testing.TB, st *store.Store) { seedStandard(t, st) }))
	d := &driver{t: t, w: 80, h: 24}
	d.m = New(Options{Store: st, As: "wangwu", Clock: testClock, Styles: d.styles(), Tick: noTick, IdleLock: 10 * time.Minute})
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	d.run(d.m.Init())
	at := func(m int) { d.send(clockMsg(testNow.Add(time.Duration(m) * time.Minute))) }
	// Not signed in: no lock however long.
	at(30)
	if d.m.locked {
		t.Fatal("the sign-in screen locked")
	}
	d.signIn()
	toPlace(d)
	d.typeText("南岸区南坪正街 100 号门前")
	at(31) // input since the last tick: the count starts here
	at(40)
	if d.m.locked {
		t.Fatal("locked after 9 minutes")
	}
	d.press("left") // activity
	at(41)
	at(50)
	if d.m.locked {
		t.Fatal("locked 9 minutes after the last key")
	}
	at(51)
	if !d.m.locked {
		t.Fatalf("not locked 10 minutes after the last key:\n%s", d.view())
	}
	d.contains("较长时间无操作，屏幕已自动锁定")
	if v := d.view(); strings.Contains(v, "南坪正街") || strings.Contains(v, "陈小红") {
		t.Fatalf("the lock screen shows case data:\n%s", v)
	}
	// Keys go to the lock screen only.
	d.press("f7")
	d.typeText("not-my-passphrase")
	d.press("enter")
	d.contains("口令不正确（还可尝试 4 次）")
	d.typeText(testPass)
	d.press("enter")
	if d.m.locked || d.m.active != screen.Wizard || d.m.wiz().step != stepPlace {
		t.Fatalf("after unlocking: locked %v, view %q, step %d", d.m.locked, d.m.active, d.m.wiz().step)
	}
	d.contains("南岸区南坪正街 100 号门前")
	d.contains("第 3 步 时间地点")
	// IdleLock 0: never.
	d2 := newDriver(t, openTestStore(t, seededCopy(t, "standard", func(t testing.TB, st *store.Store) { seedStandard(t, st) })), "wangwu")
	d2.signIn()
	for m := 1; m < 200; m += 30 {
		d2.send(clockMsg(testNow.Add(time.Duration(m) * time.Minute)))
	}
	if d2.m.locked {
		t.Fatal("locked with the idle lock off")
	}
}

// Hostile text on the screen below never reaches the lock screen; after
// switching user the sign-in picker shows and the keys are forgotten.
func TestLockScreenHidesHostileText(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	addUsers(t, st, officerWang, officerZhao, reviewerLi)
	seedHostile(t, st)
	d := newDriver(t, st, "wangwu")
	d.signIn()
	openList(d)
	if !strings.Contains(d.view(), "林某某") {
		t.Fatalf("the list should show the hostile parties first:\n%s", d.view())
	}
	d.press("enter") // a hostile case's detail
	d.press("ctrl+l")
	v := d.view()
	for _, h := range append(hostile, "林某某", "pwned", "阿卜杜拉", "弹子石", "南坪正街", "事实", "审核意见", "\x1b]", "\u202e", "\u009b") {
		if strings.Contains(v, h) {
			t.Fatalf("the lock screen shows %q:\n%q", h, v)
		}
	}
	checkFits(t, v, 80, 24)
	d.contains("当前登录：王五（wangwu，执法队员）")
	d.press("f2") // 切换用户
	if d.m.active != screen.SignIn || d.m.locked || d.m.sh.User.ID != "" {
		t.Fatalf("switch user: view %q locked %v user %q", d.m.active, d.m.locked, d.m.sh.User.ID)
	}
	if st.Unlocked() {
		t.Fatal("signing out left the store unlocked")
	}
	d.contains("请选择您的身份")
}

// A user of a store from before encryption sets a passphrase at sign-in,
// which encrypts the store; the demo passphrase is shown only when asked.
func TestDemoPassphraseHint(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	addUsers(t, st, officerWang)
	d := &driver{t: t, w: 80, h: 24}
	d.m = New(Options{Store: st, As: "wangwu", Clock: testClock, Styles: d.styles(), Tick: noTick, DemoPassphrase: "demo1234"})
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	d.run(d.m.Init())
	d.contains("各演示人员的口令都是 demo1234")
	d.press("enter")
	d.contains("各演示人员的口令都是 demo1234")
	d2 := newDriver(t, st, "wangwu")
	if strings.Contains(d2.view(), "demo1234") {
		t.Fatal("the demo passphrase is shown on a store that is not a demo")
	}
}

// On a store from before encryption, choosing oneself leads to setting a
// passphrase, which encrypts the store (after a plaintext backup, named on
// the screen); a second user then needs a colleague to vouch.
func TestLegacyStoreSetsAPassphrase(t *testing.T) {
	dir := storefix.LegacyDir(t)
	st := openTestStore(t, dir)
	d := newDriver(t, st, "wangwu")
	d.contains("本机数据尚未加密")
	d.press("enter")
	d.contains("王五（wangwu，执法队员） 还没有口令")
	d.typeText("wang-pass-1")
	d.press("tab")
	d.typeText("wang-pass-2")
	d.press("ctrl+s")
	d.contains("两次输入的口令不一致")
	if st.Encrypted() {
		t.Fatal("encrypted with mismatched passphrases")
	}
	d.press("ctrl+u")
	d.typeText("wang-pass-1")
	d.press("ctrl+s")
	if d.m.sh.User.ID != "wangwu" || !st.Encrypted() || st.UnlockedAs() != "wangwu" {
		t.Fatalf("after setting the passphrase: user %q encrypted %v\n%s", d.m.sh.User.ID, st.Encrypted(), d.view())
	}
	d.contains("明文备份")
	// zhaoliu has none: wangwu vouches for him.
	d.press("ctrl+o")
	d.typeText("zl")
	d.press("enter")
	d.contains("开通人")
	d.typeText("zhao-pass-1")
	d.press("tab")
	d.typeText("zhao-pass-1")
	d.press("tab", "tab")
	d.typeText("wang-pass-1")
	d.press("ctrl+s")
	if d.m.sh.User.ID != "zhaoliu" || st.UnlockedAs() != "zhaoliu" {
		t.Fatalf("zhaoliu after wangwu vouched: %q\n%s", d.m.sh.User.ID, d.view())
	}
}
