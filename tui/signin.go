package tui

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
	"fieldcase/tui/styles"
	"fieldcase/tui/widgets"
)

// signIn picks who is working on this device, or registers the first
// officer on a new device. There is no passphrase yet: choosing a user is
// signing in (see Model.signIn for where a passphrase check will go).
//
// The picker has a filter that always has focus (issue 4, "pick or type the
// user"): typing narrows the list by id, name or pinyin, so letters never
// act as keys here — not even q or ?.
type signIn struct {
	sh     *shared
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

	req nav
}

// officerIDRe is the officer id the command line accepts too.
var officerIDRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

func newSignIn(sh *shared) signIn {
	s := signIn{sh: sh, keys: keys.NewSignIn()}
	s.form = s.newForm()
	s.filter = widgets.NewInput(sh.st, "编号、姓名或拼音，如 ww", 32)
	return s
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
	f := widgets.NewForm(s.sh.st)
	f.AddText("id", "执法人员编号", "字母或数字，如 A1023", 32)
	f.AddText("name", "姓名", "", cases.MaxNameLen)
	f.AddText("cert", "执法证号", "证件上的编号", 40)
	opts := make([]widgets.Option, len(cases.Roles))
	for i, r := range cases.Roles {
		opts[i] = widgets.Option{Value: string(r), Label: r.Label()}
	}
	f.AddChoice("role", "角色", opts)
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
	s.scroll()
	s.form = s.newForm()
	s.syncKeys()
}

// Focus gives the first field focus when the form is shown, the picker's
// filter otherwise.
func (s *signIn) Focus() tea.Cmd {
	if s.setup {
		return s.form.FocusFirst()
	}
	return s.filter.Focus()
}

func (s *signIn) syncKeys() {
	s.keys.Choose.SetEnabled(!s.setup && len(s.shown) > 0)
	s.keys.Move.SetEnabled(!s.setup && len(s.shown) > 1)
	s.keys.Clear.SetEnabled(!s.setup && s.filter.Value() != "")
	s.keys.AddUser.SetEnabled(!s.setup)
	s.keys.Save.SetEnabled(s.setup)
	s.keys.Cancel.SetEnabled(s.setup && !s.first)
	s.keys.Next.SetEnabled(s.setup)
}

// Typing reports whether a text field has focus: on the picker the filter
// always has it.
func (s signIn) Typing() bool { return !s.setup || s.form.Typing() }

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
	case userAddedMsg:
		s.busy = false
		if msg.err != nil {
			if errors.Is(msg.err, store.ErrUserExists) {
				s.form.SetError("id", "该编号已在本机登记，请换一个编号，或按 Esc 返回选择")
				s.form.Focus("id")
			} else {
				s.err = "登记失败：" + msg.err.Error()
			}
			return s, nil
		}
		s.req = nav{kind: navSignedIn, user: msg.user, notice: "已登记：" + msg.user.Name + "，欢迎使用", tone: styles.ToneOK}
		return s, nil
	case tea.MouseMsg:
		return s.mouse(msg)
	case tea.KeyMsg:
		if s.setup {
			return s.updateForm(msg)
		}
		return s.updatePicker(msg)
	}
	if s.setup {
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
			s.req = nav{kind: navSignedIn, user: s.users[s.shown[s.cursor]]}
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

func (s *signIn) rows() int { return max(1, s.height-pickerTop-1) }

func (s *signIn) scroll() {
	s.cursor = max(0, min(s.cursor, len(s.shown)-1))
	s.offset = widgets.Window(s.offset, s.cursor, s.rows(), len(s.shown))
}

func (s signIn) updateForm(msg tea.KeyMsg) (signIn, tea.Cmd) {
	if s.busy {
		return s, nil
	}
	switch {
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
	if s.form.HasErrors() {
		s.form.FirstError()
		return s, nil
	}
	s.busy = true
	return s, addUser(s.sh.store, u)
}

func (s signIn) mouse(msg tea.MouseMsg) (signIn, tea.Cmd) {
	if s.setup {
		if msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft {
			s.form.Click(msg.Y - 3)
		}
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
				s.req = nav{kind: navSignedIn, user: s.users[s.shown[i]]}
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
	st := s.sh.st
	if s.setup {
		var lines []string
		if s.first {
			lines = append(lines, st.Title.Render(" 欢迎使用。本机尚未登记执法人员，请先登记您本人。"))
		} else {
			lines = append(lines, st.Title.Render(" 登记新的执法人员"))
		}
		lines = append(lines, st.Muted.Render(" 登记后，您在本机记录的每一项操作都以您的名义留痕。"), "")
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
	lines := []string{
		st.Title.Render(" 请选择您的身份"),
		st.Muted.Render(widgets.Truncate(" 本机登记的执法人员（输入编号、姓名或拼音筛选；Enter 登录；F2 登记新人员）", s.width)),
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
	return strings.Join(lines, "\n")
}

// ShortHelp lists the live keys.
func (s signIn) ShortHelp() []key.Binding {
	if s.setup {
		return []key.Binding{s.keys.Next, s.keys.Save, s.keys.Cancel}
	}
	return []key.Binding{s.keys.Move, s.keys.Choose, s.keys.Clear, s.keys.AddUser}
}

// FullHelp lists every key of the screen.
func (s signIn) FullHelp() [][]key.Binding {
	if s.setup {
		return [][]key.Binding{{s.keys.Next, s.keys.Prev, s.keys.Save, s.keys.Cancel}}
	}
	return [][]key.Binding{{s.keys.Up, s.keys.Down, s.keys.Top, s.keys.Bottom, s.keys.Choose, s.keys.Clear, s.keys.AddUser}}
}
