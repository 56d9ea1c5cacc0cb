package home

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"fieldcase/cases"
	"fieldcase/tui/keys"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
	"fieldcase/tui/widgets"
)

// home is the start screen: today's figures, what waits for sync, the
// actions, and the officer's own drafts and returned cases to resume.
type home struct {
	sh     *screen.Context
	keys   keys.Home
	width  int
	height int

	job    int
	loaded bool
	err    error
	data   homeData

	onList bool // focus is on the resume list (else on the buttons)
	button int
	cursor int
	offset int
}

var homeButtons = []struct {
	label string
	msg   tea.Msg // what pressing it asks the root
}{
	{"新建案件 F2", screen.Navigate{To: screen.Wizard, Fresh: true}},
	{"案件列表 F3", screen.Navigate{To: screen.List}},
	{"切换人员 ctrl+o", screen.SignOut{}},
}

// New builds the home screen, for the root's registry.
func New(ctx *screen.Context) screen.Screen {
	return screen.Adapt(screen.Home, newHome(ctx))
}

func newHome(sh *screen.Context) home {
	h := home{sh: sh, keys: keys.NewHome()}
	h.keys.Enter.SetHelp("Enter", "确定")
	h.syncKeys()
	return h
}

// Load asks for fresh figures; older answers are dropped.
func (h *home) Load() tea.Cmd {
	h.job++
	return loadHome(h.sh.Store, h.sh.User.ID, h.sh.Now, h.job)
}

// SetSize lays the screen out.
func (h *home) SetSize(w, hh int) {
	h.width, h.height = w, hh
	h.scroll()
}

func (h *home) syncKeys() {
	has := len(h.data.resume) > 0
	h.keys.Resume.SetEnabled(has && h.onList)
	h.keys.Move.SetEnabled(has)
	h.keys.Focus.SetEnabled(has)
	h.keys.Enter.SetEnabled(!h.onList)
}

// homeListTop is the body line of the first resume row.
const homeListTop = 8

func (h home) rows() int { return max(1, h.height-homeListTop) }

func (h *home) scroll() {
	n := len(h.data.resume)
	h.cursor = max(0, min(h.cursor, n-1))
	h.offset = widgets.Window(h.offset, h.cursor, h.rows(), n)
}

// Update handles keys, clicks and loaded figures.
func (h home) Update(msg tea.Msg) (home, tea.Cmd) {
	switch msg := msg.(type) {
	case homeMsg:
		if msg.job != h.job {
			return h, nil
		}
		h.loaded, h.err = true, msg.err
		if msg.err == nil {
			h.data = msg.data
		}
		if len(h.data.resume) == 0 {
			h.onList = false
		}
		h.scroll()
		h.syncKeys()
		return h, nil
	case screen.SyncEnded:
		return h, h.Load()
	case tea.MouseMsg:
		return h.mouse(msg)
	case tea.KeyMsg:
		return h.key(msg)
	}
	return h, nil
}

