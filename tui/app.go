package tui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/rules"
	"fieldcase/tui/keys"
	"fieldcase/tui/screen"
	"fieldcase/tui/styles"
	"fieldcase/tui/widgets"
)

// Options configure the TUI.
type Options struct {
	Store *store.Store
	// As preselects this officer id on the sign-in list.
	As string
	// Clock is read only inside commands; nil means time.Now.
	Clock func() time.Time
	// NoColor is set when the user asked for NO_COLOR.
	NoColor bool
	// Styles overrides the look (tests); nil builds it from NoColor.
	Styles *styles.Styles
	// Tick schedules a timed message (the header clock, autosave); nil
	// means tea.Tick. Tests that drive Update directly turn timers off.
	Tick func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
	// IdleLock locks the screen after this long without a key or a click
	// (read on the clock's half-minute ticks); 0 turns it off. Ctrl+L
	// locks at once either way.
	IdleLock time.Duration
	// DemoPassphrase is shown on the sign-in screen; set only for a demo
	// store.
	DemoPassphrase string
	// OnSignIn is called (in a command) after each successful sign-in;
	// the program starts background sync from it.
	OnSignIn func()
	// FetchEvidence fetches an evidence file from HQ into the vault (the
	// device's sync client); nil when the device cannot reach HQ.
	FetchEvidence screen.FetchEvidence
	// Images names the terminal's inline image protocol (review.DetectImages).
	Images string
}

// Model is the root of the TUI and its only tea.Model. It draws the
// header, the notice line and the help bar, handles the global keys and
// the lock, and routes every other message: keys and clicks to the active
// screen, results to the screen they are addressed to, navigation to
// itself. It is passed by value, as Bubble Tea wants, but its screens and
// their context are shared by the copies: only the latest one is live.
type Model struct {
	sh     *screen.Context
	keys   keys.Global
	help   help.Model
	width  int
	height int

	screens map[screen.ID]screen.Screen
	order   []screen.ID // registry order: entry keys are offered in it
	active  screen.ID   // "" while loading
	prev    screen.ID   // where screen.Back returns
	as      string

	showHelp bool
	// quitAsked: a bare q was pressed once; a second q quits, any other
	// key carries on (a stray q must not end the shift's program).
	quitAsked bool

	flash     string
	flashTone styles.Tone
	fatal     error

	// The lock screen (lock.go) covers everything while locked.
	lock       lockScreen
	locked     bool
	idleLock   time.Duration
	touched    bool      // a key or click since the last clock reading
	lastActive time.Time // the clock reading after the last input
	onSignIn   func()
}

// New returns the root model.
func New(o Options) Model {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	st := o.Styles
	if st == nil {
		st = styles.New(o.NoColor)
	}
	if o.Tick == nil {
		o.Tick = tea.Tick
	}
	if o.Store != nil {
		// Whoever was signed in before (a command, the demo), the TUI
		// starts at its sign-in screen with the keys forgotten.
		o.Store.Lock()
	}
	sh := &screen.Context{Styles: st, Store: o.Store, Clock: o.Clock, Tick: o.Tick, Now: o.Clock(), FetchEvidence: o.FetchEvidence, Images: o.Images}
	h := help.New()
	h.Styles = st.Help
	h.ShortSeparator = "  "
	h.FullSeparator = "    "
	h.Ellipsis = styles.Ellipsis
	m := Model{
		sh:       sh,
		keys:     keys.NewGlobal(),
		help:     h,
		width:    80,
		height:   24,
		as:       o.As,
		screens:  map[screen.ID]screen.Screen{},
		lock:     newLockScreen(sh),
		idleLock: o.IdleLock,
		onSignIn: o.OnSignIn,
	}
	for _, build := range registry {
		s := build(sh, o)
		m.screens[s.ID()] = s
		m.order = append(m.order, s.ID())
	}
	m.setSize(m.width, m.height)
	return m
}

// clockEvery is how often the clock in the header is read.
const clockEvery = 30 * time.Second

