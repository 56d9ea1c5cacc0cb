package tui_test

import (
	"strings"
	"testing"
	"time"

	"fieldcase/cases/store"
	"fieldcase/cases/store/storefix"
	"fieldcase/tui"
	"fieldcase/tui/screen"
	"fieldcase/tui/tuitest"
)

// signInScenarios are the passphrase step at 80×24.
var signInScenarios = []tuitest.Scenario{
	{Name: "signin_passphrase", As: "wangwu", Drive: func(d *tuitest.Driver) {
		d.Press("enter")
		d.Type("abc")
	}},
	{Name: "signin_wrong_passphrase", As: "wangwu", Drive: func(d *tuitest.Driver) {
		d.Press("enter")
		d.Type("not-my-passphrase")
		d.Press("enter")
	}},
	{Name: "signin_locked_out", As: "wangwu", Drive: func(d *tuitest.Driver) {
		d.Press("enter")
		for i := 0; i < 5; i++ {
			d.Type("not-my-passphrase")
			d.Press("enter")
		}
		d.Type(tuitest.Pass) // right, but too late
		d.Press("enter")
	}},
	{Name: "lock_screen", As: "wangwu", Drive: func(d *tuitest.Driver) {
		d.SignIn()
		tuitest.OpenReturned(d)
		d.Press("ctrl+l")
	}},
	{Name: "lock_screen_wrong", As: "wangwu", Drive: func(d *tuitest.Driver) {
		d.SignIn()
		d.Press("ctrl+l")
		d.Type("not-my-passphrase")
		d.Press("enter")
	}},
}

// TestSignInScreens renders the passphrase step and the lock screen.
func TestSignInScreens(t *testing.T) {
	for _, sc := range signInScenarios {
		t.Run(sc.Name, func(t *testing.T) {
			d := tuitest.RunScenario(t, sc, "standard", func(t testing.TB, st *store.Store) { tuitest.SeedStandard(t, st) })
			if strings.Contains(d.View(), tuitest.Pass) || strings.Contains(d.View(), "not-my-passphrase") {
				t.Fatalf("a passphrase is on the screen:\n%s", d.View())
			}
			d.Golden()
		})
	}
}

// A wrong passphrase keeps the picker's user on the passphrase step and
// signs nobody in; the lockout refuses even the right one.
func TestWrongPassphraseAndLockout(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.AddUsers(t, st, tuitest.OfficerWang, tuitest.OfficerZhao)
	d := tuitest.New(t, st, "wangwu")
	d.Press("enter")
	d.Type("not-my-passphrase")
	d.Press("enter")
	d.Contains("口令不正确（还可尝试 4 次）")
	if d.M.User().ID != "" || st.Unlocked() {
		t.Fatalf("a wrong passphrase signed in %q (store unlocked %v)", d.M.User().ID, st.Unlocked())
	}
	for i := 0; i < 4; i++ {
		d.Type("not-my-passphrase")
		d.Press("enter")
	}
	d.Type(tuitest.Pass)
	d.Press("enter")
	d.Contains("口令错误次数过多，已暂时锁定，请于")
	if d.M.User().ID != "" || st.Unlocked() {
		t.Fatal("the right passphrase signed in during the lockout")
	}
	// Another user is not locked out.
	d.Press("esc", "down", "enter")
	d.Type(tuitest.Pass)
	d.Press("enter")
	if d.M.User().ID != "zhaoliu" || st.UnlockedAs() != "zhaoliu" {
		t.Fatalf("zhaoliu: signed in as %q", d.M.User().ID)
	}
}

// The idle lock reads the model's clock ticks: input since the last tick
// restarts the count; IdleLock without any locks the screen, in the middle
// of the wizard, and the passphrase returns to the same step with what was
// typed.
func TestIdleLock(t *testing.T) {
	st := tuitest.OpenStore(t, tuitest.SeededCopy(t, "standard", func(t testing.TB, st *store.Store) { tuitest.SeedStandard(t, st) }))
	d := tuitest.NewWith(t, tui.Options{Store: st, As: "wangwu", IdleLock: 10 * time.Minute})
	at := func(m int) { d.Send(tui.ClockAt(tuitest.Now.Add(time.Duration(m) * time.Minute))) }
	// Not signed in: no lock however long.
	at(30)
	if d.M.Locked() {
		t.Fatal("the sign-in screen locked")
	}
	d.SignIn()
	tuitest.ToPlace(d)
	d.Type("南岸区南坪正街 100 号门前")
	at(31) // input since the last tick: the count starts here
	at(40)
	if d.M.Locked() {
		t.Fatal("locked after 9 minutes")
	}
	d.Press("left") // activity
	at(41)
	at(50)
	if d.M.Locked() {
		t.Fatal("locked 9 minutes after the last key")
	}
	at(51)
	if !d.M.Locked() {
		t.Fatalf("not locked 10 minutes after the last key:\n%s", d.View())
	}
	d.Contains("较长时间无操作，屏幕已自动锁定")
	if v := d.View(); strings.Contains(v, "南坪正街") || strings.Contains(v, "陈小红") {
		t.Fatalf("the lock screen shows case data:\n%s", v)
	}
	// Keys go to the lock screen only.
	d.Press("f7")
	d.Type("not-my-passphrase")
	d.Press("enter")
	d.Contains("口令不正确（还可尝试 4 次）")
	d.Type(tuitest.Pass)
	d.Press("enter")
	if d.M.Locked() || d.Active() != screen.Wizard {
		t.Fatalf("after unlocking: locked %v, view %q", d.M.Locked(), d.Active())
	}
	d.Contains("南岸区南坪正街 100 号门前")
	d.Contains("第 3 步 时间地点")
	// IdleLock 0: never.
	d2 := tuitest.New(t, tuitest.OpenStore(t, tuitest.SeededCopy(t, "standard", func(t testing.TB, st *store.Store) { tuitest.SeedStandard(t, st) })), "wangwu")
	d2.SignIn()
	for m := 1; m < 200; m += 30 {
		d2.Send(tui.ClockAt(tuitest.Now.Add(time.Duration(m) * time.Minute)))
	}
	if d2.M.Locked() {
		t.Fatal("locked with the idle lock off")
	}
}

