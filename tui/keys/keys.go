// Package keys declares every key binding of the officer TUI, once, with
// Chinese help text. Each screen gets its own KeyMap value from a
// constructor (no package-level mutable state) and switches bindings on and
// off as its context changes, so the help bar only ever lists live keys.
//
// Every action has a key that works while a Chinese IME is on: arrows,
// Enter, Esc, Tab, F-keys or Ctrl combinations. Letter keys (j, k, q, ?)
// are conveniences that only act when no text field has focus.
package keys

import "github.com/charmbracelet/bubbles/key"

func b(keys []string, helpKey, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(helpKey, desc))
}

// Global keys, handled by the root before any screen.
type Global struct {
	Exit key.Binding // always: save and quit
	Quit key.Binding // q, only when no text field has focus
	Help key.Binding // F1 always, ? when no text field has focus
	Lock key.Binding // Ctrl+L: lock the screen at once (signed in only)
}

// NewGlobal returns the global bindings.
func NewGlobal() Global {
	return Global{
		Exit: b([]string{"f10", "ctrl+c"}, "F10", "退出"),
		Quit: b([]string{"q"}, "q", "退出"),
		Help: b([]string{"f1", "?"}, "F1", "帮助"),
		Lock: b([]string{"ctrl+l"}, "ctrl+l", "锁屏"),
	}
}

// Nav is the movement shared by lists and forms.
type Nav struct {
	Move     key.Binding // help only: Up and Down together
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Enter    key.Binding
	Back     key.Binding
	Next     key.Binding
	Prev     key.Binding
}

// NewNav returns list movement with vim keys.
func NewNav() Nav {
	return Nav{
		Move:     b([]string{"up", "down", "k", "j"}, "上下键/jk", "移动"),
		Up:       b([]string{"up", "k"}, "上键/k", "上移"),
		Down:     b([]string{"down", "j"}, "下键/j", "下移"),
		PageUp:   b([]string{"pgup"}, "PgUp", "上一屏"),
		PageDown: b([]string{"pgdown"}, "PgDn", "下一屏"),
		Top:      b([]string{"home", "g"}, "Home", "到顶"),
		Bottom:   b([]string{"end", "G"}, "End", "到底"),
		Enter:    b([]string{"enter"}, "Enter", "打开"),
		Back:     b([]string{"esc"}, "Esc", "返回"),
		Next:     b([]string{"tab"}, "Tab", "下一项"),
		Prev:     b([]string{"shift+tab"}, "Shift+Tab", "上一项"),
	}
}

// ArrowNav is Nav without letters, for screens where a text field is always
// focused and letters must reach it.
func ArrowNav() Nav {
	n := NewNav()
	n.Move = b([]string{"up", "down"}, "上下键", "移动")
	n.Up = b([]string{"up"}, "上键", "上移")
	n.Down = b([]string{"down"}, "下键", "下移")
	n.Top = b([]string{"home"}, "Home", "到顶")
	n.Bottom = b([]string{"end"}, "End", "到底")
	return n
}

// SignIn is the user picker and the first-run setup form.
type SignIn struct {
	Nav
	Choose  key.Binding
	AddUser key.Binding
	Save    key.Binding
	Cancel  key.Binding
	Clear   key.Binding // Esc: empty the picker's filter
	Unlock  key.Binding // Enter on the passphrase
	Back    key.Binding // Esc: from the passphrase back to the picker
}

// NewSignIn returns the sign-in bindings. The picker's filter takes every
// letter, so the list moves with arrows only (no j/k, g/G).
func NewSignIn() SignIn {
	n := ArrowNav()
	return SignIn{
		Nav:     n,
		Choose:  b([]string{"enter"}, "Enter", "以此身份登录"),
		AddUser: b([]string{"f2", "ctrl+n"}, "F2", "登记新人员"),
		Save:    b([]string{"ctrl+s", "f9"}, "ctrl+s", "保存登记"),
		Cancel:  b([]string{"esc"}, "Esc", "取消"),
		Clear:   b([]string{"esc"}, "Esc", "清除筛选"),
		Unlock:  b([]string{"enter"}, "Enter", "登录"),
		Back:    b([]string{"esc"}, "Esc", "返回选择"),
	}
}