// nextClockRead is when to read the clock after now: every clockEvery,
// and just after the minute turns, so the header's HH:MM never shows the
// minute before (it lagged up to half a minute).
func nextClockRead(now time.Time) time.Duration {
	untilMinute := now.Truncate(time.Minute).Add(time.Minute).Sub(now) + 20*time.Millisecond
	return min(clockEvery, untilMinute)
}

// Init loads the users and the rules, and starts the clock.
func (m Model) Init() tea.Cmd {
	return tea.Batch(loadUsers(m.sh.Store), loadBook(m.sh.Store), tickClock(m.sh, 0))
}

const (
	headerLines = 1
	footerLines = 2 // notice line and help bar
)

func (m *Model) setSize(w, h int) {
	m.width, m.height = w, h
	m.help.Width = w
	bh := max(1, h-headerLines-footerLines)
	m.lock.SetSize(w, bh)
	for _, id := range m.order {
		m.screens[id].SetSize(w, bh)
	}
}

// Active is the id of the screen shown ("" while loading).
func (m Model) Active() screen.ID { return m.active }

// Screen is the registered screen id (tests look inside it).
func (m Model) Screen(id screen.ID) screen.Screen { return m.screens[id] }

// Locked reports whether the lock screen covers everything.
func (m Model) Locked() bool { return m.locked }

// HelpShown reports whether the full help is open.
func (m Model) HelpShown() bool { return m.showHelp }

// User is the officer signed in (zero before sign-in).
func (m Model) User() cases.User { return m.sh.User }

// shown is the active screen, nil while loading.
func (m Model) shown() screen.Screen { return m.screens[m.active] }

// typing reports whether the active screen has a text field focused.
func (m Model) typing() bool {
	s := m.shown()
	return s != nil && s.Typing()
}

// Update routes a message: global keys first, then the screen that owns
// the message (results go to their owner even when it is not shown).
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.setSize(msg.Width, msg.Height)
		return m, nil
	case clockMsg:
		m.sh.Now = time.Time(msg)
		var lockCmd tea.Cmd
		m, lockCmd = m.idleCheck(m.sh.Now)
		next := tickClock(m.sh, nextClockRead(m.sh.Now))
		if lockCmd != nil {
			return m, tea.Batch(lockCmd, next)
		}
		return m, next
	case bookMsg:
		if msg.err != nil {
			m.flash, m.flashTone = "规则载入不完整，使用内置规则："+msg.err.Error(), styles.ToneWarn
		}
		m.sh.Book = msg.book
		if m.sh.Book == nil {
			m.sh.Book = rules.DefaultBook()
		}
		return m, nil
	case screen.Users:
		if msg.Err != nil {
			m.fatal = msg.Err
			return m, nil
		}
		m.sh.Users = msg.Users
		cmd := m.screens[screen.SignIn].Update(msg)
		if m.active == "" {
			mm, c := m.navigate(screen.Navigate{To: screen.SignIn, As: m.as})
			return mm, tea.Batch(cmd, c)
		}
		return m, cmd
	case resumeMsg:
		return m.resume(msg)
	case SyncStatus:
		return m.syncChanged(msg)
	case unlockedScreenMsg:
		return m.lockUpdate(msg)
	case tea.KeyMsg:
		m.touched = true
		return m.key(msg)
	case tea.MouseMsg:
		m.touched = true
		msg.Y -= headerLines
		if m.showHelp || m.locked || msg.Y < 0 {
			return m, nil
		}
		return m.toScreen(msg)
	case screen.Result:
		if s := m.screens[msg.To]; s != nil {
			return m, s.Update(msg.Msg)
		}
		return m, nil
	case screen.Navigate:
		return m.navigate(msg)
	case screen.Back:
		m.active = m.prev
		return m, nil
	case screen.Notice:
		m.flash, m.flashTone = msg.Text, msg.Tone
		return m, nil
	case screen.SignedIn:
		if msg.Notice != "" {
			m.flash, m.flashTone = msg.Notice, msg.Tone
		}
		return m.signIn(msg.User)
	case screen.SignOut:
		return m.signOut()
	}
	return m.toScreen(msg)
}

