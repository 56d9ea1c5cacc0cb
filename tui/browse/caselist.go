package browse

import (
	"slices"
	"strconv"
	"strings"
	"time"

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

// caseList is every case on the device, a page at a time: filtered by
// status, date and violation in the store's indexes, and searched fuzzily
// within what is loaded. It never reads the whole store: a page reads at
// most listBudget records, and more are read only when the officer scrolls
// to the end or presses F8.
type caseList struct {
	sh     *screen.Context
	keys   keys.CaseList
	pkeys  keys.Picker
	width  int
	height int

	status    int // 0: every status; i: cases.Statuses[i-1]
	date      int // index into dateFilters
	violation string

	search widgets.SearchBox

	loaded  []cases.Case
	targets []widgets.Target
	next    string
	loading bool
	job     int
	err     error

	shown  []widgets.Row
	cursor int
	offset int

	picking    bool
	pickInput  textinput.Model
	pickHits   []present.CatalogHit
	pickCursor int
}

var dateFilters = []struct {
	label string
	days  int
}{
	{"全部日期", 0},
	{"今天", 1},
	{"近7天", 7},
	{"近30天", 30},
}

// NewList builds the case list, for the root's registry.
func NewList(ctx *screen.Context) screen.Screen {
	return screen.Adapt(screen.List, newCaseList(ctx))
}

func newCaseList(sh *screen.Context) caseList {
	l := caseList{sh: sh, keys: keys.NewCaseList(), pkeys: keys.NewPicker()}
	l.search = widgets.NewSearchBox(sh.Styles, "当事人、拼音、案号、证件号、地点", 50)
	l.pickInput = widgets.NewInput(sh.Styles, "代码、名称或拼音首字母", 30)
	l.syncKeys()
	return l
}

// Load reads the first page with the current filters.
func (l *caseList) Load() tea.Cmd {
	l.job++
	l.loading = true
	l.err = nil
	return loadPage(l.sh.Store, l.filter(""), l.job)
}

func (l *caseList) loadMore() tea.Cmd {
	if l.loading || l.next == "" {
		return nil
	}
	l.job++
	l.loading = true
	return loadPage(l.sh.Store, l.filter(l.next), l.job)
}

func (l caseList) filter(after string) store.Filter {
	f := store.Filter{Violation: l.violation, After: after}
	if l.status > 0 {
		f.Status = cases.Statuses[l.status-1]
	}
	if days := dateFilters[l.date].days; days > 0 {
		y, m, d := l.sh.Now.In(screen.Local).Date()
		end := time.Date(y, m, d, 0, 0, 0, 0, screen.Local).AddDate(0, 0, 1)
		f.From, f.To = end.AddDate(0, 0, -days), end
	}
	return f
}

// Typing reports whether a text field has focus.
func (l caseList) Typing() bool { return l.search.Active || l.picking }

// SetSize lays the list out.
func (l *caseList) SetSize(w, h int) {
	l.width, l.height = w, h
	l.search.SetWidth(max(10, min(30, w-40)))
	l.pickInput.Width = max(10, w-20)
	l.scroll()
}

// Status is the standing notice of the list.
func (l caseList) Status() (string, styles.Tone) {
	if l.loading {
		return "正在读取案件...", styles.ToneInfo
	}
	return "", styles.ToneNeutral
}

func (l *caseList) syncKeys() {
	l.keys.Open.SetEnabled(len(l.shown) > 0 && !l.picking)
	l.keys.More.SetEnabled(l.next != "" && !l.picking)
	l.keys.EndSearch.SetEnabled(l.search.Active)
	l.keys.KeepFound.SetEnabled(l.search.Active)
	l.keys.SearchNav.SetEnabled(l.search.Active)
	l.keys.Search.SetEnabled(!l.search.Active && !l.picking)
	l.keys.Back.SetEnabled(!l.search.Active && !l.picking)
	l.keys.Status.SetEnabled(!l.picking)
	l.keys.Date.SetEnabled(!l.picking)
	l.keys.Violation.SetEnabled(!l.picking)
	l.keys.Move.SetEnabled(len(l.shown) > 1 && !l.picking)
	l.pkeys.Clear.SetEnabled(l.violation != "")
}

// listTop is the body line of the first row.
const caseListTop = 4

func (l caseList) rows() int { return max(1, l.height-caseListTop-1) }

func (l *caseList) scroll() {
	l.cursor = max(0, min(l.cursor, len(l.shown)-1))
	l.offset = widgets.Window(l.offset, l.cursor, l.rows(), len(l.shown))
}

// Update handles keys, clicks and pages.
func (l caseList) Update(msg tea.Msg) (caseList, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case pageMsg:
		if msg.job != l.job {
			return l, nil
		}
		l.loading = false
		l.err = msg.err
		if msg.err == nil {
			if msg.after == "" {
				l.loaded, l.targets, l.cursor, l.offset = nil, nil, 0, 0
			}
			for _, c := range msg.cases {
				l.loaded = append(l.loaded, c)
				l.targets = append(l.targets, l.targetOf(c))
			}
			l.next = msg.next
			l.refilter()
		}
	case tea.MouseMsg:
		l, cmd = l.mouse(msg)
	case tea.KeyMsg:
		switch {
		case l.picking:
			l, cmd = l.pickKey(msg)
		case l.search.Active:
			l, cmd = l.searchKey(msg)
		default:
			l, cmd = l.key(msg)
		}
	}
	l.scroll()
	if l.cursor >= len(l.shown)-1 && l.next != "" && !l.loading && l.search.Value() == "" && len(l.shown) > 0 {
		cmd = tea.Batch(cmd, l.loadMore())
	}
	l.syncKeys()
	return l, cmd
}