func (h home) key(msg tea.KeyMsg) (home, tea.Cmd) {
	n := len(h.data.resume)
	var cmd tea.Cmd
	switch {
	case key.Matches(msg, h.keys.NewCase):
		cmd = screen.Send(homeButtons[0].msg)
	case key.Matches(msg, h.keys.CaseList):
		cmd = screen.Send(homeButtons[1].msg)
	case key.Matches(msg, h.keys.SignOut):
		cmd = screen.Send(homeButtons[2].msg)
	case key.Matches(msg, h.keys.Refresh):
		return h, h.Load()
	case key.Matches(msg, h.keys.Notices):
		cmd = screen.Go(screen.Navigate{To: screen.Notices})
	case key.Matches(msg, h.keys.Focus):
		h.onList = !h.onList && n > 0
	case !h.onList && msg.Type == tea.KeyLeft:
		h.button = max(0, h.button-1)
	case !h.onList && msg.Type == tea.KeyRight:
		h.button = min(len(homeButtons)-1, h.button+1)
	case !h.onList && key.Matches(msg, h.keys.Down):
		h.onList = n > 0
	case h.onList && key.Matches(msg, h.keys.Up):
		if h.cursor == 0 {
			h.onList = false
		} else {
			h.cursor--
		}
	case h.onList && key.Matches(msg, h.keys.Down):
		h.cursor++
	case h.onList && key.Matches(msg, h.keys.PageUp):
		h.cursor -= h.rows()
	case h.onList && key.Matches(msg, h.keys.PageDown):
		h.cursor += h.rows()
	case h.onList && key.Matches(msg, h.keys.Top):
		h.cursor = 0
	case h.onList && key.Matches(msg, h.keys.Bottom):
		h.cursor = n - 1
	case key.Matches(msg, h.keys.Resume, h.keys.Enter):
		if h.onList {
			if h.cursor < n {
				cmd = screen.Go(screen.Navigate{To: screen.Wizard, CaseID: h.data.resume[h.cursor].ID})
			}
		} else {
			cmd = screen.Send(homeButtons[h.button].msg)
		}
	}
	h.scroll()
	h.syncKeys()
	return h, cmd
}

func (h home) mouse(msg tea.MouseMsg) (home, tea.Cmd) {
	n := len(h.data.resume)
	var cmd tea.Cmd
	switch {
	case msg.Button == tea.MouseButtonWheelUp && n > 0:
		h.onList, h.cursor = true, h.cursor-1
	case msg.Button == tea.MouseButtonWheelDown && n > 0:
		h.onList, h.cursor = true, h.cursor+1
	case msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft:
		if msg.Y == homeButtonsLine {
			x := 1
			for i, b := range homeButtons {
				w := ansi.StringWidth(b.label) + 4
				if msg.X >= x && msg.X < x+w {
					h.onList, h.button = false, i
					cmd = screen.Send(b.msg)
				}
				x += w + 2
			}
		}
		if i := msg.Y - homeListTop + h.offset; msg.Y >= homeListTop && i < n {
			if h.onList && i == h.cursor {
				cmd = screen.Go(screen.Navigate{To: screen.Wizard, CaseID: h.data.resume[i].ID})
			}
			h.onList, h.cursor = true, i
		}
	}
	h.scroll()
	h.syncKeys()
	return h, cmd
}

const homeButtonsLine = 4