func (m Model) key(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	m.flash = ""
	asked := m.quitAsked
	m.quitAsked = false
	if key.Matches(msg, m.keys.Exit) {
		if s := m.shown(); s != nil && s.HoldsUnsaved() {
			return m, s.Update(screen.Exiting{})
		}
		return m, tea.Quit
	}
	if m.locked {
		// F1 works on the lock screen too: it lists the lock's keys only.
		switch {
		case m.showHelp && (msg.Type == tea.KeyEsc || key.Matches(msg, m.keys.Help)):
			m.showHelp = false
			return m, nil
		case m.showHelp:
			return m, nil
		case key.Matches(msg, m.keys.Help) && msg.Type != tea.KeyRunes:
			m.showHelp = true
			return m, nil
		}
		return m.lockUpdate(msg)
	}
	if key.Matches(msg, m.keys.Lock) && m.canLock() {
		return m.lockScreen(false)
	}
	typing := m.typing()
	letter := msg.Type == tea.KeyRunes
	if m.showHelp {
		if msg.Type == tea.KeyEsc || key.Matches(msg, m.keys.Help) {
			m.showHelp = false
		}
		return m, nil
	}
	if key.Matches(msg, m.keys.Help) && !(typing && letter) {
		m.showHelp = true
		return m, nil
	}
	if key.Matches(msg, m.keys.Quit) && !typing && m.canQuitWithQ() {
		if asked {
			return m, tea.Quit
		}
		m.quitAsked = true
		m.flash, m.flashTone = "要退出程序吗？再按一次 q 退出，按其他键继续", styles.ToneWarn
		return m, nil
	}
	if !typing {
		for _, e := range m.entries() {
			if key.Matches(msg, e.Key) {
				return m.navigate(e.nav)
			}
		}
	}
	return m.toScreen(msg)
}

// canQuitWithQ: the bare q quits from the screens that hold nothing unsaved.
func (m Model) canQuitWithQ() bool {
	s := m.shown()
	return s != nil && s.QuitsWithQ()
}

// toScreen gives a key, a click or any unaddressed message to the active
// screen.
func (m Model) toScreen(msg tea.Msg) (tea.Model, tea.Cmd) {
	if s := m.shown(); s != nil {
		return m, s.Update(msg)
	}
	return m, nil
}

// entry is an entry key offered on the active screen, with where it goes.
type entry struct {
	screen.Entry
	nav screen.Navigate
}

// entries are the keys other screens declare for opening themselves from
// the active one, in registry order.
func (m Model) entries() []entry {
	s := m.shown()
	if s == nil {
		return nil
	}
	var out []entry
	for _, id := range m.order {
		for _, e := range m.screens[id].Entries() {
			if e.From != m.active {
				continue
			}
			n := screen.Navigate{To: id}
			if e.Case {
				caseID, ok := s.Subject()
				if !ok {
					continue
				}
				n.CaseID = caseID
			}
			out = append(out, entry{Entry: e, nav: n})
		}
	}
	return out
}

// navigate shows the screen n names, opening it on what n carries.
func (m Model) navigate(n screen.Navigate) (Model, tea.Cmd) {
	if n.Notice != "" {
		m.flash, m.flashTone = n.Notice, n.Tone
	}
	s := m.screens[n.To]
	if s == nil {
		return m, nil
	}
	n.From = m.active
	if n.To != m.active {
		m.prev = m.active
	}
	m.active = n.To
	return m, s.Open(n)
}

// signIn makes u the acting officer, once the store is unlocked with
// their passphrase (the sign-in screen): the one door every sign-in
// passes through.
func (m Model) signIn(u cases.User) (Model, tea.Cmd) {
	m.sh.User = u
	m.active = ""
	m.locked, m.touched = false, true
	cmds := []tea.Cmd{loadResume(m.sh.Store, u.ID), loadUsers(m.sh.Store)}
	if f := m.onSignIn; f != nil {
		cmds = append(cmds, func() tea.Msg { f(); return nil })
	}
	return m, tea.Batch(cmds...)
}

// signOut forgets the officer and shows the sign-in list; the keys are
// forgotten, then the users read again.
func (m Model) signOut() (Model, tea.Cmd) {
	m.sh.User = cases.User{}
	m.locked, m.showHelp = false, false
	m, cmd := m.navigate(screen.Navigate{To: screen.SignIn})
	return m, tea.Batch(signOut(m.sh.Store), cmd)
}

