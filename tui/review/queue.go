package review

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/tui/keys"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
	"fieldcase/tui/styles"
	"fieldcase/tui/widgets"
)

// reviewQueue is the reviewer's queue: the cases that wait for the
// signed-in user's role (or, on the second tab, every case in review),
// oldest 立案 first, each with its flags and its most pressing countdown at
// a glance and the selected one spelled out underneath. It sorts, filters
// and searches fuzzily within what it loaded; the store reads it through
// the status index.
type reviewQueue struct {
	sh     *screen.Context
	keys   keys.Queue
	width  int
	height int

	all    bool // every case in review, not only those waiting for me
	sortBy int  // index into queueSorts
	filter int  // index into queueFilters

	search widgets.SearchBox

	job     int
	loading bool
	err     error
	policy  cases.ReviewPolicy
	items   []cases.QueueItem
	targets []widgets.Target
	shown   []widgets.Row
	cursor  int
	offset  int
}

// queueSorts are the orders the queue offers.
var queueSorts = []struct {
	label string
	cmp   func(a, b cases.QueueItem) int
}{
	{"立案先后", func(a, b cases.QueueItem) int { return cmpTime(a.Case.SubmittedAt, b.Case.SubmittedAt) }},
	{"期限最近", func(a, b cases.QueueItem) int {
		da, db := a.Deadline(), b.Deadline()
		switch {
		case da == nil && db == nil:
			return 0
		case da == nil:
			return 1
		case db == nil:
			return -1
		}
		return da.Due.Compare(db.Due)
	}},
	{"等待最久", func(a, b cases.QueueItem) int { return a.Case.Review.Since.Compare(b.Case.Review.Since) }},
	{"违法事项", func(a, b cases.QueueItem) int { return cmp.Compare(a.Case.Content.Violation, b.Case.Content.Violation) }},
}

// cmpTime orders times, a missing one last.
func cmpTime(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return a.Compare(*b)
}

// queueFilters narrow the queue to what a reviewer looks for.
var queueFilters = []struct {
	label string
	keep  func(cases.QueueItem) bool
}{
	{"全部", func(cases.QueueItem) bool { return true }},
	{"可办理", func(it cases.QueueItem) bool { return len(it.Acts) > 0 }},
	{"有提示", func(it cases.QueueItem) bool { return len(it.Flags) > 0 }},
	{"需法制审核", func(it cases.QueueItem) bool { return hasFlag(it, cases.FlagLegalReview) }},
	{"需集体讨论", func(it cases.QueueItem) bool { return hasFlag(it, cases.FlagCollective) }},
	{"期限紧急", func(it cases.QueueItem) bool { d := it.Deadline(); return d != nil && d.Urgent() }},
	{"退回后重交", func(it cases.QueueItem) bool { return it.Case.Review.Round > 1 }},
}

func hasFlag(it cases.QueueItem, code string) bool {
	for _, f := range it.Flags {
		if f.Code == code {
			return true
		}
	}
	return false
}

// NewQueue builds the reviewer's queue, for the root's registry.
func NewQueue(ctx *screen.Context) screen.Screen {
	return screen.Adapt(screen.Queue, newReviewQueue(ctx))
}

func newReviewQueue(sh *screen.Context) reviewQueue {
	q := reviewQueue{sh: sh, keys: keys.NewQueue(), policy: cases.DefaultReviewPolicy()}
	q.search = widgets.NewSearchBox(sh.Styles, "当事人、拼音、案号、承办人", 50)
	q.syncKeys()
	return q
}

// queueMsg is a loaded queue.
type queueMsg struct {
	job    int
	items  []cases.QueueItem
	policy cases.ReviewPolicy
	err    error
}

func loadQueue(st *store.Store, a cases.Actor, all bool, job int) tea.Cmd {
	return func() tea.Msg {
		p, err := st.ReviewPolicy()
		if err != nil {
			return queueMsg{job: job, err: err}
		}
		items, err := st.Queue(a, store.QueueFilter{All: all})
		return queueMsg{job: job, items: items, policy: p, err: err}
	}
}

// Load reads the queue afresh; an older answer is dropped.
func (q *reviewQueue) Load() tea.Cmd {
	q.job++
	q.loading, q.err = true, nil
	return loadQueue(q.sh.Store, q.sh.Actor(), q.all, q.job)
}

