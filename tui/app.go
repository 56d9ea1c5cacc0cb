// Package tui is the officer's terminal interface: sign-in, the home screen,
// the step-by-step case wizard with the live leniency suggestion, the case
// list and the case detail with its full log. The root Model here is the only
// tea.Model; each screen is a concrete type with Update, View, SetSize and
// its key help (soft-serve's component contract, checked by the compiler in
// screens.go). Looks come from tui/styles, keys from tui/keys.
//
// The rules are: focus first (while a text field has focus, letters go to
// it, so q typed into a name never quits); I/O only in commands (cmds.go);
// width in display cells; everything from the store or a file cleaned before
// it is drawn; and nothing lost — the wizard saves each step as it is left
// and remembers where it stood, so a restart reopens it there.
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
}

// view is which screen has the body of the terminal.
type view int

const (
	viewLoading view = iota
	viewSignIn
	viewHome
	viewWizard
	viewList
	viewDetail
	viewReader
	viewQueue     // the reviewer's queue (queue.go)
	viewReview    // one case under review (review.go)
	viewPapers    // a case's documents (papers.go)
	viewDashboard // the district's figures (dashboard.go)
	viewNotices   // what sync told the device (notices.go)
)

// navKind is a screen's request to the root to change what is shown.
type navKind int

const (
	navNone navKind = iota
	navSignedIn
	navHome
	navNewCase
	navEditCase
	navList
	navDetail
	navReader
	navBack // close the reader
	navSignOut
	navQuit
	navQueue     // the reviewer's queue
	navReview    // review the case caseID
	navPapers    // the documents of the case caseID
	navDashboard // the figures
	navNotices   // the sync notices
)

// nav is the request a screen leaves for the root after an Update, read
// and cleared by the root at once (no command round trip).
type nav struct {
	kind   navKind
	user   cases.User
	caseID string
	cites  []rules.Citation
	cite   int
	notice string
	tone   styles.Tone
	back   navKind // navDetail: where Esc on the case goes (navNone: the list)
}

// Model is the root of the TUI and its only tea.Model.
type Model struct {
	sh     *shared
	keys   keys.Global
	help   help.Model
	width  int
	height int

	view     view
	readFrom view // where the reader returns
	showHelp bool
	as       string

	signin signIn
	home   home
	wiz    wizard
	list   caseList
	detail caseDetail
	reader reader
	queue  reviewQueue
	review reviewScreen
	papers papers    // papers_root.go
	dash   dashboard // papers_root.go
	notes  notices

	flash     string
	flashTone styles.Tone
	fatal     error

	// The lock screen (lock.go) covers everything while locked.
	lock       lockScreen
	locked     bool
	idleLock   time.Duration
	active     bool      // a key or click since the last clock reading
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
	sh := &shared{Styles: st, Store: o.Store, Clock: o.Clock, Tick: o.Tick, Now: o.Clock()}
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
		signin:   newSignIn(sh, o.DemoPassphrase),
		lock:     newLockScreen(sh),
		idleLock: o.IdleLock,
		onSignIn: o.OnSignIn,
		home:     newHome(sh),
		wiz:      newWizard(sh),
		list:     newCaseList(sh),
		detail:   newCaseDetail(sh),
		reader:   newReader(sh),
		queue:    newReviewQueue(sh),
		papers:   newPapers(sh),
		dash:     newDashboard(sh),
		review:   newReviewScreen(sh),
		notes:    newNotices(sh),
	}
	m.setSize(m.width, m.height)
	return m
}

// clockEvery is how often the clock in the header is read.
const clockEvery = 30 * time.Second

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
	m.signin.SetSize(w, bh)
	m.lock.SetSize(w, bh)
	m.home.SetSize(w, bh)
	m.wiz.SetSize(w, bh)
	m.list.SetSize(w, bh)
	m.detail.SetSize(w, bh)
	m.reader.SetSize(w, bh)
	m.notes.SetSize(w, bh)
	m.reviewSetSize(w, bh) // review_root.go
	m.papersSetSize(w, bh) // papers_root.go
}

// typing reports whether the active screen has a text field focused.
func (m Model) typing() bool {
	switch m.view {
	case viewSignIn:
		return m.signin.Typing()
	case viewWizard:
		return m.wiz.Typing()
	case viewList:
		return m.list.Typing()
	}
	return m.reviewTyping()
}