// Lock is the lock screen: its passphrase field has focus throughout.
type Lock struct {
	Unlock     key.Binding
	SwitchUser key.Binding
}

// NewLock returns the lock screen's bindings.
func NewLock() Lock {
	return Lock{
		Unlock:     b([]string{"enter"}, "Enter", "解锁"),
		SwitchUser: b([]string{"f2", "ctrl+o"}, "F2", "切换用户"),
	}
}

// Home is the start screen.
type Home struct {
	Nav
	NewCase  key.Binding
	CaseList key.Binding
	Resume   key.Binding
	Refresh  key.Binding
	SignOut  key.Binding
	Focus    key.Binding
	Notices  key.Binding // the sync notices (tui/notices)
}

// NewHome returns the home bindings.
func NewHome() Home {
	return Home{
		Nav:      NewNav(),
		NewCase:  b([]string{"f2", "ctrl+n"}, "F2", "新建案件"),
		CaseList: b([]string{"f3"}, "F3", "案件列表"),
		Resume:   b([]string{"enter"}, "Enter", "继续办理"),
		Refresh:  b([]string{"f5", "ctrl+r"}, "F5", "刷新"),
		SignOut:  b([]string{"ctrl+o"}, "ctrl+o", "切换人员"),
		Focus:    b([]string{"tab", "shift+tab"}, "Tab", "切换区域"),
		Notices:  b([]string{"f6", "ctrl+t"}, "F6", "同步通知"),
	}
}

// Wizard is the new-case wizard, with its per-step keys.
type Wizard struct {
	Nav
	NextStep  key.Binding
	PrevStep  key.Binding
	Save      key.Binding
	Leave     key.Binding
	Field     key.Binding // Tab / Shift+Tab between fields
	Toggle    key.Binding // choice fields
	Check     key.Binding // checkboxes
	Confirm   key.Binding // Enter: next field or the step's action
	Complete  key.Binding // Tab completion of a path
	Attach    key.Binding // Enter on the path: attach the file
	Remove    key.Binding // remove the selected evidence
	Article   key.Binding // open the selected citation's text
	Citation  key.Binding // ←/→ between citations
	Scroll    key.Binding
	Submit    key.Binding
	ToReview  key.Binding // F9 before the last step: save and go to 核对提交
	Void      key.Binding // void the draft, with a reason
	Search    key.Binding // party: search known parties
	NewPerson key.Binding
	NewOrg    key.Binding
}

// NewWizard returns the wizard bindings.
func NewWizard() Wizard {
	n := ArrowNav()
	return Wizard{
		Nav:       n,
		NextStep:  b([]string{"f8", "ctrl+n"}, "F8", "下一步"),
		PrevStep:  b([]string{"f7", "ctrl+p"}, "F7", "上一步"),
		Save:      b([]string{"ctrl+s"}, "ctrl+s", "保存"),
		Leave:     b([]string{"esc"}, "Esc", "保存返回"),
		Field:     b([]string{"tab", "shift+tab"}, "Tab", "下一栏"),
		Toggle:    b([]string{"left", "right"}, "左右键", "选择"),
		Check:     b([]string{" ", "left", "right"}, "空格", "勾选"),
		Confirm:   b([]string{"enter"}, "Enter", "确定"),
		Complete:  b([]string{"tab"}, "Tab", "补全路径"),
		Attach:    b([]string{"enter"}, "Enter", "添加证据"),
		Remove:    b([]string{"delete", "ctrl+x"}, "Del", "移除证据"),
		Article:   b([]string{"f6", "ctrl+t"}, "F6", "条文全文"),
		Citation:  b([]string{"left", "right"}, "左右键", "选择条文"),
		Scroll:    b([]string{"up", "down", "pgup", "pgdown"}, "上下键", "滚动"),
		Submit:    b([]string{"f9", "ctrl+g"}, "F9", "提交审核"),
		ToReview:  b([]string{"f9", "ctrl+g"}, "F9", "到核对提交"),
		Void:      b([]string{"f5"}, "F5", "作废草稿"),
		Search:    b([]string{"f2"}, "F2", "查找当事人"),
		NewPerson: b([]string{"f3"}, "F3", "新登记公民"),
		NewOrg:    b([]string{"f4"}, "F4", "新登记单位"),
	}
}

