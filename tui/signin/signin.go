package signin

import (
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/tui/keys"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
	"fieldcase/tui/styles"
	"fieldcase/tui/widgets"
)

// signIn picks who is working on this device and takes their passphrase,
// or registers the first officer on a new device (who sets one). A user
// without a passphrase — every user of a store from before encryption, or
// one added then — is led to set one: on such a store the first one set
// encrypts it (after a backup); later, a colleague who has a passphrase
// vouches for the new one by typing theirs. Registering another user (F2)
// takes the same colleague's passphrase.
//
// The picker has a filter that always has focus (issue 4, "pick or type the
// user"): typing narrows the list by id, name or pinyin, so letters never
// act as keys here — not even q or ?.
type signIn struct {
	sh     *screen.Context
	keys   keys.SignIn
	width  int
	height int

	users  []cases.User
	found  []userKeys // what the filter matches, one per user
	filter textinput.Model
	shown  []int // indexes into users that match the filter
	cursor int   // index into shown
	offset int

	setup bool // the registration form is shown
	first bool // no user on the device yet: registration is the only way on
	form  widgets.Form
	err   string
	busy  bool

	encrypted bool            // the store has a data key
	hasPass   map[string]bool // user id → has a passphrase
	demoPass  string          // shown on a demo store

	// The passphrase step, once a user is chosen: pass takes it; or, for
	// a user without one, newPass shows the form that sets it.
	chosen  *cases.User
	newPass bool
	pass    textinput.Model
	passErr string
}

// officerIDRe is the officer id the command line accepts too.
var officerIDRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// New builds the sign-in screen, for the root's registry; demoPassphrase
// is shown on it for a demo store.
func New(ctx *screen.Context, demoPassphrase string) screen.Screen {
	return screen.Adapt(screen.SignIn, newSignIn(ctx, demoPassphrase))
}

func newSignIn(sh *screen.Context, demoPass string) signIn {
	s := signIn{sh: sh, keys: keys.NewSignIn(), demoPass: demoPass, hasPass: map[string]bool{}}
	s.form = s.newForm()
	s.filter = widgets.NewInput(sh.Styles, "编号、姓名或拼音，如 ww", 32)
	s.pass = widgets.NewPassword(sh.Styles, "", present.PassLimit)
	return s
}

// setAuth records which users have a passphrase (from loadUsers).
func (s *signIn) setAuth(encrypted bool, hasPass map[string]bool) {
	s.encrypted, s.hasPass = encrypted, hasPass
	if s.hasPass == nil {
		s.hasPass = map[string]bool{}
	}
	s.syncKeys()
}

// sponsors are the users who can vouch for another: those with a passphrase.
func (s signIn) sponsors(except string) []widgets.Option {
	var opts []widgets.Option
	for _, u := range s.users {
		if u.ID != except && s.hasPass[u.ID] {
			opts = append(opts, widgets.Option{Value: u.ID, Label: u.Name})
		}
	}
	return opts
}

// addPassFields adds the new passphrase, typed twice, and — when the store
// is already encrypted and this is not its first user — the colleague who
// vouches and their passphrase.
func (s signIn) addPassFields(f *widgets.Form, sponsor bool, except string) {
	f.AddPassword("pass", "口令", "至少 8 个字符，或至少 6 位数字", present.PassLimit)
	f.AddPassword("pass2", "再次输入口令", "", present.PassLimit)
	if sponsor {
		f.AddChoice("sponsor", "开通人", s.sponsors(except))
		f.AddPassword("sponsor_pass", "开通人口令", "已登记同事的口令", present.PassLimit)
	}
}

// userKeys are what the picker's filter matches for one user: the id and
// the name folded, and the name's pinyin in full and as initials, so 王五
// is found by 王五, wangwu or ww.
type userKeys struct {
	id, name string
	pinyin   []string
}

func keysOfUser(u cases.User) userKeys {
	name := cases.NormalizeSearch(u.Name)
	full, inits := cases.PinyinReadings(name)
	return userKeys{id: cases.NormalizeSearch(u.ID), name: name, pinyin: append(full, inits...)}
}

// match: the id or name contains q, or a pinyin reading starts with it.
func (k userKeys) match(q string) bool {
	if q == "" || strings.Contains(k.id, q) || strings.Contains(k.name, q) {
		return true
	}
	for _, p := range k.pinyin {
		if strings.HasPrefix(p, q) {
			return true
		}
	}
	return false
}

