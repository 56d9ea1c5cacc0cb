package papers

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"fieldcase/cases/report"
	"fieldcase/cases/store"
	"fieldcase/rules"
	"fieldcase/tui/keys"
	"fieldcase/tui/screen"
	"fieldcase/tui/styles"
	"fieldcase/tui/widgets"
)

// dashboard shows the district's figures for a period at a glance: the
// headline counts, a sparkline of cases recorded, bars of the no-penalty
// grounds, the violations and the months, and the cases past the Art. 60
// deadline. The figures come from the store's daily counters (report
// package), so switching periods is instant even on a large store.
type dashboard struct {
	sh     *screen.Context
	keys   keys.Dashboard
	width  int
	height int

	period int
	job    int
	loaded bool
	err    error
	f      report.Figures
	vp     viewport.Model
}

// periods are the date ranges the dashboard offers, each ending today.
var periods = []struct {
	label string
	from  func(today time.Time) time.Time
}{
	{"近30日", func(t time.Time) time.Time { return t.AddDate(0, 0, -29) }},
	{"本月", func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, screen.Local) }},
	{"本年", func(t time.Time) time.Time { return time.Date(t.Year(), 1, 1, 0, 0, 0, 0, screen.Local) }},
	{"近12个月", func(t time.Time) time.Time {
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, screen.Local).AddDate(0, -11, 0)
	}},
}

const defaultPeriod = 2 // 本年

// NewDashboard builds the district's figures, for the root's registry.
func NewDashboard(ctx *screen.Context) screen.Screen {
	return screen.Adapt(screen.Dashboard, newDashboard(ctx))
}

func newDashboard(sh *screen.Context) dashboard {
	d := dashboard{sh: sh, keys: keys.NewDashboard(), period: defaultPeriod, vp: viewport.New(80, 10)}
	d.vp.MouseWheelEnabled = true
	return d
}

// figuresMsg carries the computed figures of one request.
type figuresMsg struct {
	job int
	f   report.Figures
	err error
}

func loadFigures(st *store.Store, from, to store.Day, asOf time.Time, job int) tea.Cmd {
	return func() tea.Msg {
		book, err := st.Rules()
		if err != nil {
			return figuresMsg{job: job, err: err}
		}
		f, err := report.Compute(st, from, to, asOf, book.InForce(asOf))
		return figuresMsg{job: job, f: f, err: err}
	}
}

// Load computes the figures of the current period; older answers are dropped.
func (d *dashboard) Load() tea.Cmd {
	d.job++
	today := d.sh.Now.In(screen.Local)
	p := periods[d.period]
	return loadFigures(d.sh.Store, store.DayOf(p.from(today)), store.DayOf(today), d.sh.Now, d.job)
}

// SetSize lays the dashboard out.
func (d *dashboard) SetSize(w, h int) {
	d.width, d.height = w, h
	d.vp.Width, d.vp.Height = w, max(1, h-3)
	d.fill(false)
}