// resume lands the officer after signing in: on the wizard they left
// open, a reviewer on the queue, everyone else on the home screen.
func (m Model) resume(msg resumeMsg) (tea.Model, tea.Cmd) {
	if msg.user != m.sh.User.ID {
		return m, nil
	}
	if msg.err != nil {
		m.flash, m.flashTone = "读取未完成的案件失败："+msg.err.Error(), styles.ToneDanger
	}
	switch {
	case msg.draft != nil:
		return m.navigate(screen.Navigate{To: screen.Wizard, Resume: &screen.Resume{Draft: *msg.draft, Case: msg.c, Events: msg.events}})
	case m.sh.User.Role != cases.RoleOfficer && m.sh.User.Role != "":
		return m.navigate(screen.Navigate{To: screen.Queue, Fresh: true})
	}
	return m.navigate(screen.Navigate{To: screen.Home})
}

// View draws the header, the active screen, the notice line and the help bar.
func (m Model) View() string {
	w := m.width
	bh := max(1, m.height-headerLines-footerLines)
	var body string
	switch {
	case m.fatal != nil:
		body = m.sh.Styles.Error.Render(widgets.FitLines(strings.Join(widgets.Wrap("无法读取本机数据："+m.fatal.Error()+"\n请按 F10 退出后检查数据目录。", w-2), "\n"), w))
	case m.locked && !m.showHelp:
		body = m.lock.View()
	case m.showHelp:
		body = m.fullHelp(bh)
	case m.shown() == nil:
		body = m.sh.Styles.Muted.Render(" 正在读取本机数据...")
	default:
		body = m.shown().View()
	}
	notice := m.notice()
	if m.locked {
		notice = "" // a notice may name a party
	}
	// A long notice (a refusal with its reason) takes a second line from
	// the bottom of the body rather than being cut.
	shown := min(bh-1, strings.Count(notice, "\n"))
	lines := make([]string, 0, m.height)
	lines = append(lines, m.header())
	bl := strings.Split(body, "\n")
	for i := 0; i < bh-max(0, shown); i++ {
		l := ""
		if i < len(bl) {
			l = bl[i]
		}
		lines = append(lines, widgets.Truncate(l, w))
	}
	nl := strings.Split(notice, "\n")
	lines = append(lines, nl[:max(0, shown)+1]...)
	lines = append(lines, m.helpBar())
	return strings.Join(lines, "\n")
}

func (m Model) crumb() string {
	switch {
	case m.locked:
		return "已锁定"
	case m.shown() == nil:
		return ""
	}
	return m.shown().Crumb()
}

func (m Model) header() string {
	st := m.sh.Styles
	left := " fieldcase 城管执法办案"
	if c := m.crumb(); c != "" {
		left += " > " + c
	}
	right := m.sh.Now.In(screen.Local).Format("01-02 15:04") + " "
	if m.sh.User.ID != "" {
		right = m.sh.User.Name + "（" + m.sh.User.Role.Label() + "）  " + right
	}
	gap := m.width - ansi.StringWidth(left) - ansi.StringWidth(right)
	if gap < 1 {
		// The screen's name matters more than the program's.
		left = strings.Replace(left, " fieldcase 城管执法办案 > ", " ", 1)
		gap = m.width - ansi.StringWidth(left) - ansi.StringWidth(right)
	}
	if gap < 1 {
		left = widgets.Truncate(left, max(0, m.width-ansi.StringWidth(right)-1))
		gap = m.width - ansi.StringWidth(left) - ansi.StringWidth(right)
	}
	if gap < 1 {
		return st.Header.Bar.Render(widgets.Pad(left, m.width))
	}
	return st.Header.Title.Render(left) + st.Header.Bar.Render(strings.Repeat(" ", gap)) + st.Header.User.Render(right)
}