// refilter shows the users the filter matches: the first match is
// highlighted; with the filter empty the highlighted user stays.
func (s *signIn) refilter() {
	prev := -1
	if s.cursor >= 0 && s.cursor < len(s.shown) {
		prev = s.shown[s.cursor]
	}
	q := cases.NormalizeSearch(s.filter.Value())
	shown := make([]int, 0, len(s.users))
	for i, k := range s.found {
		if k.match(q) {
			shown = append(shown, i)
		}
	}
	s.shown, s.cursor, s.offset = shown, 0, 0
	if q == "" {
		for j, i := range shown {
			if i == prev {
				s.cursor = j
			}
		}
	}
	s.scroll()
}

func (s signIn) newForm() widgets.Form {
	f := widgets.NewForm(s.sh.Styles)
	f.AddText("id", "执法人员编号", "字母或数字，如 A1023", 32)
	f.AddText("name", "姓名", "", cases.MaxNameLen)
	f.AddText("cert", "执法证号", "证件上的编号", 40)
	opts := make([]widgets.Option, len(cases.Roles))
	for i, r := range cases.Roles {
		opts[i] = widgets.Option{Value: string(r), Label: r.Label()}
	}
	f.AddChoice("role", "角色", opts)
	s.addPassFields(&f, s.encrypted && len(s.users) > 0, "")
	f.AddButton("save", "保存并开始使用")
	f.SetSize(s.width-2, max(1, s.height-5))
	return f
}

// start shows the picker, or the registration form when there is no user.
func (s *signIn) start(users []cases.User, preselect string) {
	s.users, s.cursor, s.offset, s.err, s.busy = users, 0, 0, "", false
	s.found = make([]userKeys, len(users))
	s.shown = make([]int, len(users))
	for i, u := range users {
		s.found[i] = keysOfUser(u)
		s.shown[i] = i
		if u.ID == preselect {
			s.cursor = i
		}
	}
	s.filter.SetValue("")
	s.first = len(users) == 0
	s.setup = s.first
	s.chosen, s.newPass, s.passErr = nil, false, ""
	s.pass.SetValue("")
	s.scroll()
	s.form = s.newForm()
	s.syncKeys()
}

// Focus gives the first field focus when the form is shown, the picker's
// filter otherwise.
func (s *signIn) Focus() tea.Cmd {
	switch {
	case s.setup || s.newPass:
		return s.form.FocusFirst()
	case s.chosen != nil:
		return s.pass.Focus()
	}
	return s.filter.Focus()
}

// picking: the user list is shown.
func (s signIn) picking() bool { return !s.setup && s.chosen == nil }

// formShown: the registration form, or the form that sets a passphrase.
func (s signIn) formShown() bool { return s.setup || s.newPass }

func (s *signIn) syncKeys() {
	pick := s.picking()
	s.keys.Choose.SetEnabled(pick && len(s.shown) > 0)
	s.keys.Move.SetEnabled(pick && len(s.shown) > 1)
	s.keys.Clear.SetEnabled(pick && s.filter.Value() != "")
	// A store from before encryption takes no new user until someone has
	// set a passphrase (which encrypts it).
	s.keys.AddUser.SetEnabled(pick && (s.encrypted || len(s.users) == 0))
	s.keys.Save.SetEnabled(s.formShown())
	s.keys.Cancel.SetEnabled(s.setup && !s.first)
	s.keys.Next.SetEnabled(s.formShown())
	s.keys.Unlock.SetEnabled(s.chosen != nil && !s.newPass)
	s.keys.Back.SetEnabled(s.chosen != nil)
}

// Typing reports whether a text field has focus: on the picker the filter
// always has it, on the passphrase step the passphrase.
func (s signIn) Typing() bool { return !s.formShown() || s.form.Typing() }

// SetSize lays the screen out.
func (s *signIn) SetSize(w, h int) {
	s.width, s.height = w, h
	s.form.SetSize(w-2, max(1, h-5))
	s.filter.Width = max(10, min(30, w-10))
	s.scroll()
}

