package notices

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases/store"
	"fieldcase/tui/keys"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
	"fieldcase/tui/styles"
	"fieldcase/tui/widgets"
)

// notices shows what sync told this device (同步通知), newest first: a case
// returned while it was edited offline, an amendment request, linked
// parties, a first violation judged again, a rule set or review settings
// refused, HQ starting over, the device quarantined. Each notice shows in
// full, wrapped to the width; the list scrolls by line. Opening the screen
// marks every notice read, and the ones that were unread keep their 未读
// mark while the screen is open. Enter opens the case a notice names.
type notices struct {
	sh     *screen.Context
	keys   keys.Notices
	width  int
	height int

	job     int
	loaded  bool
	err     error
	markErr error
	full    bool
	items   []store.Notice
	unread  []bool

	lines  []string // the laid-out list
	tops   []int    // each notice's first line in lines
	ends   []int    // each notice's last line
	cursor int
	offset int // first line shown

}

// New builds the sync notices, for the root's registry.
func New(ctx *screen.Context) screen.Screen {
	return screen.Adapt(screen.Notices, newNotices(ctx))
}

func newNotices(sh *screen.Context) notices {
	n := notices{sh: sh, keys: keys.NewNotices()}
	n.syncKeys()
	return n
}

// Load reads the notices (and marks them read).
func (n *notices) Load() tea.Cmd {
	n.job++
	n.loaded, n.err, n.markErr = false, nil, nil
	n.items, n.unread, n.cursor, n.offset = nil, nil, 0, 0
	n.layout()
	n.syncKeys()
	return loadNotices(n.sh.Store, n.job)
}

// SetSize lays the list out again.
func (n *notices) SetSize(w, h int) {
	n.width, n.height = w, h
	n.layout()
	n.show(n.cursor)
}

// noticesTop is the body line of the list's first line.
const noticesTop = 2

func (n notices) rows() int { return max(1, n.height-noticesTop) }

func (n notices) maxOffset() int { return max(0, len(n.lines)-n.rows()) }

func noticeKind(kind string) string {
	if l := store.NoticeKindLabel(kind); l != "" {
		return l
	}
	if k := present.Clean(kind); k != "" {
		return k
	}
	return "通知"
}

// noticeCase is a case id from a notice as it is shown: cleaned, its tail.
func noticeCase(id string) string { return present.Clean(present.ShortID(present.Clean(id))) }

// layout draws every notice into lines: a head line (未读, time, kind,
// case, related case) and the message wrapped under it, a blank line
// between notices.
func (n *notices) layout() {
	st := n.sh.Styles
	n.lines, n.tops, n.ends = nil, nil, nil
	w := max(1, n.width-5)
	for i, it := range n.items {
		if i > 0 {
			n.lines = append(n.lines, "")
		}
		n.tops = append(n.tops, len(n.lines))
		mark := "    "
		if n.unread[i] {
			mark = "未读"
		}
		at := "时间不详"
		if !it.At.IsZero() {
			at = present.Time(it.At)
		}
		head := mark + " " + widgets.Pad(at, 16) + "  【" + noticeKind(it.Kind) + "】"
		if it.CaseID != "" {
			head += " 案件 " + noticeCase(it.CaseID)
		}
		if it.Related != "" {
			head += "  关联案件 " + noticeCase(it.Related)
		}
		if i == n.cursor {
			n.lines = append(n.lines, st.List.Selected.Render(widgets.Pad("> "+head, n.width)))
		} else {
			style := st.Label
			if n.unread[i] {
				style = st.Strong
			}
			n.lines = append(n.lines, "  "+style.Render(widgets.Truncate(head, n.width-2)))
		}
		msg := present.CleanText(it.Message)
		if strings.TrimSpace(msg) == "" {
			msg = "（无说明）"
		}
		for _, l := range widgets.Wrap(msg, w) {
			n.lines = append(n.lines, "    "+st.Value.Render(l))
		}
		n.ends = append(n.ends, len(n.lines)-1)
	}
}

// show scrolls so the notice i is in view: its top at least, and all of
// it when it fits.
func (n *notices) show(i int) {
	if i < 0 || i >= len(n.tops) {
		n.offset = max(0, min(n.offset, n.maxOffset()))
		return
	}
	if n.ends[i] >= n.offset+n.rows() {
		n.offset = n.ends[i] - n.rows() + 1
	}
	if n.tops[i] < n.offset {
		n.offset = n.tops[i]
	}
	n.offset = max(0, min(n.offset, n.maxOffset()))
}