// Typing reports whether the search field has focus.
func (q reviewQueue) Typing() bool { return q.search.Active }

// SetSize lays the queue out.
func (q *reviewQueue) SetSize(w, h int) {
	q.width, q.height = w, h
	q.search.SetWidth(max(10, min(30, w-44)))
	q.scroll()
}

// Status is the standing notice of the queue.
func (q reviewQueue) Status() (string, styles.Tone) {
	if q.loading {
		return "正在读取审核队列...", styles.ToneInfo
	}
	return "", styles.ToneNeutral
}

func (q *reviewQueue) syncKeys() {
	q.keys.Open.SetEnabled(len(q.shown) > 0 && !q.search.Active)
	q.keys.Move.SetEnabled(len(q.shown) > 1)
	q.keys.Search.SetEnabled(!q.search.Active)
	q.keys.EndSearch.SetEnabled(q.search.Active)
	q.keys.KeepFound.SetEnabled(q.search.Active)
	q.keys.SearchNav.SetEnabled(q.search.Active)
	q.keys.Back.SetEnabled(!q.search.Active)
	q.keys.Scope.SetEnabled(!q.search.Active)
	q.keys.Sort.SetEnabled(!q.search.Active)
	q.keys.Filter.SetEnabled(!q.search.Active)
}

// previewLines is how many lines the selected case's summary takes.
const previewLines = 7

const queueTop = 3 // tabs, search line, column header

func (q reviewQueue) rows() int { return max(1, q.height-queueTop-previewLines) }

func (q *reviewQueue) scroll() {
	q.cursor = max(0, min(q.cursor, len(q.shown)-1))
	q.offset = widgets.Window(q.offset, q.cursor, q.rows(), len(q.shown))
}

// Update handles keys, clicks and the loaded queue.
func (q reviewQueue) Update(msg tea.Msg) (reviewQueue, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case queueMsg:
		if msg.job != q.job {
			return q, nil
		}
		q.loading, q.err = false, msg.err
		if msg.err == nil {
			var keep string
			if q.cursor < len(q.shown) {
				keep = q.items[q.shown[q.cursor].I].Case.ID
			}
			q.items, q.policy = msg.items, msg.policy
			q.targets = q.targets[:0:0]
			for _, it := range q.items {
				q.targets = append(q.targets, q.targetOf(it.Case))
			}
			q.refilter()
			for i, r := range q.shown {
				if q.items[r.I].Case.ID == keep {
					q.cursor = i
				}
			}
		}
	case tea.MouseMsg:
		q, cmd = q.mouse(msg)
	case tea.KeyMsg:
		if q.search.Active {
			q, cmd = q.searchKey(msg)
		} else {
			q, cmd = q.key(msg)
		}
	}
	q.scroll()
	q.syncKeys()
	return q, cmd
}

func (q reviewQueue) key(msg tea.KeyMsg) (reviewQueue, tea.Cmd) {
	switch {
	case key.Matches(msg, q.keys.Back):
		if q.search.Value() != "" {
			q.search.Clear()
			q.refilter()
			return q, nil
		}
		return q, screen.Go(screen.Navigate{To: screen.Home})
	case key.Matches(msg, q.keys.Search):
		return q, q.search.Open()
	case key.Matches(msg, q.keys.Scope):
		q.all = !q.all
		q.cursor, q.offset = 0, 0
		return q, q.Load()
	case key.Matches(msg, q.keys.Sort):
		q.sortBy = (q.sortBy + 1) % len(queueSorts)
		q.refilter()
	case key.Matches(msg, q.keys.Filter):
		q.filter = (q.filter + 1) % len(queueFilters)
		q.refilter()
	case key.Matches(msg, q.keys.Refresh):
		return q, q.Load()
	case key.Matches(msg, q.keys.Open):
		if q.cursor < len(q.shown) {
			return q, screen.Go(screen.Navigate{To: screen.Review, CaseID: q.items[q.shown[q.cursor].I].Case.ID})
		}
	case key.Matches(msg, q.keys.Up):
		q.cursor--
	case key.Matches(msg, q.keys.Down):
		q.cursor++
	case key.Matches(msg, q.keys.PageUp):
		q.cursor -= q.rows()
	case key.Matches(msg, q.keys.PageDown):
		q.cursor += q.rows()
	case key.Matches(msg, q.keys.Top):
		q.cursor = 0
	case key.Matches(msg, q.keys.Bottom):
		q.cursor = len(q.shown) - 1
	}
	return q, nil
}