func (l caseList) key(msg tea.KeyMsg) (caseList, tea.Cmd) {
	switch {
	case key.Matches(msg, l.keys.Back):
		if l.search.Value() != "" {
			l.search.Clear()
			l.refilter()
			return l, nil
		}
		return l, screen.Go(screen.Navigate{To: screen.Home})
	case key.Matches(msg, l.keys.Search):
		return l, l.search.Open()
	case key.Matches(msg, l.keys.Status):
		n := len(cases.Statuses) + 1
		if msg.Type == tea.KeyShiftTab {
			l.status = (l.status + n - 1) % n
		} else {
			l.status = (l.status + 1) % n
		}
		return l, l.Load()
	case key.Matches(msg, l.keys.Date):
		l.date = (l.date + 1) % len(dateFilters)
		return l, l.Load()
	case key.Matches(msg, l.keys.Violation):
		l.picking = true
		l.pickInput.SetValue("")
		l.pickHits = present.SearchCatalog(l.sh.Rules(), "")
		l.pickCursor = 0
		for i, h := range l.pickHits {
			if h.Item.Code == l.violation {
				l.pickCursor = i
			}
		}
		return l, l.pickInput.Focus()
	case key.Matches(msg, l.keys.Refresh):
		return l, l.Load()
	case key.Matches(msg, l.keys.More):
		return l, l.loadMore()
	case key.Matches(msg, l.keys.Open):
		if l.cursor < len(l.shown) {
			return l, screen.Go(screen.Navigate{To: screen.Detail, CaseID: l.loaded[l.shown[l.cursor].I].ID})
		}
	default:
		l.move(msg)
	}
	return l, nil
}

// move handles cursor keys; it reports whether msg was one.
func (l *caseList) move(msg tea.KeyMsg) bool {
	switch {
	case key.Matches(msg, l.keys.Up):
		l.cursor--
	case key.Matches(msg, l.keys.Down):
		l.cursor++
	case key.Matches(msg, l.keys.PageUp):
		l.cursor -= l.rows()
	case key.Matches(msg, l.keys.PageDown):
		l.cursor += l.rows()
	case key.Matches(msg, l.keys.Top):
		l.cursor = 0
	case key.Matches(msg, l.keys.Bottom):
		l.cursor = len(l.shown) - 1
	default:
		return false
	}
	return true
}

func (l caseList) searchKey(msg tea.KeyMsg) (caseList, tea.Cmd) {
	switch msg.Type {
	case tea.KeyUp, tea.KeyDown, tea.KeyPgUp, tea.KeyPgDown:
		l.move(msg)
		return l, nil
	}
	changed, cmd := l.search.Key(msg)
	if changed {
		l.refilter()
	}
	return l, cmd
}

func (l caseList) pickKey(msg tea.KeyMsg) (caseList, tea.Cmd) {
	switch {
	case key.Matches(msg, l.pkeys.Cancel):
		l.picking = false
		l.pickInput.Blur()
		return l, nil
	case key.Matches(msg, l.pkeys.Clear):
		l.picking = false
		l.pickInput.Blur()
		l.violation = ""
		return l, l.Load()
	case key.Matches(msg, l.pkeys.Choose):
		l.picking = false
		l.pickInput.Blur()
		if l.pickCursor < len(l.pickHits) {
			l.violation = l.pickHits[l.pickCursor].Item.Code
		}
		return l, l.Load()
	case key.Matches(msg, l.pkeys.Up):
		l.pickCursor = max(0, l.pickCursor-1)
		return l, nil
	case key.Matches(msg, l.pkeys.Down):
		l.pickCursor = min(len(l.pickHits)-1, l.pickCursor+1)
		return l, nil
	}
	before := l.pickInput.Value()
	var cmd tea.Cmd
	l.pickInput, cmd = l.pickInput.Update(msg)
	if l.pickInput.Value() != before {
		l.pickHits = present.SearchCatalog(l.sh.Rules(), l.pickInput.Value())
		l.pickCursor = 0
	}
	return l, cmd
}