func (m Model) notice() string {
	st := m.sh.Styles
	text := m.flash
	tone := m.flashTone
	if text == "" {
		if n, t := m.screenNotice(); n != "" {
			text, tone = n, t
		}
	}
	if text == "" {
		return ""
	}
	style := st.Footer.Info
	switch tone {
	case styles.ToneOK:
		style = st.Footer.OK
	case styles.ToneDanger:
		style = st.Footer.Error
	case styles.ToneWarn:
		style = st.Warn
	case styles.ToneInfo:
		style = st.Footer.Busy
	}
	wrapped := widgets.Wrap(text, max(1, m.width-1))
	if len(wrapped) > 2 {
		wrapped = []string{wrapped[0], widgets.Truncate(strings.Join(wrapped[1:], ""), m.width-1)}
	}
	for i, l := range wrapped {
		wrapped[i] = style.Render(widgets.Truncate(" "+l, m.width))
	}
	return strings.Join(wrapped, "\n")
}

// screenNotice is the active screen's standing status (saving, loading).
func (m Model) screenNotice() (string, styles.Tone) {
	if s := m.shown(); s != nil {
		return s.Status()
	}
	return "", styles.ToneNeutral
}

// ShortHelp is the help bar's keys: the shown screen's, the entry keys of
// other screens, then lock, help and exit (help.KeyMap).
func (m Model) ShortHelp() []key.Binding {
	if m.showHelp {
		return []key.Binding{key.NewBinding(key.WithKeys("esc"), key.WithHelp("Esc", "关闭帮助"))}
	}
	lock := m.keys.Lock
	lock.SetEnabled(m.canLock() && !m.locked)
	if m.locked {
		return append(m.lock.ShortHelp(), lock, m.keys.Help, m.keys.Exit)
	}
	var bs []key.Binding
	if s := m.shown(); s != nil {
		var entries []key.Binding
		for _, e := range m.entries() {
			b := e.Key
			if e.Short != "" {
				b.SetHelp(b.Help().Key, e.Short)
			}
			entries = append(entries, b)
		}
		var placed bool
		if bs, placed = s.ShortHelpWith(entries); !placed {
			bs = append(s.ShortHelp(), entries...)
		}
	}
	return append(bs, lock, m.keys.Help, m.keys.Exit)
}

// FullHelp is every key that works now, as the full help lists them.
func (m Model) FullHelp() [][]key.Binding {
	if m.locked {
		return onceEach(append(m.lock.FullHelp(), []key.Binding{m.keys.Help, m.keys.Exit}))
	}
	var g [][]key.Binding
	if s := m.shown(); s != nil {
		g = s.FullHelp()
	}
	var entries []key.Binding
	for _, e := range m.entries() {
		entries = append(entries, e.Key)
	}
	if len(entries) > 0 {
		g = append(g, entries)
	}
	global := []key.Binding{m.keys.Help, m.keys.Exit}
	if m.canLock() {
		global = append(global, m.keys.Lock)
	}
	if m.canQuitWithQ() {
		global = append(global, m.keys.Quit)
	}
	return onceEach(append(g, global))
}

// onceEach keeps the first live binding of each key in the full help: a
// screen and its step both listing ↑↓ or F2 showed them twice. A key that
// does two things by context (Tab: next field, or complete a path) is
// listed once with both.
func onceEach(groups [][]key.Binding) [][]key.Binding {
	at := map[string][2]int{}
	var out [][]key.Binding
	for _, g := range groups {
		var kept []key.Binding
		for _, b := range g {
			if !b.Enabled() {
				continue
			}
			h := b.Help()
			if pos, ok := at[h.Key]; ok {
				first := &kept
				if pos[0] < len(out) {
					first = &out[pos[0]]
				}
				prev := (*first)[pos[1]].Help()
				if !strings.Contains(prev.Desc, h.Desc) {
					(*first)[pos[1]].SetHelp(prev.Key, prev.Desc+"/"+h.Desc)
				}
				continue
			}
			at[h.Key] = [2]int{len(out), len(kept)}
			kept = append(kept, b)
		}
		if len(kept) > 0 {
			out = append(out, kept)
		}
	}
	return out
}