// Update handles keys, clicks and the result of registering a user.
func (s signIn) Update(msg tea.Msg) (signIn, tea.Cmd) {
	switch msg := msg.(type) {
	case signedInMsg:
		return s.signedIn(msg)
	case screen.Users:
		s.setAuth(msg.Encrypted, msg.HasPass)
		return s, nil
	case tea.MouseMsg:
		return s.mouse(msg)
	case tea.KeyMsg:
		switch {
		case s.formShown():
			return s.updateForm(msg)
		case s.chosen != nil:
			return s.updatePass(msg)
		}
		return s.updatePicker(msg)
	}
	if s.formShown() {
		var cmd tea.Cmd
		s.form, cmd = s.form.Update(msg)
		return s, cmd
	}
	return s, nil
}

func (s signIn) updatePicker(msg tea.KeyMsg) (signIn, tea.Cmd) {
	switch {
	case key.Matches(msg, s.keys.AddUser):
		s.setup = true
		s.form = s.newForm()
		s.form.SetSize(s.width-2, max(1, s.height-5))
		s.syncKeys()
		return s, s.form.FocusFirst()
	case key.Matches(msg, s.keys.Up):
		s.cursor = max(0, s.cursor-1)
	case key.Matches(msg, s.keys.Down):
		s.cursor = min(len(s.shown)-1, s.cursor+1)
	case key.Matches(msg, s.keys.Top):
		s.cursor = 0
	case key.Matches(msg, s.keys.Bottom):
		s.cursor = len(s.shown) - 1
	case key.Matches(msg, s.keys.Choose):
		if s.cursor >= 0 && s.cursor < len(s.shown) {
			return s.choose(s.users[s.shown[s.cursor]])
		}
	case key.Matches(msg, s.keys.Clear):
		s.filter.SetValue("")
		s.refilter()
	default:
		// Everything else edits the filter: letters (one rune or a whole
		// IME commit), Backspace, the cursor keys of the field.
		before := s.filter.Value()
		var cmd tea.Cmd
		s.filter, cmd = s.filter.Update(msg)
		if s.filter.Value() != before {
			s.refilter()
		}
		s.syncKeys()
		return s, cmd
	}
	s.scroll()
	s.syncKeys()
	return s, nil
}

func (s *signIn) rows() int {
	if s.demoPass != "" {
		return max(1, s.height-pickerTop-2) // the last line tells the demo passphrase
	}
	return max(1, s.height-pickerTop-1)
}

func (s *signIn) scroll() {
	s.cursor = max(0, min(s.cursor, len(s.shown)-1))
	s.offset = widgets.Window(s.offset, s.cursor, s.rows(), len(s.shown))
}

func (s signIn) updateForm(msg tea.KeyMsg) (signIn, tea.Cmd) {
	if s.busy {
		return s, nil
	}
	switch {
	case key.Matches(msg, s.keys.Cancel) && s.newPass:
		return s.back()
	case key.Matches(msg, s.keys.Cancel) && !s.first:
		s.setup = false
		s.syncKeys()
		return s, s.filter.Focus()
	case key.Matches(msg, s.keys.Save):
		return s.save()
	}
	var cmd tea.Cmd
	s.form, cmd = s.form.Update(msg)
	if s.form.Changed {
		s.form.ClearMessages()
		s.err = ""
	}
	if s.form.Submitted {
		return s.save()
	}
	return s, cmd
}

// save checks the form the way `fieldcase init` does and registers the user.
func (s signIn) save() (signIn, tea.Cmd) {
	if s.newPass {
		return s.savePass()
	}
	s.form.ClearMessages()
	u := cases.User{
		ID:   strings.TrimSpace(s.form.Value("id")),
		Name: cases.CleanLine(s.form.Value("name")),
		Cert: cases.CleanLine(s.form.Value("cert")),
		Role: cases.Role(s.form.Value("role")),
	}
	if !officerIDRe.MatchString(u.ID) {
		s.form.SetError("id", "请填写执法人员编号：字母、数字、- 或 _，最多 32 位")
	}
	switch {
	case u.Name == "":
		s.form.SetError("name", "请填写姓名")
	case utf8.RuneCountInString(u.Name) > cases.MaxNameLen:
		s.form.SetError("name", "姓名过长")
	}
	if u.Cert == "" {
		s.form.SetError("cert", "请填写执法证号")
	}
	pass, sponsor, spass := s.checkPassFields()
	if s.form.HasErrors() {
		s.form.FirstError()
		return s, nil
	}
	s.busy = true
	return s, addUser(s.sh.Store, u, pass, sponsor, spass)
}