func (l caseList) mouse(msg tea.MouseMsg) (caseList, tea.Cmd) {
	if l.picking {
		return l, nil
	}
	switch {
	case msg.Button == tea.MouseButtonWheelUp:
		l.cursor -= 3
	case msg.Button == tea.MouseButtonWheelDown:
		l.cursor += 3
	case msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft:
		if msg.Y == 0 {
			if i, ok := l.tabs().At(msg.X); ok {
				l.status = i
				return l, l.Load()
			}
		}
		if i := msg.Y - caseListTop + l.offset; msg.Y >= caseListTop && i < len(l.shown) {
			var cmd tea.Cmd
			if i == l.cursor {
				cmd = screen.Go(screen.Navigate{To: screen.Detail, CaseID: l.loaded[l.shown[i].I].ID})
			}
			l.cursor = i
			return l, cmd
		}
	}
	return l, nil
}

// tabs are the status filters: every status, then each one.
func (l caseList) tabs() widgets.Tabs {
	labels := []string{"全部"}
	for _, s := range cases.Statuses {
		labels = append(labels, s.Label())
	}
	return widgets.Tabs{Labels: labels, Active: l.status}
}

func (l caseList) targetOf(c cases.Case) widgets.Target {
	rs := l.sh.Rules()
	return widgets.NewTarget(present.ViolationLabel(rs, c.Content.Violation), present.Clean(c.Content.Party.Name), present.Clean(c.Content.Place.Text), cases.CaseTerms(c))
}

// refilter applies the search to the loaded cases, shown by the time they
// occurred (the date the list shows), latest first. The store pages by
// when cases were recorded, so a page loaded later may slot rows in
// between; among what is loaded the order always matches the column.
func (l *caseList) refilter() {
	order := widgets.All(len(l.loaded))
	slices.SortStableFunc(order, func(a, b int) int {
		return l.loaded[b].Content.OccurredAt.Compare(l.loaded[a].Content.OccurredAt)
	})
	l.shown = widgets.Search(l.search.Value(), l.targets, order)
	l.cursor, l.offset = 0, 0
}

// View draws the filters, the rows and the paging line.
func (l caseList) View() string {
	st := l.sh.Styles
	lines := []string{widgets.Truncate(l.tabs().View(st), l.width)}
	viol := "全部事项"
	if l.violation != "" {
		viol = present.ViolationLabel(l.sh.Rules(), l.violation)
	}
	filters := st.Label.Render(" 日期 ") + st.Value.Render(dateFilters[l.date].label) + st.Faint.Render("(F6)") +
		st.Label.Render("  事项 ") + st.Value.Render(widgets.Truncate(viol, 16)) + st.Faint.Render("(F7)") +
		st.Label.Render("  搜索 ")
	if l.search.Active || l.search.Value() != "" {
		filters += l.search.View()
	} else {
		filters += st.Faint.Render("按 ctrl+f 搜索")
	}
	lines = append(lines, widgets.Truncate(filters, l.width), "")
	if l.picking {
		return strings.Join(append(lines, l.pickerView()...), "\n")
	}
	cw := l.columns()
	lines = append(lines, st.List.Header.Render("  "+widgets.Pad("状态", cw[0])+" "+widgets.Pad("发生时间", cw[1])+" "+widgets.Pad("违法事项", cw[2])+" "+widgets.Pad("当事人", cw[3])+" 地点"))
	if l.err != nil {
		lines = append(lines, st.Error.Render(widgets.Truncate("  ! 读取失败："+l.err.Error()+"（F5 重试）", l.width)))
	}
	if len(l.shown) == 0 && !l.loading && l.err == nil {
		msg := "  没有符合条件的案件。"
		if l.search.Value() != "" {
			msg = "  已加载的案件中没有匹配的。Esc 清除搜索。"
		}
		if l.next != "" {
			msg += "按 F8 继续查找更早的案件。"
		}
		lines = append(lines, st.List.Empty.Render(widgets.Truncate(msg, l.width)))
	}
	for i := l.offset; i < len(l.shown) && i < l.offset+l.rows(); i++ {
		lines = append(lines, l.rowView(i, cw))
	}
	for len(lines) < l.height-1 {
		lines = append(lines, "")
	}
	foot := "  已加载 " + strconv.Itoa(len(l.loaded)) + " 件"
	if l.search.Value() != "" {
		foot += "，匹配 " + strconv.Itoa(len(l.shown)) + " 件"
	}
	if l.next != "" {
		foot += "；还有更早的案件（滚动到底或按 F8 加载）"
	}
	lines = append(lines, st.Muted.Render(widgets.Truncate(foot, l.width)))
	return strings.Join(lines, "\n")
}