func (q reviewQueue) searchKey(msg tea.KeyMsg) (reviewQueue, tea.Cmd) {
	switch msg.Type {
	case tea.KeyUp:
		q.cursor--
		return q, nil
	case tea.KeyDown:
		q.cursor++
		return q, nil
	}
	changed, cmd := q.search.Key(msg)
	if changed {
		q.refilter()
	}
	return q, cmd
}

func (q reviewQueue) mouse(msg tea.MouseMsg) (reviewQueue, tea.Cmd) {
	switch {
	case msg.Button == tea.MouseButtonWheelUp:
		q.cursor -= 3
	case msg.Button == tea.MouseButtonWheelDown:
		q.cursor += 3
	case msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft:
		if i := msg.Y - queueTop + q.offset; msg.Y >= queueTop && msg.Y < queueTop+q.rows() && i < len(q.shown) {
			var cmd tea.Cmd
			if i == q.cursor {
				cmd = screen.Go(screen.Navigate{To: screen.Review, CaseID: q.items[q.shown[i].I].Case.ID})
			}
			q.cursor = i
			return q, cmd
		}
	}
	return q, nil
}

// targetOf is what search reads for a case: the violation and the party
// (the two columns it highlights), then the officers and the place; and the
// case's terms, so 张三 is found by "zs" and a case by its number.
func (q reviewQueue) targetOf(c cases.Case) widgets.Target {
	var more []string
	for _, o := range c.Content.Officers {
		more = append(more, present.Clean(o.Name))
	}
	more = append(more, present.Clean(c.Content.Place.Text))
	return widgets.NewTarget(present.ViolationLabel(q.sh.Rules(), c.Content.Violation), present.Clean(c.Content.Party.Name), strings.Join(more, " "), cases.CaseTerms(c))
}

// refilter applies the filter, the order and the search.
func (q *reviewQueue) refilter() {
	var order []int
	keep := queueFilters[q.filter].keep
	for i, it := range q.items {
		if keep(it) {
			order = append(order, i)
		}
	}
	less := queueSorts[q.sortBy].cmp
	slices.SortStableFunc(order, func(a, b int) int { return less(q.items[a], q.items[b]) })
	q.shown = widgets.Search(q.search.Value(), q.targets, order)
	q.cursor, q.offset = 0, 0
}

// scopeLabel says whose cases the first tab holds.
func (q reviewQueue) scopeLabel() string {
	switch q.sh.User.Role {
	case cases.RoleOfficer:
		return "退回给我"
	case cases.RoleLegal:
		return "待我法制审核"
	case cases.RoleHead:
		return "待我审批"
	}
	return "待我审核"
}