// savePass sets the chosen user's first passphrase.
func (s signIn) savePass() (signIn, tea.Cmd) {
	s.form.ClearMessages()
	pass, sponsor, spass := s.checkPassFields()
	if s.form.HasErrors() {
		s.form.FirstError()
		return s, nil
	}
	s.busy = true
	return s, setPassphrase(s.sh.Store, *s.chosen, pass, sponsor, spass)
}

// checkPassFields checks the new passphrase (policy, typed twice the same)
// and that a colleague's passphrase is given where one is asked for.
func (s *signIn) checkPassFields() (pass, sponsor, spass string) {
	pass = s.form.Value("pass")
	if err := store.CheckPassphrase(pass); err != nil {
		s.form.SetError("pass", err.Error())
	} else if s.form.Value("pass2") != pass {
		s.form.SetError("pass2", "两次输入的口令不一致")
	}
	if s.form.Has("sponsor") {
		sponsor, spass = s.form.Value("sponsor"), s.form.Value("sponsor_pass")
		switch {
		case sponsor == "":
			s.form.SetError("sponsor", "本机还没有设置了口令的人员，无法开通")
		case spass == "":
			s.form.SetError("sponsor_pass", "请开通人输入其口令")
		}
	}
	return pass, sponsor, spass
}

// choose moves on from the picker: to the passphrase, or to setting one.
func (s signIn) choose(u cases.User) (signIn, tea.Cmd) {
	s.chosen = &u
	s.passErr, s.err = "", ""
	s.pass.SetValue("")
	if !s.encrypted || !s.hasPass[u.ID] {
		return s.startNewPass()
	}
	s.newPass = false
	s.syncKeys()
	return s, s.pass.Focus()
}

// startNewPass shows the form that sets the chosen user's first passphrase.
func (s signIn) startNewPass() (signIn, tea.Cmd) {
	s.newPass = true
	f := widgets.NewForm(s.sh.Styles)
	s.addPassFields(&f, s.encrypted, s.chosen.ID)
	f.AddButton("save", "设置口令并登录")
	f.SetSize(s.width-2, max(1, s.height-passFormTop-1))
	s.form = f
	s.syncKeys()
	return s, s.form.FocusFirst()
}

const passFormTop = 5 // lines above the form that sets a passphrase

// back returns from the passphrase step to the picker.
func (s signIn) back() (signIn, tea.Cmd) {
	s.chosen, s.newPass, s.passErr, s.err, s.busy = nil, false, "", "", false
	s.pass.SetValue("")
	s.pass.Blur()
	s.syncKeys()
	return s, s.filter.Focus()
}

func (s signIn) updatePass(msg tea.KeyMsg) (signIn, tea.Cmd) {
	if s.busy {
		return s, nil
	}
	switch {
	case key.Matches(msg, s.keys.Back):
		return s.back()
	case key.Matches(msg, s.keys.Unlock):
		if s.pass.Value() == "" {
			s.passErr = "请输入口令"
			return s, nil
		}
		s.busy, s.passErr = true, ""
		pass := s.pass.Value()
		s.pass.SetValue("")
		return s, unlockAs(s.sh.Store, *s.chosen, pass)
	}
	var cmd tea.Cmd
	before := s.pass.Value()
	s.pass, cmd = s.pass.Update(msg)
	if s.pass.Value() != before {
		s.passErr = ""
	}
	return s, cmd
}

// signedIn takes the result of a sign-in, registration or new passphrase.
func (s signIn) signedIn(msg signedInMsg) (signIn, tea.Cmd) {
	s.busy = false
	if msg.err == nil {
		notice, tone := msg.notice, styles.ToneWarn
		if notice == "" && s.setup {
			notice, tone = "已登记："+msg.user.Name+"，欢迎使用", styles.ToneOK
		}
		s.pass.SetValue("")
		return s, screen.Send(screen.SignedIn{User: msg.user, Notice: notice, Tone: tone})
	}
	if !s.setup && (s.chosen == nil || s.chosen.ID != msg.user.ID) {
		return s, nil // the officer went back meanwhile
	}
	if !s.formShown() && (errors.Is(msg.err, store.ErrNoPassphrase) || errors.Is(msg.err, store.ErrNotEncrypted)) {
		s.encrypted = !errors.Is(msg.err, store.ErrNotEncrypted)
		s.hasPass[msg.user.ID] = false
		return s.startNewPass()
	}
	text := present.PassProblem(msg.err, s.sh.Now)
	if !s.formShown() {
		s.passErr = text
		return s, s.pass.Focus()
	}
	switch {
	case errors.Is(msg.err, store.ErrUserExists):
		text = "该编号已在本机登记，请换一个编号，或按 Esc 返回选择"
	case msg.field == "sponsor_pass":
		text = "开通人" + text
	}
	field := msg.field
	if !s.form.Has(field) {
		field = "pass"
	}
	s.form.SetError(field, text)
	s.form.Focus(field)
	return s, nil
}