// Update routes a message: global keys first, then the screen that owns
// the message (async results go to their owner even when it is not shown).
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.setSize(msg.Width, msg.Height)
		return m, nil
	case clockMsg:
		m.sh.Now = time.Time(msg)
		var lockCmd tea.Cmd
		m, lockCmd = m.idleCheck(m.sh.Now)
		if lockCmd != nil {
			return m, tea.Batch(lockCmd, tickClock(m.sh, clockEvery))
		}
		return m, tickClock(m.sh, clockEvery)
	case errMsg:
		m.flash, m.flashTone = "出错了："+msg.err.Error(), styles.ToneDanger
		return m, nil
	case bookMsg:
		if msg.err != nil {
			m.flash, m.flashTone = "规则载入不完整，使用内置规则："+msg.err.Error(), styles.ToneWarn
		}
		m.sh.Book = msg.book
		if m.sh.Book == nil {
			m.sh.Book = rules.DefaultBook()
		}
		return m, nil
	case usersMsg:
		if msg.err != nil {
			m.fatal = msg.err
			return m, nil
		}
		m.sh.Users = msg.users
		m.signin.setAuth(msg.encrypted, msg.hasPass)
		if m.view == viewLoading {
			m.view = viewSignIn
			m.signin.start(msg.users, m.as)
			return m, m.signin.Focus()
		}
		return m, nil
	case resumeMsg:
		return m.resume(msg)
	case SyncStatus:
		return m.syncChanged(msg)
	case unlockedScreenMsg:
		return m.lockUpdate(msg)
	case tea.KeyMsg:
		m.active = true
		return m.key(msg)
	case tea.MouseMsg:
		m.active = true
		msg.Y -= headerLines
		if m.showHelp || m.locked || msg.Y < 0 {
			return m, nil
		}
		return m.toScreen(msg)
	}
	return m.toOwner(msg)
}

func (m Model) key(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	m.flash = ""
	if key.Matches(msg, m.keys.Exit) {
		if m.view == viewWizard {
			var cmd tea.Cmd
			m.wiz, cmd = m.wiz.saveAndQuit()
			return m, cmd
		}
		return m, tea.Quit
	}
	if m.locked {
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
		return m, tea.Quit
	}
	if mm, cmd, ok := m.reviewKey(msg, typing); ok {
		return mm.follow(cmd)
	}
	if mm, cmd, ok := m.papersKey(msg, typing); ok {
		return mm.follow(cmd)
	}
	return m.toScreen(msg)
}

// canQuitWithQ: the bare q quits from the screens that hold nothing unsaved.
func (m Model) canQuitWithQ() bool {
	switch m.view {
	case viewHome, viewList, viewDetail, viewQueue, viewPapers, viewDashboard, viewNotices:
		return true
	case viewSignIn:
		// The picker's filter takes every letter (F10 exits there).
		return !m.signin.setup && !m.signin.Typing()
	}
	return false
}

// toScreen gives a key or mouse message to the active screen.
func (m Model) toScreen(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch m.view {
	case viewSignIn:
		m.signin, cmd = m.signin.Update(msg)
	case viewHome:
		m.home, cmd = m.home.Update(msg)
	case viewWizard:
		m.wiz, cmd = m.wiz.Update(msg)
	case viewList:
		m.list, cmd = m.list.Update(msg)
	case viewDetail:
		m.detail, cmd = m.detail.Update(msg)
	case viewReader:
		m.reader, cmd = m.reader.Update(msg)
	case viewNotices:
		m.notes, cmd = m.notes.Update(msg)
	case viewPapers, viewDashboard:
		m, cmd, _ = m.papersToScreen(msg)
	default:
		m, cmd, _ = m.reviewToScreen(msg)
	}
	return m.follow(cmd)
}

// toOwner gives an async result to the screen that asked for it.
func (m Model) toOwner(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg.(type) {
	case signedInMsg:
		m.signin, cmd = m.signin.Update(msg)
	case homeMsg:
		m.home, cmd = m.home.Update(msg)
	case openMsg, savedMsg, suggestionMsg, decidedMsg, submittedMsg, partiesMsg,
		priorsMsg, hashProgressMsg, hashDoneMsg, completeMsg, autosaveMsg:
		m.wiz, cmd = m.wiz.Update(msg)
	case pageMsg:
		m.list, cmd = m.list.Update(msg)
	case detailMsg:
		m.detail, cmd = m.detail.Update(msg)
	case noticesMsg:
		m.notes, cmd = m.notes.Update(msg)
	case papersMsg, paperIssuedMsg, figuresMsg:
		m, cmd, _ = m.papersToOwner(msg)
	default:
		var ok bool
		if m, cmd, ok = m.reviewToOwner(msg); !ok {
			return m.toScreen(msg)
		}
	}
	return m.follow(cmd)
}

// follow reads the navigation requests the screens left and acts on them.
func (m Model) follow(cmd tea.Cmd) (tea.Model, tea.Cmd) {
	cmds := []tea.Cmd{cmd}
	for _, req := range append(append([]*nav{&m.signin.req, &m.home.req, &m.wiz.req, &m.list.req, &m.detail.req, &m.reader.req, &m.notes.req}, m.reviewRequests()...), m.papersRequests()...) {
		r := *req
		*req = nav{}
		if r.kind == navNone && r.notice == "" {
			continue
		}
		if r.notice != "" {
			m.flash, m.flashTone = r.notice, r.tone
		}
		var c tea.Cmd
		m, c = m.navigate(r)
		cmds = append(cmds, c)
	}
	return m, tea.Batch(cmds...)
}