// View draws the tabs, the search, the rows and the selected case's summary.
func (q reviewQueue) View() string {
	st := q.sh.Styles
	mine, all := q.scopeLabel(), "全部在审"
	if q.all {
		all += " " + strconv.Itoa(len(q.items))
	} else {
		mine += " " + strconv.Itoa(len(q.items))
	}
	scope := widgets.Tabs{Labels: []string{mine, all}}
	if q.all {
		scope.Active = 1
	}
	top := scope.View(st) + st.Faint.Render("(Tab)") + "  " + st.Muted.Render(q.policy.Chain.Label())
	lines := []string{widgets.Truncate(top, q.width)}
	bar := st.Label.Render(" 排序 ") + st.Value.Render(queueSorts[q.sortBy].label) + st.Faint.Render("(F6)") +
		st.Label.Render("  筛选 ") + st.Value.Render(queueFilters[q.filter].label) + st.Faint.Render("(F7)") +
		st.Label.Render("  搜索 ")
	if q.search.Active || q.search.Value() != "" {
		bar += q.search.View()
	} else {
		bar += st.Faint.Render("按 ctrl+f 搜索")
	}
	lines = append(lines, widgets.Truncate(bar, q.width))
	cw := q.columns()
	filed := ""
	if cw[0] > 0 {
		filed = widgets.Pad("立案", cw[0]) + " "
	}
	lines = append(lines, st.List.Header.Render(widgets.Truncate("  "+filed+widgets.Pad("状态", cw[1])+" "+widgets.Pad("期限", cw[2])+" "+
		widgets.Pad("违法事项", cw[3])+" "+widgets.Pad("当事人", cw[4])+" 提示", q.width)))
	switch {
	case q.err != nil:
		lines = append(lines, st.Error.Render(widgets.Truncate("  ! 读取失败："+q.err.Error()+"（F5 重试）", q.width)))
	case len(q.shown) == 0 && !q.loading:
		msg := "  没有等待您处理的案件。按 Tab 查看全部在审案件。"
		switch {
		case q.search.Value() != "":
			msg = "  没有匹配的案件。Esc 清除搜索。"
		case len(q.items) > 0:
			msg = "  没有符合筛选条件的案件。按 F7 更换筛选。"
		case q.all:
			msg = "  没有在审或退回的案件。"
		}
		lines = append(lines, st.List.Empty.Render(widgets.Truncate(msg, q.width)))
	}
	for i := q.offset; i < len(q.shown) && i < q.offset+q.rows(); i++ {
		lines = append(lines, q.rowView(i, cw))
	}
	for len(lines) < q.height-previewLines {
		lines = append(lines, "")
	}
	return strings.Join(append(lines, q.preview()...), "\n")
}

// columns are the widths of 立案, status, countdown, violation and party;
// the flags take the rest. Past 80 columns the violation and the party
// widen to what the loaded rows need, so a wide terminal shows names
// whole rather than leaving its width empty.
func (q reviewQueue) columns() [5]int {
	c := [5]int{5, 10, 12, 18, 12}
	if rest := q.width - 2 - 5 - c[0] - c[1] - c[2] - c[3] - c[4]; rest < 10 {
		// Narrow: the 立案 date goes (the rows keep its order), the
		// countdown takes what its texts need, and the flags keep room
		// for one whole (首违存疑).
		c[0], c[3], c[4] = 0, 14, 10
		c[2] = 4
		for _, it := range q.items {
			c[2] = max(c[2], ansi.StringWidth(present.DeadlineShort(it.Deadline())))
		}
		c[2] = min(c[2], 12)
		return c
	}
	var viol, party int
	for _, it := range q.items {
		viol = max(viol, ansi.StringWidth(present.ViolationLabel(q.sh.Rules(), it.Case.Content.Violation)))
		party = max(party, ansi.StringWidth(present.Clean(it.Case.Content.Party.Name)))
	}
	extra := max(0, q.width-80)
	c[3] = min(max(c[3], viol), c[3]+extra/3)
	c[4] = min(max(c[4], party), c[4]+extra/2)
	return c
}

func (q reviewQueue) rowView(i int, cw [5]int) string {
	st := q.sh.Styles
	r := q.shown[i]
	it := q.items[r.I]
	c := it.Case
	t := q.targets[r.I]
	selected := i == q.cursor
	base := st.List.Row
	if selected {
		base = st.List.Selected
	}
	text := func(k, w int) string { return t.Column(k, r, w, base, st.List.Match) }
	style := func(f func(...string) string) func(...string) string {
		if selected {
			return base.Render
		}
		return f
	}
	mark := "  "
	if selected {
		mark = "> "
	}
	filed := "--"
	if c.SubmittedAt != nil {
		filed = c.SubmittedAt.In(screen.Local).Format("01-02")
	}
	d := it.Deadline()
	sp := base.Render(" ")
	line := base.Render(mark)
	if cw[0] > 0 {
		line += base.Render(widgets.Pad(filed, cw[0])) + sp
	}
	line +=
		style(st.StatusStyle(string(c.Status)).Render)(widgets.Pad(c.Status.Label(), cw[1])) + sp +
			style(present.DeadlineStyle(st, d))(widgets.Pad(present.DeadlineShort(d), cw[2])) + sp +
			text(0, cw[3]) + sp + text(1, cw[4]) + sp
	rest := max(0, q.width-ansi.StringWidth(line))
	line += style(st.Warn.Render)(widgets.Pad(strings.Join(it.Tags(), " "), rest))
	return widgets.Truncate(line, q.width)
}