// Hostile text on the screen below never reaches the lock screen; after
// switching user the sign-in picker shows and the keys are forgotten.
func TestLockScreenHidesHostileText(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.AddUsers(t, st, tuitest.OfficerWang, tuitest.OfficerZhao, tuitest.ReviewerLi)
	tuitest.SeedHostile(t, st)
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	tuitest.OpenList(d)
	if !strings.Contains(d.View(), "林某某") {
		t.Fatalf("the list should show the tuitest.Hostile parties first:\n%s", d.View())
	}
	d.Press("enter") // a hostile case's detail
	d.Press("ctrl+l")
	v := d.View()
	for _, h := range append(tuitest.Hostile, "林某某", "pwned", "阿卜杜拉", "弹子石", "南坪正街", "事实", "审核意见", "\x1b]", "\u202e", "\u009b") {
		if strings.Contains(v, h) {
			t.Fatalf("the lock screen shows %q:\n%q", h, v)
		}
	}
	tuitest.CheckFits(t, v, 80, 24)
	d.Contains("当前登录：王五（wangwu，执法队员）")
	d.Press("f2") // 切换用户
	if d.Active() != screen.SignIn || d.M.Locked() || d.M.User().ID != "" {
		t.Fatalf("switch user: view %q locked %v user %q", d.Active(), d.M.Locked(), d.M.User().ID)
	}
	if st.Unlocked() {
		t.Fatal("signing out left the store unlocked")
	}
	d.Contains("请选择您的身份")
}

// A user of a store from before encryption sets a passphrase at sign-in,
// which encrypts the store; the demo passphrase is shown only when asked.
func TestDemoPassphraseHint(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.AddUsers(t, st, tuitest.OfficerWang)
	d := tuitest.NewWith(t, tui.Options{Store: st, As: "wangwu", DemoPassphrase: "demo1234"})
	d.Contains("各演示人员的口令都是 demo1234")
	d.Press("enter")
	d.Contains("各演示人员的口令都是 demo1234")
	d2 := tuitest.New(t, st, "wangwu")
	if strings.Contains(d2.View(), "demo1234") {
		t.Fatal("the demo passphrase is shown on a store that is not a demo")
	}
}

// On a store from before encryption, choosing oneself leads to setting a
// passphrase, which encrypts the store (after a plaintext backup, named on
// the screen); a second user then needs a colleague to vouch.
func TestLegacyStoreSetsAPassphrase(t *testing.T) {
	dir := storefix.LegacyDir(t)
	st := tuitest.OpenStore(t, dir)
	d := tuitest.New(t, st, "wangwu")
	d.Contains("本机数据尚未加密")
	d.Press("enter")
	d.Contains("王五（wangwu，执法队员） 还没有口令")
	d.Type("wang-pass-1")
	d.Press("tab")
	d.Type("wang-pass-2")
	d.Press("ctrl+s")
	d.Contains("两次输入的口令不一致")
	if st.Encrypted() {
		t.Fatal("encrypted with mismatched passphrases")
	}
	d.Press("ctrl+u")
	d.Type("wang-pass-1")
	d.Press("ctrl+s")
	if d.M.User().ID != "wangwu" || !st.Encrypted() || st.UnlockedAs() != "wangwu" {
		t.Fatalf("after setting the passphrase: user %q encrypted %v\n%s", d.M.User().ID, st.Encrypted(), d.View())
	}
	d.Contains("明文备份")
	// zhaoliu has none: wangwu vouches for him.
	d.Press("ctrl+o")
	d.Type("zl")
	d.Press("enter")
	d.Contains("开通人")
	d.Type("zhao-pass-1")
	d.Press("tab")
	d.Type("zhao-pass-1")
	d.Press("tab", "tab")
	d.Type("wang-pass-1")
	d.Press("ctrl+s")
	if d.M.User().ID != "zhaoliu" || st.UnlockedAs() != "zhaoliu" {
		t.Fatalf("zhaoliu after wangwu vouched: %q\n%s", d.M.User().ID, d.View())
	}
}

// F1 on the lock screen lists the lock's keys (and nothing of the case
// underneath); Esc returns to the passphrase.
func TestHelpOnTheLockScreen(t *testing.T) {
	_, d := tuitest.OfficerSignedIn(t)
	tuitest.ToPlace(d)
	d.Press("ctrl+l")
	d.Contains("屏幕已锁定")
	d.Press("f1")
	d.Contains("按键说明")
	d.Contains("切换用户")
	for _, hidden := range []string{"陈小红", "下一步", "CG01"} {
		if strings.Contains(d.View(), hidden) {
			t.Fatalf("the lock's help shows %q:\n%s", hidden, d.View())
		}
	}
	d.Press("esc")
	d.Contains("屏幕已锁定")
	d.Type(tuitest.Pass)
	d.Press("enter")
	d.Contains("第 3 步 时间地点")
}