func (s signIn) mouse(msg tea.MouseMsg) (signIn, tea.Cmd) {
	if s.newPass {
		if msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft {
			s.form.Click(msg.Y - passFormTop)
		}
		return s, nil
	}
	if s.setup {
		if msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft {
			s.form.Click(msg.Y - 3)
		}
		return s, nil
	}
	if s.chosen != nil {
		return s, nil
	}
	switch {
	case msg.Button == tea.MouseButtonWheelUp:
		s.cursor = max(0, s.cursor-1)
	case msg.Button == tea.MouseButtonWheelDown:
		s.cursor = min(len(s.shown)-1, s.cursor+1)
	case msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft:
		i := msg.Y - pickerTop + s.offset
		if msg.Y >= pickerTop && i < len(s.shown) {
			if i == s.cursor {
				return s.choose(s.users[s.shown[i]])
			}
			s.cursor = i
		}
	}
	s.scroll()
	return s, nil
}

const pickerTop = 4 // lines above the first user row

// View draws the picker or the registration form.
func (s signIn) View() string {
	st := s.sh.Styles
	if s.chosen != nil && !s.setup {
		return s.passView()
	}
	if s.setup {
		var lines []string
		if s.first {
			lines = append(lines, st.Title.Render(" 欢迎使用。本机尚未登记执法人员，请先登记您本人。"))
		} else {
			lines = append(lines, st.Title.Render(" 登记新的执法人员"))
		}
		lines = append(lines, st.Muted.Render(widgets.Truncate(" 登记后，您在本机的每一项操作都以您的名义留痕；口令用于登录和加密本机数据。", s.width)), "")
		form := strings.Split(s.form.View(), "\n")
		for _, l := range form {
			lines = append(lines, " "+l)
		}
		if s.err != "" {
			lines = append(lines, st.Error.Render(" ! "+s.err))
		}
		if s.busy {
			lines = append(lines, st.Muted.Render(" 正在保存..."))
		}
		return strings.Join(lines, "\n")
	}
	hint := " 本机登记的执法人员（输入编号、姓名或拼音筛选；Enter 登录；F2 登记新人员）"
	if !s.keys.AddUser.Enabled() {
		hint = " 本机数据尚未加密：请选择您本人，设置口令后即加密保存"
	}
	lines := []string{
		st.Title.Render(" 请选择您的身份"),
		st.Muted.Render(widgets.Truncate(hint, s.width)),
		" " + st.Label.Render("查找 ") + s.filter.View(),
		"",
	}
	rows := s.rows()
	off := widgets.Window(s.offset, s.cursor, rows, len(s.shown))
	for i := off; i < len(s.shown) && i < off+rows; i++ {
		u := s.users[s.shown[i]]
		row := widgets.Pad(u.ID, 12) + " " + widgets.Pad(u.Name, 16) + " " + widgets.Pad(u.Role.Label(), 10) + " 执法证号 " + u.Cert
		row = widgets.Truncate(row, s.width-4)
		if i == s.cursor {
			lines = append(lines, " "+st.List.Selected.Render("> "+widgets.Pad(row, s.width-4)))
		} else {
			lines = append(lines, " "+st.List.Row.Render("  "+row))
		}
	}
	if len(s.shown) == 0 && len(s.users) > 0 {
		q := cases.CleanLine(s.filter.Value())
		lines = append(lines, st.List.Empty.Render(widgets.Truncate("   没有与“"+q+"”相符的人员。按 Esc 清除筛选，或按 F2 登记新人员。", s.width)))
	}
	if s.demoPass != "" {
		for len(lines) < s.height-1 {
			lines = append(lines, "")
		}
		lines = append(lines[:s.height-1], st.Info.Render(widgets.Truncate(" 演示数据：各演示人员的口令都是 "+s.demoPass, s.width)))
	}
	return strings.Join(lines, "\n")
}