// helpBar lists the live keys; the lock (once signed in), help and exit
// keys always show, at the right end, however many keys the screen has.
func (m Model) helpBar() string {
	bs := m.ShortHelp()
	if m.showHelp || len(bs) < 3 {
		return widgets.Truncate(m.help.ShortHelpView(bs), m.width)
	}
	global := m.help.ShortHelpView(bs[len(bs)-3:])
	gw := ansi.StringWidth(global)
	room := m.width - gw - 2
	local := m.help.ShortHelpView(fitHelp(bs[:len(bs)-3], room, func(bs []key.Binding) int {
		return ansi.StringWidth(m.help.ShortHelpView(bs))
	}))
	if room < 10 {
		return widgets.Truncate(local+"  "+global, m.width)
	}
	return local + strings.Repeat(" ", max(2, m.width-ansi.StringWidth(local)-gw)) + global
}

// fitHelp drops whole bindings until the rest fit in room cells, so the
// bar never shows a key cut in half: first the movement keys everybody
// knows (up/down, paging, Tab between fields), then left/right, then from
// the end. F1 still lists every key.
func fitHelp(bs []key.Binding, room int, width func([]key.Binding) int) []key.Binding {
	var live []key.Binding
	for _, b := range bs {
		if b.Enabled() {
			live = append(live, b)
		}
	}
	tier := func(b key.Binding) int {
		k := b.Help().Key
		switch {
		case strings.HasPrefix(k, "上"), strings.HasPrefix(k, "下"), k == "PgUp", k == "PgDn", k == "Home", k == "End":
			return 0
		case k == "Tab" && (b.Help().Desc == "下一栏" || b.Help().Desc == "下一项"), k == "Shift+Tab":
			return 1
		case strings.HasPrefix(k, "左右"):
			return 2
		}
		return 3
	}
	for t := 0; t <= 2 && width(live) > room; t++ {
		for i := 0; i < len(live) && width(live) > room; {
			if tier(live[i]) == t {
				live = append(live[:i:i], live[i+1:]...)
				continue
			}
			i++
		}
	}
	for len(live) > 1 && width(live) > room {
		live = live[:len(live)-1]
	}
	return live
}

func (m Model) fullHelp(h int) string {
	st := m.sh.Styles
	type entry struct{ key, desc string }
	var entries []entry
	seen := map[string]bool{}
	for _, g := range m.FullHelp() {
		for _, b := range g {
			hk := b.Help()
			if !b.Enabled() || seen[hk.Key+hk.Desc] {
				continue
			}
			seen[hk.Key+hk.Desc] = true
			entries = append(entries, entry{hk.Key, hk.Desc})
		}
	}
	// Two columns when they fit, so the help stays on one screen at 80×24.
	const keyW, descW = 12, 22
	cols := 1
	if m.width >= 2*(2+keyW+1+descW) {
		cols = 2
	}
	rows := (len(entries) + cols - 1) / cols
	lines := []string{st.Title.Render(" 按键说明") + st.Muted.Render("（Esc 关闭）"), ""}
	for r := 0; r < rows; r++ {
		var b strings.Builder
		for c := 0; c < cols; c++ {
			i := c*rows + r
			if i >= len(entries) {
				break
			}
			e := entries[i]
			b.WriteString("  " + st.Key.Render(widgets.Pad(e.key, keyW)) + " " + st.Value.Render(widgets.Pad(e.desc, descW)))
		}
		lines = append(lines, b.String())
	}
	lines = append(lines, "")
	for _, l := range widgets.Wrap("输入法开启时，字母会进入输入框；请用方向键、Enter、Esc、Tab、F 键或 Ctrl 组合键操作。正在输入时，q 和 ? 也会输入到框中。", m.width-2) {
		lines = append(lines, " "+st.Muted.Render(l))
	}
	if len(lines) > h {
		lines = compactHelp(lines, h)
	}
	return strings.Join(lines, "\n")
}

// compactHelp drops blank separator lines, then cuts, so the help fits.
func compactHelp(lines []string, h int) []string {
	var out []string
	for _, l := range lines {
		if strings.TrimSpace(ansi.Strip(l)) != "" {
			out = append(out, l)
		}
	}
	if len(out) > h {
		out = out[:h]
	}
	return out
}