// Update handles keys and loaded figures.
func (d dashboard) Update(msg tea.Msg) (dashboard, tea.Cmd) {
	switch msg := msg.(type) {
	case figuresMsg:
		if msg.job != d.job {
			return d, nil
		}
		d.loaded, d.err, d.f = true, msg.err, msg.f
		d.fill(true)
		return d, nil
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, d.keys.Back):
			return d, screen.Go(screen.Navigate{To: screen.Home})
		case key.Matches(msg, d.keys.Range):
			n := len(periods)
			if msg.Type == tea.KeyLeft || msg.Type == tea.KeyShiftTab {
				d.period = (d.period + n - 1) % n
			} else {
				d.period = (d.period + 1) % n
			}
			return d, d.Load()
		case key.Matches(msg, d.keys.Refresh):
			return d, d.Load()
		default:
			widgets.Scroll(&d.vp, d.keys.Nav, msg)
		}
		return d, nil
	}
	var cmd tea.Cmd
	d.vp, cmd = d.vp.Update(msg)
	return d, cmd
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// fill lays the figures out for the width: two columns from 76 cells.
func (d *dashboard) fill(top bool) {
	st := d.sh.Styles
	w := d.width
	switch {
	case !d.loaded:
		d.vp.SetContent(st.Muted.Render(" 正在统计..."))
		return
	case d.err != nil:
		d.vp.SetContent(st.Error.Render(widgets.FitLines(strings.Join(widgets.Wrap(" ! 统计失败："+d.err.Error(), w-2), "\n"), w)))
		return
	}
	f := d.f
	var lines []string
	add := func(l ...string) { lines = append(lines, l...) }
	figure := func(label string, n int64, style func(...string) string) string {
		return st.Label.Render(label+" ") + style(itoa64(n))
	}
	count := st.Count.Render
	headline := []string{
		figure("记录", f.Recorded, count), figure("立案", f.Filed, count), figure("审核", f.Reviewed, count),
		figure("退回", f.Returned, st.Warn.Render), figure("法制审核", f.LegalReviews, count),
		figure("集体讨论", f.Collective, count), figure("公示", f.Disclosed, count),
	}
	add(flow(headline, w-2, "  ")...)
	decided := []string{
		figure("作出决定", f.Decided, count),
		st.Label.Render("处罚 ") + count(itoa64(f.Penalized)) + st.Muted.Render("（罚款 "+f.FinesYuan+" 元）"),
		figure("不予处罚", f.NotPenalized, st.OK.Render),
	}
	if f.HandlingCases > 0 {
		decided = append(decided, st.Label.Render("平均办理 ")+count(strconv.FormatFloat(f.AvgHandlingDays, 'f', 1, 64))+st.Label.Render(" 天"))
	}
	over := st.OK.Render
	if len(f.Overdue) > 0 {
		over = st.Error.Render
	}
	decided = append(decided, figure("超期未决", int64(len(f.Overdue)), over))
	add(flow(decided, w-2, "  ")...)
	add("")

	// Trend: daily for short periods, monthly otherwise.
	var series []int64
	unit := "每日"
	if n := spanDays(f.From, f.To); n > 0 && n <= 92 && len(f.Daily) == n {
		for _, x := range f.Daily {
			series = append(series, x.Recorded)
		}
	} else {
		unit = "每月"
		for _, m := range f.ByMonth {
			series = append(series, m.Recorded)
		}
	}
	var peak int64
	for _, v := range series {
		peak = max(peak, v)
	}
	sw := min(60, max(10, w-30))
	if k := min(4, 2*sw/max(1, len(series))); k > 1 {
		// few points (months): widen each so the line reads
		wide := make([]int64, 0, len(series)*k)
		for _, v := range series {
			for range k {
				wide = append(wide, v)
			}
		}
		series = wide
	}
	add(" "+st.Section.Render("记录案件（"+unit+"）")+"  "+st.Info.Render(sparkline(series, sw))+st.Muted.Render("  峰值 "+itoa64(peak)), "")

	// No-penalty grounds and violations, side by side when there is room.
	var grounds []string
	var gmax int64
	for _, c := range f.ByGround {
		gmax = max(gmax, c.Count)
	}
	grounds = append(grounds, st.Section.Render("不予处罚的理由"))
	for _, c := range f.ByGround {
		if c.Count == 0 && !mainGround(c.Code) {
			continue
		}
		grounds = append(grounds, widgets.Pad(st.Label.Render(c.Label), 14)+st.Value.Render(widgets.PadLeft(itoa64(c.Count), 4))+" "+st.OK.Render(hbar(c.Count, gmax, 14)))
	}
	var viol []string
	var vmax int64
	for _, v := range f.ByViolation {
		vmax = max(vmax, v.Recorded)
	}
	viol = append(viol, st.Section.Render("按违法事项（记录）"))
	for i, v := range f.ByViolation {
		if i == 8 {
			viol = append(viol, st.Muted.Render("另有 "+strconv.Itoa(len(f.ByViolation)-8)+" 项"))
			break
		}
		viol = append(viol, st.Label.Render(v.Code+" ")+widgets.Pad(st.Value.Render(widgets.Truncate(v.Name, 12)), 12)+st.Value.Render(widgets.PadLeft(itoa64(v.Recorded), 4))+" "+st.Info.Render(hbar(v.Recorded, vmax, 12)))
	}
	if len(f.ByViolation) == 0 {
		viol = append(viol, st.List.Empty.Render("本时段没有记录案件"))
	}
	if w >= 76 {
		for i := 0; i < max(len(grounds), len(viol)); i++ {
			l, r := "", ""
			if i < len(grounds) {
				l = grounds[i]
			}
			if i < len(viol) {
				r = viol[i]
			}
			add(" " + widgets.Pad(l, 36) + "  " + r)
		}
	} else {
		for _, l := range grounds {
			add(" " + l)
		}
		add("")
		for _, l := range viol {
			add(" " + l)
		}
	}
	add("")

	// Months.
	if len(f.ByMonth) > 1 {
		var mmax int64
		for _, m := range f.ByMonth {
			mmax = max(mmax, m.Recorded)
		}
		add(" " + st.Section.Render("按月") + st.Muted.Render("  记录 / 决定 / 不予处罚"))
		for _, m := range f.ByMonth {
			add(" " + st.Label.Render(m.Month) + st.Value.Render(fmt.Sprintf(" %4d / %4d / %4d ", m.Recorded, m.Decided, m.NotPenalized)) + st.Info.Render(hbar(m.Recorded, mmax, max(4, min(30, w-36)))))
		}
		add("")
	}

	// Documents issued.
	var docs []string
	for _, c := range f.Documents {
		docs = append(docs, st.Label.Render(c.Label+" ")+st.Value.Render(itoa64(c.Count)))
	}
	add(" " + st.Section.Render("出具文书"))
	for _, l := range flow(docs, w-4, "  ") {
		add("  " + l)
	}
	add("")

	// Overdue.
	add(" " + st.Section.Render("超过"+strconv.Itoa(f.DeadlineDays)+"日未作出决定（行政处罚法第六十条）") + st.Muted.Render("  已立案未决 "+strconv.Itoa(f.Pending)+" 件"))
	if len(f.Overdue) == 0 {
		add("  " + st.OK.Render("没有超期案件"))
	}
	for _, o := range f.Overdue {
		add("  " + st.Error.Render("! ") + st.Value.Render(o.CaseID) + st.Muted.Render("  立案 "+o.Filed+"  ") + st.Error.Render("超期 "+strconv.Itoa(o.DaysOver)+" 天"))
	}
	for i, l := range lines {
		lines[i] = widgets.Truncate(l, w)
	}
	d.vp.SetContent(strings.Join(lines, "\n"))
	if top {
		d.vp.GotoTop()
	}
}