func (m Model) navigate(r nav) (Model, tea.Cmd) {
	switch r.kind {
	case navSignedIn:
		return m.signIn(r.user)
	case navHome:
		m.view = viewHome
		return m, m.home.Load()
	case navNewCase:
		m.view = viewWizard
		m.wiz = newWizard(m.sh)
		m.wiz.SetSize(m.width, max(1, m.height-headerLines-footerLines))
		return m, m.wiz.Start()
	case navEditCase:
		m.view = viewWizard
		m.wiz = newWizard(m.sh)
		m.wiz.SetSize(m.width, max(1, m.height-headerLines-footerLines))
		return m, m.wiz.Open(r.caseID)
	case navList:
		m.view = viewList
		return m, m.list.Load()
	case navDetail:
		if m.view != viewPapers {
			// Back from the case's documents, Esc still goes where it went.
			m.detail.back = r.back
		}
		m.view = viewDetail
		return m, m.detail.Open(r.caseID)
	case navNotices:
		back := m.view == viewDetail && m.notes.loaded
		m.view = viewNotices
		if back {
			// Back from a case opened here: the list as it was, 未读 marks
			// and all (the notices are read already).
			return m, nil
		}
		return m, m.notes.Load()
	case navReader:
		m.readFrom = m.view
		m.view = viewReader
		m.reader.Open(r.cites, r.cite)
		return m, nil
	case navBack:
		m.view = m.readFrom
		return m, nil
	case navSignOut:
		m.sh.User = cases.User{}
		m.view = viewSignIn
		m.locked, m.showHelp = false, false
		m.signin.start(m.sh.Users, "")
		// The keys are forgotten, then the users read again.
		return m, tea.Batch(signOut(m.sh.Store), m.signin.Focus())
	case navQuit:
		return m, tea.Quit
	}
	if mm, cmd, ok := m.papersNavigate(r); ok {
		return mm, cmd
	}
	m, cmd, _ := m.reviewNavigate(r)
	return m, cmd
}

// signIn makes u the acting officer, once the store is unlocked with
// their passphrase (signin.go): the one door every sign-in passes through.
func (m Model) signIn(u cases.User) (Model, tea.Cmd) {
	m.sh.User = u
	m.view = viewLoading
	m.locked, m.active = false, true
	cmds := []tea.Cmd{loadResume(m.sh.Store, u.ID), loadUsers(m.sh.Store)}
	if f := m.onSignIn; f != nil {
		cmds = append(cmds, func() tea.Msg { f(); return nil })
	}
	return m, tea.Batch(cmds...)
}

// resume reopens the wizard where the officer left it, or shows home.
func (m Model) resume(msg resumeMsg) (tea.Model, tea.Cmd) {
	if msg.user != m.sh.User.ID {
		return m, nil
	}
	if msg.err != nil {
		m.flash, m.flashTone = "读取未完成的案件失败："+msg.err.Error(), styles.ToneDanger
	}
	if msg.draft == nil {
		if mm, cmd, ok := m.reviewLanding(); ok {
			return mm, cmd
		}
		m.view = viewHome
		return m, m.home.Load()
	}
	m.view = viewWizard
	m.wiz = newWizard(m.sh)
	m.wiz.SetSize(m.width, max(1, m.height-headerLines-footerLines))
	cmd := m.wiz.Resume(*msg.draft, msg.c, msg.events)
	m.flash, m.flashTone = "已恢复上次未完成的案件，停在："+m.wiz.stepTitle(), styles.ToneOK
	return m, cmd
}