// preview spells out the selected case: who recorded it, every flag, the
// countdowns, and what the user may do (or why not).
func (q reviewQueue) preview() []string {
	st := q.sh.Styles
	w := q.width
	out := []string{st.Faint.Render(strings.Repeat("-", max(0, w)))}
	if q.cursor >= len(q.shown) {
		return present.Pad(out, previewLines)
	}
	it := q.items[q.shown[q.cursor].I]
	c := it.Case
	var officers []string
	for _, o := range c.Content.Officers {
		officers = append(officers, present.Clean(o.Name))
	}
	head := " 案件 " + present.ShortID(c.ID) + "  承办 " + strings.Join(officers, "、") + "  发生 " + present.Short(c.Content.OccurredAt)
	if c.Review.Round > 1 {
		head += "  第" + strconv.Itoa(c.Review.Round) + "次提交"
	}
	out = append(out, st.Value.Render(widgets.Truncate(head, w)))
	var dl []string
	for _, d := range it.Deadlines {
		dl = append(dl, d.Label+" "+d.Countdown()+"（"+d.Due.Format("01-02")+"）")
	}
	if len(dl) > 0 {
		out = append(out, st.Label.Render(widgets.Truncate(" 期限 "+strings.Join(dl, "；"), w)))
	}
	room := previewLines - len(out) - 1
	for i, f := range it.Flags {
		if i == room-1 && len(it.Flags) > room {
			out = append(out, st.Warn.Render(widgets.Truncate(" * 另有 "+strconv.Itoa(len(it.Flags)-i)+" 项提示，Enter 查看", w)))
			break
		}
		if i >= room {
			break
		}
		out = append(out, st.Warn.Render(widgets.Truncate(" * "+present.Clean(f.Label), w)))
	}
	out = present.Pad(out, previewLines-1)
	switch {
	case len(it.Acts) > 0:
		var acts []string
		for _, a := range it.Acts {
			acts = append(acts, q.policy.Label(a, c))
		}
		out = append(out, st.OK.Render(widgets.Truncate(" 可办理："+strings.Join(acts, "、")+"（Enter 打开）", w)))
	case it.Blocked != "":
		out = append(out, st.Error.Render(widgets.Truncate(" ! "+it.Blocked, w)))
	case it.WaitingFor != "":
		out = append(out, st.Muted.Render(widgets.Truncate(" 等待"+it.WaitingFor.Label()+"处理", w)))
	default:
		out = append(out, "")
	}
	return out
}

// Open shows the queue, read again; Fresh starts it over (another
// reviewer has signed in).
func (q *reviewQueue) Open(n screen.Navigate) tea.Cmd {
	if n.Fresh {
		w, h := q.width, q.height
		*q = newReviewQueue(q.sh)
		q.SetSize(w, h)
	}
	return q.Load()
}

// Crumb names the screen in the header.
func (q reviewQueue) Crumb() string { return "审核队列" }

// QuitsWithQ: nothing here is unsaved.
func (q reviewQueue) QuitsWithQ() bool { return true }

// Entries: F4 on the home screen opens the queue.
func (q reviewQueue) Entries() []screen.Entry {
	return []screen.Entry{{From: screen.Home, Key: q.keys.Entry}}
}

// ShortHelp lists the live keys.
func (q reviewQueue) ShortHelp() []key.Binding {
	if q.search.Active {
		return []key.Binding{q.keys.SearchNav, q.keys.KeepFound, q.keys.EndSearch}
	}
	return []key.Binding{q.keys.Open, q.keys.Scope, q.keys.Sort, q.keys.Filter, q.keys.Search, q.keys.Back}
}

// FullHelp lists every key of the screen.
func (q reviewQueue) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{q.keys.Up, q.keys.Down, q.keys.PageUp, q.keys.PageDown, q.keys.Top, q.keys.Bottom, q.keys.Open},
		{q.keys.Scope, q.keys.Sort, q.keys.Filter, q.keys.Search, q.keys.KeepFound, q.keys.EndSearch, q.keys.Refresh, q.keys.Back},
	}
}