// spanDays is how many days from through to cover, 0 if unreadable.
func spanDays(from, to string) int {
	a, err1 := time.ParseInLocation("2006-01-02", from, screen.Local)
	b, err2 := time.ParseInLocation("2006-01-02", to, screen.Local)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(b.Sub(a).Hours()/24+0.5) + 1
}

func mainGround(code string) bool {
	switch rules.Ground(code) {
	case rules.GroundMinorNoHarm, rules.GroundFirstOffence, rules.GroundNoFault, rules.GroundTimeLimit:
		return true
	}
	return false
}

// flow sets items on as few lines as fit in width, sep between them.
func flow(items []string, width int, sep string) []string {
	var out []string
	cur := ""
	for _, it := range items {
		switch {
		case cur == "":
			cur = it
		case ansi.StringWidth(cur)+ansi.StringWidth(sep)+ansi.StringWidth(it) <= width:
			cur += sep + it
		default:
			out = append(out, " "+cur)
			cur = it
		}
	}
	if cur != "" {
		out = append(out, " "+cur)
	}
	return out
}

// View draws the period tabs and the figures.
func (d dashboard) View() string {
	st := d.sh.Styles
	head := " " + st.Section.Render("执法统计")
	if d.loaded && d.err == nil {
		head += st.Muted.Render("  " + d.f.From + " 至 " + d.f.To)
	}
	tabs := widgets.Tabs{Active: d.period}
	for _, p := range periods {
		tabs.Labels = append(tabs.Labels, p.label)
	}
	return widgets.Truncate(head, d.width) + "\n" + widgets.Truncate(tabs.View(st), d.width) + "\n\n" + d.vp.View()
}

// Status says when figures are being computed.
func (d dashboard) Status() (string, styles.Tone) {
	if !d.loaded {
		return "正在统计...", styles.ToneInfo
	}
	return "", styles.ToneNeutral
}

// Open shows the figures, read again.
func (d *dashboard) Open(screen.Navigate) tea.Cmd { return d.Load() }

// Crumb names the screen in the header.
func (d dashboard) Crumb() string { return "执法统计" }

// QuitsWithQ: nothing here is unsaved.
func (d dashboard) QuitsWithQ() bool { return true }

// Entries: F8 on the home screen opens the figures.
func (d dashboard) Entries() []screen.Entry {
	return []screen.Entry{{From: screen.Home, Key: d.keys.Entry, Short: "统计"}}
}

// ShortHelp lists the live keys.
func (d dashboard) ShortHelp() []key.Binding {
	return []key.Binding{d.keys.Range, d.keys.Down, d.keys.Refresh, d.keys.Back}
}

// FullHelp lists every key of the screen.
func (d dashboard) FullHelp() [][]key.Binding {
	return [][]key.Binding{{d.keys.Range, d.keys.Refresh}, {d.keys.Up, d.keys.Down, d.keys.PageUp, d.keys.PageDown, d.keys.Top, d.keys.Bottom, d.keys.Back}}
}