// View draws the figures, the buttons and the resume list.
func (h home) View() string {
	st := h.sh.Styles
	lines := []string{""}
	if !h.loaded {
		lines = append(lines, st.Muted.Render(" 正在读取..."))
		return strings.Join(lines, "\n")
	}
	if h.err != nil {
		lines = append(lines, st.Error.Render(widgets.Truncate(" ! 读取失败："+h.err.Error()+"（F5 重试）", h.width)))
	}
	d := h.data
	lines = append(lines, h.figures())
	sync := h.syncLine()
	// The line under it stays blank unless a background sync has news, so
	// the layout (and the mouse rows below) never moves.
	status := ""
	if text, tone := h.sh.Sync.Line(); text != "" {
		status = widgets.Truncate(" "+st.Tone(tone).Render(text), h.width)
	}
	lines = append(lines, widgets.Truncate(sync, h.width), status)
	var bs []string
	for i, b := range homeButtons {
		style := st.Form.Button
		label := "[ " + b.label + " ]"
		if !h.onList && i == h.button {
			style = st.Form.ButtonFocus
			label = ">[ " + b.label + " ]"
		} else {
			label = " " + label
		}
		bs = append(bs, style.Render(label))
	}
	lines = append(lines, widgets.Truncate(strings.Join(bs, " "), h.width), "")
	title := " 继续办理：您的草稿和退回补正的案件"
	if d.draft != nil && d.draft.CaseID != "" {
		if s, ok := present.StepOf(d.draft.Step); ok {
			title += "（上次停在第 " + strconv.Itoa(s+1) + " 步：" + present.StepTitles[s] + "，标 * 者）"
		}
	}
	lines = append(lines, st.Section.Render(widgets.Truncate(title, h.width)))
	if len(d.resume) == 0 {
		lines = append(lines, st.List.Header.Render(""), st.List.Empty.Render("   没有待继续的案件。按 F2 新建案件。"))
		return strings.Join(lines, "\n")
	}
	cw := h.columns()
	head := "   " + widgets.Pad("状态", cw[0]) + " "
	if cw[1] > 0 {
		head += widgets.Pad("期限", cw[1]) + " "
	}
	when := "发生时间"
	if cw[2] < 8 {
		when = "发生"
	}
	lines = append(lines, st.List.Header.Render(head+widgets.Pad(when, cw[2])+" "+widgets.Pad("违法事项", cw[3])+" "+"当事人"))
	rs := h.sh.Rules()
	for i := h.offset; i < len(d.resume) && i < h.offset+h.rows(); i++ {
		c := d.resume[i]
		mark := " "
		if d.draft != nil && d.draft.CaseID == c.ID {
			mark = "*"
		}
		selected := h.onList && i == h.cursor
		row := st.List.Row.Render
		status, due := st.StatusStyle(string(c.Status)).Render, present.DeadlineStyle(st, d.due[i])
		lead := " " + mark + " "
		if selected {
			row, status, due, lead = st.List.Selected.Render, st.List.Selected.Render, st.List.Selected.Render, ">"+mark+" "
		}
		line := row(lead) + status(widgets.Pad(c.Status.Label(), cw[0])) + row(" ")
		if cw[1] > 0 {
			text := ""
			if d.due[i] != nil {
				text = present.DeadlineShort(d.due[i])
			}
			line += due(widgets.Pad(text, cw[1])) + row(" ")
		}
		when := present.Short(c.Content.OccurredAt)
		if cw[2] < len(when) {
			when = c.Content.OccurredAt.In(screen.Local).Format("01-02")
		}
		line += row(widgets.Pad(when, cw[2]) + " " + widgets.Pad(present.ViolationLabel(rs, c.Content.Violation), cw[3]) + " " + widgets.Truncate(present.PartyLabel(c.Content.Party), cw[4]))
		if n := ansi.StringWidth(line); selected && n < h.width {
			line += row(strings.Repeat(" ", h.width-n))
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// syncLine is what waits for sync, when it last ran and, when there are
// any, how many sync notices are unread. It is one line whatever the width:
// when the notices do not fit beside the rest, the gaps narrow, then the
// last sync loses its explanation, so the unread count always shows.
func (h home) syncLine() string {
	st := h.sh.Styles
	d := h.data
	pending := st.Label.Render("待同步 ") + st.Count.Render(strconv.Itoa(d.pending)) + st.Label.Render(" 条记录")
	last := func(long bool) string {
		out := st.Label.Render("上次同步：")
		switch {
		case d.lastSync == nil && long:
			return out + st.Warn.Render("从未同步（初次违法无法确认，将提示审核人）")
		case d.lastSync == nil:
			return out + st.Warn.Render("从未同步")
		case long:
			return out + st.Value.Render(present.Time(*d.lastSync)+"（"+present.Since(*d.lastSync, h.sh.Now)+"）")
		}
		return out + st.Value.Render(present.Time(*d.lastSync))
	}
	var notes string
	switch {
	case d.unreadErr:
		notes = st.Warn.Render("同步通知读取失败（F6）")
	case d.unread > 0:
		notes = st.Label.Render("未读通知 ") + st.Count.Render(strconv.Itoa(d.unread)) + st.Label.Render(" 条（F6）")
	default:
		return " " + pending + "    " + last(true)
	}
	var line string
	for _, v := range []struct {
		gap  string
		long bool
	}{{"    ", true}, {"  ", true}, {"  ", false}} {
		line = " " + pending + v.gap + last(v.long) + v.gap + notes
		if ansi.StringWidth(line) <= h.width {
			break
		}
	}
	return line
}

// columns are the widths of status, countdown, time, violation and party.
// The countdown column is there when a listed case has one running; below
// 76 columns the time keeps only its date.
func (h home) columns() [5]int {
	c := [5]int{8, 0, 11, 0, 0}
	for _, d := range h.data.due {
		if d != nil {
			c[1] = 13
		}
	}
	if h.width < 76 {
		c[2] = 5
	}
	free := h.width - 6 - c[0] - c[1] - c[2]
	if c[1] > 0 {
		free--
	}
	c[3] = min(28, max(min(20, free/2), free*36/100))
	c[4] = max(6, free-c[3])
	return c
}

// figures is today's count and the count of each status the officer
// follows, on one line: the gaps narrow, then the labels shorten, so no
// status is dropped (a count missing reads as none).
func (h home) figures() string {
	st := h.sh.Styles
	d := h.data
	returned := st.StatusStyle(string(cases.StatusReturned)).Render
	all := []struct {
		long, short string
		n           int
		style       func(...string) string
	}{
		{"今日发生", "今日", d.today, st.Count.Render},
		{"草稿", "草稿", d.counts[cases.StatusDraft], st.Count.Render},
		{"退回补正", "退回", d.counts[cases.StatusReturned], returned},
		{"待审核", "待审", d.counts[cases.StatusSubmitted], st.Count.Render},
		{"法制审核中", "法审", d.counts[cases.StatusLegalReview], st.Count.Render},
		{"待审批", "待批", d.counts[cases.StatusPendingApproval], st.Count.Render},
	}
	var line string
	for _, v := range []struct {
		short bool
		gap   string
	}{{false, "    "}, {false, "  "}, {true, "  "}, {true, " "}} {
		var parts []string
		for _, f := range all {
			label := f.long
			if v.short {
				label = f.short
			}
			parts = append(parts, st.Label.Render(label+" ")+f.style(strconv.Itoa(f.n)))
		}
		line = " " + strings.Join(parts, v.gap)
		if ansi.StringWidth(line) < h.width {
			break
		}
	}
	return widgets.Truncate(line, h.width)
}

// Open shows the screen with fresh figures.
func (h *home) Open(screen.Navigate) tea.Cmd { return h.Load() }

// Crumb names the screen in the header.
func (h home) Crumb() string { return "首页" }

// QuitsWithQ: nothing here is unsaved.
func (h home) QuitsWithQ() bool { return true }

// ShortHelp lists the live keys.
func (h home) ShortHelp() []key.Binding {
	return []key.Binding{h.keys.NewCase, h.keys.CaseList, h.keys.Enter, h.keys.Resume}
}

// ShortHelpWith puts the keys that open other screens from here (the
// queue, the figures) among the screen's own: the screens it opens first,
// unread notices before them; Enter next, refresh the first to go.
func (h home) ShortHelpWith(entries []key.Binding) []key.Binding {
	notes := h.keys.Notices
	notes.SetHelp("F6", "通知") // short, so Enter still fits at 80 columns
	bs := []key.Binding{h.keys.NewCase, h.keys.CaseList}
	if h.data.unread > 0 {
		bs = append(append(bs, notes), entries...)
	} else {
		bs = append(append(bs, entries...), notes)
	}
	return append(bs, h.keys.Enter, h.keys.Resume, h.keys.Refresh)
}

// FullHelp lists every key of the screen.
func (h home) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{h.keys.NewCase, h.keys.CaseList, h.keys.Notices, h.keys.Refresh, h.keys.SignOut},
		{h.keys.Focus, h.keys.Move, h.keys.Up, h.keys.Down, h.keys.Resume, h.keys.Enter},
	}
}
