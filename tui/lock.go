package tui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/tui/keys"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
	"fieldcase/tui/widgets"
)

// The lock screen covers everything while the officer is away: after
// Options.IdleLock without a key or a click, or at once on Ctrl+L. It
// names who is signed in and shows nothing of any case — the screen below
// is not drawn at all, and the notice line is the lock's own. The same
// user's passphrase (store.CheckUserPassphrase, rate-limited like a
// sign-in) returns to exactly where they were: the screens keep their
// state, and their async results keep arriving while locked. The keys stay
// in memory, so background sync goes on. "切换用户" signs out instead.
type lockScreen struct {
	sh     *screen.Context
	keys   keys.Lock
	width  int
	height int

	pass textinput.Model
	err  string
	busy bool
	idle bool // locked by the idle timer (said on the screen)

	unlocked  bool // set by Update: the passphrase was right
	switching bool // set by Update: sign out
}

func newLockScreen(sh *screen.Context) lockScreen {
	return lockScreen{sh: sh, keys: keys.NewLock(), pass: widgets.NewPassword(sh.Styles, "", present.PassLimit)}
}

// start shows the screen empty, the passphrase focused.
func (l *lockScreen) start(idle bool) tea.Cmd {
	l.pass.SetValue("")
	l.err, l.busy, l.idle, l.unlocked, l.switching = "", false, idle, false, false
	return l.pass.Focus()
}

// SetSize lays the screen out.
func (l *lockScreen) SetSize(w, h int) {
	l.width, l.height = w, h
	l.pass.Width = max(10, min(30, w-16))
}

// Update takes keys and the result of checking the passphrase.
func (l lockScreen) Update(msg tea.Msg) (lockScreen, tea.Cmd) {
	switch msg := msg.(type) {
	case unlockedScreenMsg:
		if msg.user != l.sh.User.ID {
			return l, nil
		}
		l.busy = false
		if msg.err == nil {
			l.unlocked = true
			return l, nil
		}
		l.err = present.PassProblem(msg.err, l.sh.Now)
		return l, l.pass.Focus()
	case tea.KeyMsg:
		if l.busy {
			return l, nil
		}
		switch {
		case key.Matches(msg, l.keys.SwitchUser):
			l.switching = true
			return l, nil
		case key.Matches(msg, l.keys.Unlock):
			if l.pass.Value() == "" {
				l.err = "请输入口令"
				return l, nil
			}
			pass := l.pass.Value()
			l.pass.SetValue("")
			l.busy, l.err = true, ""
			return l, checkPassphrase(l.sh.Store, l.sh.User.ID, pass)
		}
		before := l.pass.Value()
		var cmd tea.Cmd
		l.pass, cmd = l.pass.Update(msg)
		if l.pass.Value() != before {
			l.err = ""
		}
		return l, cmd
	}
	return l, nil
}

// View draws the lock: who is signed in, the passphrase, nothing else.
func (l lockScreen) View() string {
	st := l.sh.Styles
	u := l.sh.User
	why := "屏幕已锁定"
	if l.idle {
		why = "较长时间无操作，屏幕已自动锁定"
	}
	lines := []string{
		"",
		st.Title.Render(widgets.Truncate("   "+why, l.width)),
		"",
		st.Value.Render(widgets.Truncate("   当前登录："+u.Name+"（"+u.ID+"，"+u.Role.Label()+"）", l.width)),
		st.Muted.Render(widgets.Truncate("   案件内容已隐藏。输入口令解锁，回到刚才的位置。", l.width)),
		"",
		"   " + st.Label.Render("口令 ") + " " + l.pass.View(),
		"",
	}
	switch {
	case l.busy:
		lines = append(lines, st.Muted.Render("   正在核对口令..."))
	case l.err != "":
		for _, s := range widgets.Wrap(l.err, max(10, l.width-6)) {
			lines = append(lines, st.Error.Render("   ! "+s))
		}
	default:
		lines = append(lines, "")
	}
	lines = append(lines, "", st.Muted.Render(widgets.Truncate("   不是本人？按 F2 切换用户：保存当前进度，退出登录，回到选择身份。", l.width)))
	return strings.Join(lines, "\n")
}

// ShortHelp lists the live keys.
func (l lockScreen) ShortHelp() []key.Binding {
	return []key.Binding{l.keys.Unlock, l.keys.SwitchUser}
}

// FullHelp lists every key of the screen.
func (l lockScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{{l.keys.Unlock, l.keys.SwitchUser}}
}

// idleCheck is called on every clock reading: input since the last
// reading restarts the count; idleFor without any locks the screen.
func (m Model) idleCheck(now time.Time) (Model, tea.Cmd) {
	if m.idleLock <= 0 || m.locked || m.sh.User.ID == "" || m.active == screen.SignIn {
		m.touched, m.lastActive = false, now
		return m, nil
	}
	if m.touched || m.lastActive.IsZero() {
		m.touched, m.lastActive = false, now
		return m, nil
	}
	if now.Sub(m.lastActive) >= m.idleLock {
		return m.lockScreen(true)
	}
	return m, nil
}

// canLock: someone is signed in and past the sign-in screen.
func (m Model) canLock() bool {
	return m.sh.User.ID != "" && m.active != screen.SignIn && m.active != "" && m.fatal == nil
}

// lockScreen locks the screen. A screen with unsaved input (the wizard)
// saves where it stands first, so that signing out from the lock loses
// nothing.
func (m Model) lockScreen(idle bool) (Model, tea.Cmd) {
	m.locked, m.showHelp = true, false
	m.flash = ""
	cmds := []tea.Cmd{m.lock.start(idle)}
	if s := m.shown(); s != nil && s.HoldsUnsaved() {
		cmds = append(cmds, s.Update(screen.Locking{}))
	}
	return m, tea.Batch(cmds...)
}

// lockKey gives a key to the lock screen and acts on what it decided.
func (m Model) lockUpdate(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	m.lock, cmd = m.lock.Update(msg)
	switch {
	case m.lock.unlocked:
		m.lock.unlocked = false
		m.locked = false
		m.touched = true
		m.flash = ""
		return m, cmd
	case m.lock.switching:
		m.lock.switching = false
		m.locked = false
		m.flash = ""
		mm, c := m.signOut()
		return mm, tea.Batch(cmd, c)
	}
	return m, cmd
}