// selected is the notice under the cursor.
func (n notices) selected() (store.Notice, bool) {
	if n.cursor < 0 || n.cursor >= len(n.items) {
		return store.Notice{}, false
	}
	return n.items[n.cursor], true
}

func (n *notices) syncKeys() {
	it, ok := n.selected()
	n.keys.Open.SetEnabled(ok && present.Clean(it.CaseID) != "")
	n.keys.Related.SetEnabled(ok && present.Clean(it.Related) != "")
	more := len(n.lines) > n.rows() || len(n.items) > 1
	for _, b := range []*key.Binding{&n.keys.Move, &n.keys.Up, &n.keys.Down, &n.keys.PageUp, &n.keys.PageDown, &n.keys.Top, &n.keys.Bottom} {
		b.SetEnabled(more)
	}
}

// Update handles keys, clicks and the loaded notices.
func (n notices) Update(msg tea.Msg) (notices, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case noticesMsg:
		if msg.job != n.job {
			return n, nil
		}
		n.loaded, n.err, n.markErr, n.full = true, msg.err, msg.markErr, msg.full
		n.items, n.unread, n.cursor, n.offset = msg.notices, msg.unread, 0, 0
		n.layout()
	case tea.KeyMsg:
		cmd = n.key(msg)
	case tea.MouseMsg:
		cmd = n.mouse(msg)
	}
	n.syncKeys()
	return n, cmd
}

// moveTo puts the cursor on notice i and brings it into view.
func (n *notices) moveTo(i int) {
	if len(n.items) == 0 {
		return
	}
	n.cursor = max(0, min(i, len(n.items)-1))
	n.layout()
	n.show(n.cursor)
}

// down scrolls through the selected notice when it runs past the bottom,
// else selects the next one.
func (n *notices) down() {
	if len(n.items) == 0 {
		return
	}
	if n.ends[n.cursor] >= n.offset+n.rows() {
		n.offset = min(n.offset+1, n.maxOffset())
		return
	}
	n.moveTo(n.cursor + 1)
}

// up scrolls back to the top of the selected notice, else selects the
// previous one.
func (n *notices) up() {
	if len(n.items) == 0 {
		return
	}
	if n.tops[n.cursor] < n.offset {
		n.offset--
		return
	}
	if n.cursor > 0 {
		n.cursor--
		n.layout()
		if n.tops[n.cursor] < n.offset || n.ends[n.cursor] >= n.offset+n.rows() {
			// Coming from below, the end of the previous notice shows first.
			n.offset = max(n.tops[n.cursor], n.ends[n.cursor]-n.rows()+1)
			n.offset = max(0, min(n.offset, n.maxOffset()))
		}
	}
}

// page scrolls a screen and selects the first notice that begins on it
// (or the one that fills it).
func (n *notices) page(d int) {
	if len(n.items) == 0 {
		return
	}
	n.offset = max(0, min(n.offset+d*n.rows(), n.maxOffset()))
	c := -1
	for i := range n.items {
		if n.tops[i] >= n.offset && n.tops[i] < n.offset+n.rows() {
			c = i
			break
		}
		if n.tops[i] <= n.offset {
			c = i
		}
	}
	if d > 0 && n.offset == n.maxOffset() && n.cursor == c {
		c = len(n.items) - 1 // at the end: the last notice
	}
	if c >= 0 {
		n.cursor = c
		n.layout()
	}
}

func (n *notices) key(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, n.keys.Back):
		return screen.Go(screen.Navigate{To: screen.Home})
	case key.Matches(msg, n.keys.Open):
		return n.open(false)
	case key.Matches(msg, n.keys.Related):
		return n.open(true)
	case key.Matches(msg, n.keys.Down):
		n.down()
	case key.Matches(msg, n.keys.Up):
		n.up()
	case key.Matches(msg, n.keys.PageDown):
		n.page(1)
	case key.Matches(msg, n.keys.PageUp):
		n.page(-1)
	case key.Matches(msg, n.keys.Top):
		n.moveTo(0)
		n.offset = 0
	case key.Matches(msg, n.keys.Bottom):
		n.moveTo(len(n.items) - 1)
		n.offset = n.maxOffset()
	}
	return nil
}

