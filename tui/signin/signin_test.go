package signin_test

import (
	"testing"

	"fieldcase/tui/screen"
	"fieldcase/tui/signin"
	"fieldcase/tui/tuitest"
)

func TestQTypedIntoAFieldDoesNotQuit(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	d := tuitest.New(t, st, "")
	d.Type("q")
	if d.Quit {
		t.Fatal("q typed into the officer id quit the program")
	}
	if got := signin.FormField(d, "id"); got != "q" {
		t.Fatalf("field holds %q, want q", got)
	}
	d.Type("?")
	if d.M.HelpShown() {
		t.Fatal("? typed into a field opened the help")
	}
	// On the home screen, with no field focused, q asks first; a second q
	// quits, any other key carries on.
	st2 := tuitest.OpenStore(t, t.TempDir())
	tuitest.AddUsers(t, st2, tuitest.OfficerWang)
	d2 := tuitest.New(t, st2, "wangwu")
	d2.SignIn()
	d2.Type("q")
	if d2.Quit {
		t.Fatal("one q on the home screen quit without asking")
	}
	d2.Contains("再按一次 q 退出")
	d2.Press("down")
	d2.Type("q")
	if d2.Quit {
		t.Fatal("q after another key quit: the question was not forgotten")
	}
	d2.Type("q")
	if !d2.Quit {
		t.Fatal("q, q on the home screen did not quit")
	}
}

func TestSignOutReturnsToThePicker(t *testing.T) {
	st, d := tuitest.OfficerSignedIn(t)
	d.Contains("王五（执法队员）")
	d.Press("ctrl+o")
	d.Contains("请选择您的身份")
	d.Press("down", "enter")
	d.Type(tuitest.Pass)
	d.Press("enter")
	d.Contains("赵六（执法队员）")
	// Signing out forgot the keys: only zhaoliu's passphrase opened them.
	if got := st.UnlockedAs(); got != "zhaoliu" {
		t.Fatalf("store unlocked as %q", got)
	}
}

// The sign-in picker filters as the officer types (issue 4): by id, by
// name, by pinyin or its initials, typed key by key or committed by an IME
// in one message; Backspace edits, Esc clears, arrows and Enter still work.
func TestSignInFilter(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.AddUsers(t, st, tuitest.OfficerWang, tuitest.OfficerZhao, tuitest.ReviewerLi)
	signIn := func(t *testing.T, typed []string, keys []string, want string) {
		t.Helper()
		d := tuitest.New(t, st, "")
		for _, s := range typed {
			d.Type(s)
		}
		d.Press(keys...)
		d.Press("enter")
		d.Type(tuitest.Pass)
		d.Press("enter")
		if d.Quit {
			t.Fatal("typing into the filter quit the program")
		}
		if got := d.M.User().ID; got != want {
			t.Fatalf("typed %q then %v: signed in as %q, want %q\n%s", typed, keys, got, want, d.View())
		}
	}
	t.Run("id", func(t *testing.T) { signIn(t, []string{"wangwu"}, nil, "wangwu") })
	t.Run("name", func(t *testing.T) { signIn(t, []string{"王五"}, nil, "wangwu") })
	t.Run("initials key by key", func(t *testing.T) { signIn(t, []string{"z", "l"}, nil, "zhaoliu") })
	t.Run("full pinyin", func(t *testing.T) { signIn(t, []string{"LiHua"}, nil, "lihua") })
	t.Run("backspace", func(t *testing.T) { signIn(t, []string{"wwx"}, []string{"backspace"}, "wangwu") })
	// "l" is in lihua and zhaoliu: the first is highlighted, Down moves.
	t.Run("arrows in the matches", func(t *testing.T) { signIn(t, []string{"l"}, []string{"down"}, "zhaoliu") })
	t.Run("esc clears", func(t *testing.T) { signIn(t, []string{"zl"}, []string{"esc", "home"}, "lihua") })

	d := tuitest.New(t, st, "")
	d.Type("钱七")
	d.Contains("没有与“钱七”相符的人员")
	d.Press("enter")
	if d.Active() != screen.SignIn {
		t.Fatal("Enter with no match left the picker")
	}
	d.Press("esc")
	d.Contains("wangwu")
	if signin.Filter(d) != "" {
		t.Fatalf("Esc left %q in the filter", signin.Filter(d))
	}
}

// Letters typed into the picker's filter are text: q does not quit, ? does
// not open the help, j/k/G do not move.
func TestQInSignInFilterIsText(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.AddUsers(t, st, tuitest.OfficerWang, tuitest.OfficerZhao, tuitest.ReviewerLi)
	d := tuitest.New(t, st, "zhaoliu")
	for _, r := range "q?jkG" {
		d.Type(string(r))
	}
	if d.Quit || d.M.HelpShown() {
		t.Fatalf("a letter acted as a key: quit %v, help %v", d.Quit, d.M.HelpShown())
	}
	if got := signin.Filter(d); got != "q?jkG" {
		t.Fatalf("filter holds %q", got)
	}
	for _, b := range d.M.FullHelp() {
		for _, k := range b {
			if k.Help().Key == "q" && k.Enabled() {
				t.Fatal("the help offers q to quit while the filter takes letters")
			}
		}
	}
	d.Press("f10")
	if !d.Quit {
		t.Fatal("F10 did not quit from the picker")
	}
}