// CaseList is the list of cases with its filters.
type CaseList struct {
	Nav
	Open      key.Binding
	Status    key.Binding // Tab / Shift+Tab through statuses
	Date      key.Binding
	Violation key.Binding
	Search    key.Binding
	EndSearch key.Binding // Esc: clear the search
	KeepFound key.Binding // Enter: stop typing, keep what was found
	SearchNav key.Binding // help only: arrows move while the search is typed
	More      key.Binding
	Refresh   key.Binding
}

// NewCaseList returns the case-list bindings.
func NewCaseList() CaseList {
	n := NewNav()
	n.Back = b([]string{"esc"}, "Esc", "返回")
	return CaseList{
		Nav:       n,
		Open:      b([]string{"enter"}, "Enter", "查看"),
		Status:    b([]string{"tab", "shift+tab"}, "Tab", "状态"),
		Date:      b([]string{"f6", "ctrl+t"}, "F6", "日期"),
		Violation: b([]string{"f7", "ctrl+x"}, "F7", "事项"),
		Search:    b([]string{"ctrl+f", "/"}, "ctrl+f", "搜索"),
		EndSearch: b([]string{"esc"}, "Esc", "清除搜索"),
		KeepFound: b([]string{"enter"}, "Enter", "完成搜索"),
		SearchNav: b([]string{"up", "down"}, "上下键", "移动"),
		More:      b([]string{"f8"}, "F8", "加载更多"),
		Refresh:   b([]string{"f5", "ctrl+r"}, "F5", "刷新"),
	}
}

// Detail is one case's detail view.
type Detail struct {
	Nav
	Tab      key.Binding
	Edit     key.Binding
	Article  key.Binding
	Citation key.Binding
}

// NewDetail returns the detail bindings.
func NewDetail() Detail {
	n := NewNav()
	n.Back = b([]string{"esc"}, "Esc", "返回")
	n.Up = b([]string{"up", "k"}, "上下键/jk", "滚动")
	n.Down = b([]string{"down", "j"}, "上下键/jk", "滚动")
	return Detail{
		Nav:      n,
		Tab:      b([]string{"tab", "shift+tab"}, "Tab", "切换页签"),
		Edit:     b([]string{"f4", "ctrl+e"}, "F4", "修改并重新提交"),
		Article:  b([]string{"f6", "ctrl+t"}, "F6", "条文全文"),
		Citation: b([]string{"left", "right"}, "左右键", "选择条文"),
	}
}

// Reader is the full text of a cited article.
type Reader struct {
	Nav
	Other key.Binding
}

// NewReader returns the reader bindings.
func NewReader() Reader {
	n := NewNav()
	n.Back = b([]string{"esc", "f6"}, "Esc", "关闭")
	n.Up = b([]string{"up", "k"}, "上下键/jk", "滚动")
	n.Down = b([]string{"down", "j"}, "上下键/jk", "滚动")
	return Reader{Nav: n, Other: b([]string{"left", "right"}, "左右键", "上一条/下一条")}
}

// Picker is a small fuzzy chooser (the case list's violation filter).
type Picker struct {
	Up     key.Binding
	Down   key.Binding
	Choose key.Binding
	Clear  key.Binding
	Cancel key.Binding
}

// NewPicker returns the picker bindings.
func NewPicker() Picker {
	return Picker{
		Up:     b([]string{"up"}, "上键", "上移"),
		Down:   b([]string{"down"}, "下键", "下移"),
		Choose: b([]string{"enter"}, "Enter", "选定"),
		Clear:  b([]string{"f7", "ctrl+x"}, "F7", "不限事项"),
		Cancel: b([]string{"esc"}, "Esc", "取消"),
	}
}