// open asks for the detail of the case the selected notice names (or its
// related case); Esc there comes back here.
func (n *notices) open(related bool) tea.Cmd {
	it, ok := n.selected()
	if !ok {
		return nil
	}
	id := present.Clean(it.CaseID)
	if related {
		id = present.Clean(it.Related)
	}
	if id == "" {
		return nil
	}
	return screen.Go(screen.Navigate{To: screen.Detail, CaseID: id, Back: screen.Notices})
}

func (n *notices) mouse(msg tea.MouseMsg) tea.Cmd {
	switch {
	case msg.Button == tea.MouseButtonWheelUp:
		n.up()
	case msg.Button == tea.MouseButtonWheelDown:
		n.down()
	case msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft && msg.Y >= noticesTop:
		line := n.offset + msg.Y - noticesTop
		for i := range n.items {
			if line >= n.tops[i] && line <= n.ends[i] {
				if i == n.cursor {
					return n.open(false)
				}
				n.cursor = i
				n.layout()
				return nil
			}
		}
	}
	return nil
}

// View draws the title, the counts and the notices.
func (n notices) View() string {
	st := n.sh.Styles
	head := " " + st.Section.Render("同步通知")
	lines := []string{}
	switch {
	case !n.loaded:
		lines = append(lines, head, "", st.Muted.Render(" 正在读取..."))
	case n.err != nil:
		lines = append(lines, head, "")
		for _, l := range widgets.Wrap("! 读取失败："+present.CleanText(n.err.Error()), max(1, n.width-2)) {
			lines = append(lines, " "+st.Error.Render(l))
		}
	case len(n.items) == 0:
		lines = append(lines, head, "", st.List.Empty.Render("   没有同步通知。"))
	default:
		unread := 0
		for _, u := range n.unread {
			if u {
				unread++
			}
		}
		count := "  共 " + strconv.Itoa(len(n.items)) + " 条"
		if n.full {
			count = "  最近 " + strconv.Itoa(len(n.items)) + " 条"
		}
		if unread > 0 {
			count += "，未读 " + strconv.Itoa(unread) + " 条（现已标为已读）"
		}
		if len(n.lines) > n.rows() {
			count += "  第 " + strconv.Itoa(n.offset+1) + "-" + strconv.Itoa(min(len(n.lines), n.offset+n.rows())) + " 行/共 " + strconv.Itoa(len(n.lines)) + " 行"
		}
		lines = append(lines, widgets.Truncate(head+st.Muted.Render(count), n.width), "")
		end := min(len(n.lines), n.offset+n.rows())
		lines = append(lines, n.lines[n.offset:end]...)
	}
	for i, l := range lines {
		lines[i] = widgets.Truncate(l, n.width)
	}
	return strings.Join(lines, "\n")
}

// Status says when the notices are read, or that marking them read failed.
func (n notices) Status() (string, styles.Tone) {
	switch {
	case !n.loaded:
		return "正在读取同步通知...", styles.ToneInfo
	case n.markErr != nil:
		return "未能标为已读：" + present.Clean(n.markErr.Error()), styles.ToneDanger
	}
	return "", styles.ToneNeutral
}

// Open shows the notices; back from a case opened here, they stay as they
// were, 未读 marks and all (they are marked read already).
func (n *notices) Open(nav screen.Navigate) tea.Cmd {
	if nav.From == screen.Detail && n.loaded {
		return nil
	}
	return n.Load()
}

// Crumb names the screen in the header.
func (n notices) Crumb() string { return "同步通知" }

// QuitsWithQ: nothing here is unsaved.
func (n notices) QuitsWithQ() bool { return true }

// ShortHelp lists the live keys.
func (n notices) ShortHelp() []key.Binding {
	return []key.Binding{n.keys.Open, n.keys.Related, n.keys.Move, n.keys.PageDown, n.keys.Back}
}

// FullHelp lists every key of the screen.
func (n notices) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{n.keys.Open, n.keys.Related, n.keys.Back},
		{n.keys.Up, n.keys.Down, n.keys.PageUp, n.keys.PageDown, n.keys.Top, n.keys.Bottom},
	}
}