// passView is the passphrase step: the chosen user, the masked field and
// what the last attempt said (attempts left, or until when it is locked).
func (s signIn) passView() string {
	st := s.sh.Styles
	u := *s.chosen
	who := u.Name + "（" + u.ID + "，" + u.Role.Label() + "）"
	var lines []string
	if s.newPass {
		title := " 设置口令"
		intro := []string{who + " 还没有口令。请设置口令，以后凭口令登录。"}
		if !s.encrypted {
			intro = append(intro, "本机数据是加密功能上线前保存的：设置后即加密保存，原数据文件先备份一份。")
		} else {
			intro = append(intro, "请一位已设置口令的同事（开通人）在下方输入其口令，为您开通。")
		}
		lines = append(lines, st.Title.Render(title))
		for _, l := range intro {
			lines = append(lines, st.Muted.Render(widgets.Truncate(" "+l, s.width)))
		}
		for len(lines) < passFormTop-1 {
			lines = append(lines, "")
		}
		lines = append(lines, "")
		for _, l := range strings.Split(s.form.View(), "\n") {
			lines = append(lines, " "+l)
		}
		if s.busy {
			lines = append(lines, st.Muted.Render(" 正在设置口令并加密，请稍候..."))
		}
		return strings.Join(lines, "\n")
	}
	lines = append(lines,
		st.Title.Render(" 请输入口令"),
		st.Muted.Render(widgets.Truncate(" 以"+who+"的身份登录。Esc 返回重新选择。", s.width)),
		"",
		" "+st.Label.Render("口令 ")+" "+s.pass.View(),
		"",
	)
	switch {
	case s.busy:
		lines = append(lines, st.Muted.Render(" 正在核对口令..."))
	case s.passErr != "":
		for _, l := range widgets.Wrap(s.passErr, s.width-4) {
			lines = append(lines, st.Error.Render(" ! "+l))
		}
	}
	if s.demoPass != "" {
		lines = append(lines, "", st.Info.Render(widgets.Truncate(" 演示数据：各演示人员的口令都是 "+s.demoPass, s.width)))
	}
	return strings.Join(lines, "\n")
}

// Open shows the list of officers (n.As preselected), or the form that
// registers the first.
func (s *signIn) Open(n screen.Navigate) tea.Cmd {
	s.start(s.sh.Users, n.As)
	return s.Focus()
}

// Crumb names the step in the header.
func (s signIn) Crumb() string {
	switch {
	case s.setup:
		return "登记执法人员"
	case s.newPass:
		return "设置口令"
	case s.chosen != nil:
		return "登录"
	}
	return "选择身份"
}

// QuitsWithQ: q quits from the list, unless its filter takes every letter
// (F10 exits there).
func (s signIn) QuitsWithQ() bool { return !s.setup && !s.Typing() }

// ShortHelp lists the live keys.
func (s signIn) ShortHelp() []key.Binding {
	switch {
	case s.newPass:
		return []key.Binding{s.keys.Next, s.keys.Save, s.keys.Back}
	case s.setup:
		return []key.Binding{s.keys.Next, s.keys.Save, s.keys.Cancel}
	case s.chosen != nil:
		return []key.Binding{s.keys.Unlock, s.keys.Back}
	}
	return []key.Binding{s.keys.Move, s.keys.Choose, s.keys.Clear, s.keys.AddUser}
}

// FullHelp lists every key of the screen.
func (s signIn) FullHelp() [][]key.Binding {
	switch {
	case s.newPass:
		return [][]key.Binding{{s.keys.Next, s.keys.Prev, s.keys.Save, s.keys.Back}}
	case s.setup:
		return [][]key.Binding{{s.keys.Next, s.keys.Prev, s.keys.Save, s.keys.Cancel}}
	case s.chosen != nil:
		return [][]key.Binding{{s.keys.Unlock, s.keys.Back}}
	}
	return [][]key.Binding{{s.keys.Up, s.keys.Down, s.keys.Top, s.keys.Bottom, s.keys.Choose, s.keys.Clear, s.keys.AddUser}}
}