// columns are the widths of status, time, violation, party and place;
// the last three share what the terminal's width leaves.
func (l caseList) columns() [5]int {
	c := [5]int{10, 11, 0, 0, 0}
	free := l.width - 2 - 4 - c[0] - c[1]
	c[2] = min(30, max(20, free*36/100))
	c[3] = min(24, max(14, free*26/100))
	c[4] = max(0, free-c[2]-c[3])
	return c
}

func (l caseList) rowView(i int, cw [5]int) string {
	st := l.sh.Styles
	r := l.shown[i]
	c := l.loaded[r.I]
	t := l.targets[r.I]
	selected := i == l.cursor
	base := st.List.Row
	if selected {
		base = st.List.Selected
	}
	text := func(k, w int) string { return t.Column(k, r, w, base, st.List.Match) }
	mark := "  "
	if selected {
		mark = "> "
	}
	status := st.StatusStyle(string(c.Status))
	if selected {
		status = base
	}
	sp := base.Render(" ")
	return base.Render(mark) + status.Render(widgets.Pad(c.Status.Label(), cw[0])) + sp +
		base.Render(widgets.Pad(present.Short(c.Content.OccurredAt), cw[1])) + sp +
		text(0, cw[2]) + sp + text(1, cw[3]) + sp + text(2, cw[4])
}

func (l caseList) pickerView() []string {
	st := l.sh.Styles
	lines := []string{
		st.Section.Render(" 按违法事项筛选") + st.Muted.Render("（Enter 选定，F7 不限事项，Esc 取消）"),
		" " + st.Label.Render("查找 ") + l.pickInput.View(),
	}
	rows := max(1, l.height-len(lines)-3)
	off := widgets.Window(0, l.pickCursor, rows, len(l.pickHits))
	for i := off; i < len(l.pickHits) && i < off+rows; i++ {
		h := l.pickHits[i]
		base := st.List.Row
		mark := "  "
		if i == l.pickCursor {
			base, mark = st.List.Selected, "> "
		}
		s, idx := widgets.TruncateRunes(h.Label, h.Match, l.width-4)
		lines = append(lines, " "+base.Render(mark)+widgets.Highlight(s, idx, base, st.List.Match))
	}
	if len(l.pickHits) == 0 {
		lines = append(lines, st.List.Empty.Render("   没有找到。可输入代码（如 CG08）、名称或拼音首字母（如 zdjy）。"))
	}
	return lines
}

// Open shows the list, read again.
func (l *caseList) Open(screen.Navigate) tea.Cmd { return l.Load() }

// Crumb names the screen in the header.
func (l caseList) Crumb() string { return "案件列表" }

// QuitsWithQ: nothing here is unsaved.
func (l caseList) QuitsWithQ() bool { return true }

// ShortHelp lists the live keys.
func (l caseList) ShortHelp() []key.Binding {
	if l.picking {
		return []key.Binding{l.pkeys.Up, l.pkeys.Down, l.pkeys.Choose, l.pkeys.Clear, l.pkeys.Cancel}
	}
	if l.search.Active {
		return []key.Binding{l.keys.SearchNav, l.keys.KeepFound, l.keys.EndSearch}
	}
	return []key.Binding{l.keys.Open, l.keys.Status, l.keys.Date, l.keys.Violation, l.keys.Search, l.keys.More, l.keys.Back}
}

// FullHelp lists every key of the screen.
func (l caseList) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{l.keys.Up, l.keys.Down, l.keys.PageUp, l.keys.PageDown, l.keys.Top, l.keys.Bottom, l.keys.Open},
		{l.keys.Status, l.keys.Date, l.keys.Violation, l.keys.Search, l.keys.KeepFound, l.keys.EndSearch, l.keys.More, l.keys.Refresh, l.keys.Back},
	}
}