// View draws the header, the active screen, the notice line and the help bar.
func (m Model) View() string {
	w := m.width
	bh := max(1, m.height-headerLines-footerLines)
	var body string
	switch {
	case m.fatal != nil:
		body = m.sh.Styles.Error.Render(widgets.FitLines(strings.Join(widgets.Wrap("无法读取本机数据："+m.fatal.Error()+"\n请按 F10 退出后检查数据目录。", w-2), "\n"), w))
	case m.locked:
		body = m.lock.View()
	case m.showHelp:
		body = m.fullHelp(bh)
	default:
		switch m.view {
		case viewLoading:
			body = m.sh.Styles.Muted.Render(" 正在读取本机数据...")
		case viewSignIn:
			body = m.signin.View()
		case viewHome:
			body = m.home.View()
		case viewWizard:
			body = m.wiz.View()
		case viewList:
			body = m.list.View()
		case viewDetail:
			body = m.detail.View()
		case viewReader:
			body = m.reader.View()
		case viewNotices:
			body = m.notes.View()
		case viewPapers, viewDashboard:
			body, _ = m.papersBody()
		default:
			body, _ = m.reviewBody()
		}
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
	if m.locked {
		return "已锁定"
	}
	switch m.view {
	case viewSignIn:
		switch {
		case m.signin.setup:
			return "登记执法人员"
		case m.signin.newPass:
			return "设置口令"
		case m.signin.chosen != nil:
			return "登录"
		}
		return "选择身份"
	case viewHome:
		return "首页"
	case viewWizard:
		return m.wiz.Crumb()
	case viewList:
		return "案件列表"
	case viewDetail:
		return "案件详情"
	case viewReader:
		return "条文全文"
	case viewNotices:
		return "同步通知"
	}
	if c, ok := m.papersCrumb(); ok {
		return c
	}
	c, _ := m.reviewCrumb()
	return c
}

func (m Model) header() string {
	st := m.sh.Styles
	left := " fieldcase 城管执法办案"
	if c := m.crumb(); c != "" {
		left += " > " + c
	}
	right := m.sh.Now.In(local).Format("01-02 15:04") + " "
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
	switch m.view {
	case viewWizard:
		return m.wiz.Status()
	case viewList:
		return m.list.Status()
	case viewNotices:
		return m.notes.Status()
	}
	if n, t, ok := m.papersNotice(); ok {
		return n, t
	}
	n, t, _ := m.reviewNotice()
	return n, t
}

func (m Model) shortHelp() []key.Binding {
	var bs []key.Binding
	if m.showHelp {
		return []key.Binding{key.NewBinding(key.WithKeys("esc"), key.WithHelp("Esc", "关闭帮助"))}
	}
	lock := m.keys.Lock
	lock.SetEnabled(m.canLock() && !m.locked)
	if m.locked {
		return append(m.lock.ShortHelp(), lock, m.keys.Help, m.keys.Exit)
	}
	switch m.view {
	case viewSignIn:
		bs = m.signin.ShortHelp()
	case viewHome, viewQueue, viewReview:
		bs, _ = m.reviewShortHelp()
	case viewWizard:
		bs = m.wiz.ShortHelp()
	case viewList:
		bs = m.list.ShortHelp()
	case viewDetail:
		bs = m.detail.ShortHelp()
	case viewReader:
		bs = m.reader.ShortHelp()
	case viewNotices:
		bs = m.notes.ShortHelp()
	case viewPapers, viewDashboard:
		bs, _ = m.papersShortHelp()
	}
	if !m.showHelp {
		if m.view == viewHome {
			// The screens it opens first; Enter next, refresh the first to go.
			dash := m.dash.keys.Entry
			dash.SetHelp("F8", "统计") // short, so Enter still fits at 80 columns
			notes := m.home.keys.Notices
			notes.SetHelp("F6", "通知")
			bs = []key.Binding{m.home.keys.NewCase, m.home.keys.CaseList, m.queue.keys.Entry, dash, notes,
				m.home.keys.Enter, m.home.keys.Resume, m.home.keys.Refresh}
			if m.home.data.unread > 0 {
				// Unread news first, before the queue and the figures.
				bs = []key.Binding{m.home.keys.NewCase, m.home.keys.CaseList, notes, m.queue.keys.Entry, dash,
					m.home.keys.Enter, m.home.keys.Resume, m.home.keys.Refresh}
			}
		} else {
			bs = append(bs, m.papersEntries()...) // F7 文书 on a case
		}
	}
	return append(bs, lock, m.keys.Help, m.keys.Exit)
}

func (m Model) fullHelpGroups() [][]key.Binding {
	var g [][]key.Binding
	switch m.view {
	case viewSignIn:
		g = m.signin.FullHelp()
	case viewHome, viewQueue, viewReview:
		g, _ = m.reviewFullHelp()
	case viewWizard:
		g = m.wiz.FullHelp()
	case viewList:
		g = m.list.FullHelp()
	case viewDetail:
		g = m.detail.FullHelp()
	case viewReader:
		g = m.reader.FullHelp()
	case viewNotices:
		g = m.notes.FullHelp()
	case viewPapers, viewDashboard:
		g, _ = m.papersFullHelp()
	}
	if e := m.papersEntries(); len(e) > 0 {
		g = append(g, e)
	}
	global := []key.Binding{m.keys.Help, m.keys.Exit}
	if m.canLock() {
		global = append(global, m.keys.Lock)
	}
	if m.canQuitWithQ() {
		global = append(global, m.keys.Quit)
	}
	return append(g, global)
}

// helpBar lists the live keys; the lock (once signed in), help and exit
// keys always show, at the right end, however many keys the screen has.
func (m Model) helpBar() string {
	bs := m.shortHelp()
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
	for _, g := range m.fullHelpGroups() {
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
