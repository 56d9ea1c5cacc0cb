package browse

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/tui/keys"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
	"fieldcase/tui/widgets"
)

// caseDetail shows one case: what was recorded, the suggestion and the
// officer's decision, the supervisor's flags and comment, and the case's
// log (全过程记录) with a check of its hash chain.
type caseDetail struct {
	sh     *screen.Context
	keys   keys.Detail
	width  int
	height int

	id     string
	job    int
	loaded bool
	err    error
	c      cases.Case
	events []cases.Event

	back screen.ID // where Esc goes; "": the case list

	tab  int
	cite int
	vp   viewport.Model
	head []string // fixed lines above the tabs
}

var detailTabs = []string{"案情", "建议与决定", "全过程记录"}

// NewDetail builds the case detail, for the root's registry.
func NewDetail(ctx *screen.Context) screen.Screen {
	return screen.Adapt(screen.Detail, newCaseDetail(ctx))
}

func newCaseDetail(sh *screen.Context) caseDetail {
	d := caseDetail{sh: sh, keys: keys.NewDetail(), vp: viewport.New(80, 10)}
	d.vp.MouseWheelEnabled = true
	return d
}

// Open shows the case n names. Esc goes where n says, except on the way
// back from the case's documents, when it still goes where it went.
func (d *caseDetail) Open(n screen.Navigate) tea.Cmd {
	if n.From != screen.Papers {
		d.back = n.Back
	}
	return d.open(n.CaseID)
}

// open loads a case.
func (d *caseDetail) open(id string) tea.Cmd {
	d.id, d.loaded, d.err, d.tab, d.cite = id, false, nil, 0, 0
	d.job++
	return loadDetail(d.sh.Store, id, d.job)
}

// SetSize lays the detail out.
func (d *caseDetail) SetSize(w, h int) {
	d.width, d.height = w, h
	d.refresh(false)
}

func (d *caseDetail) editable() bool {
	return d.loaded && (d.c.Status == cases.StatusDraft || d.c.Status == cases.StatusReturned)
}

func (d *caseDetail) syncKeys() {
	d.keys.Edit.SetEnabled(d.editable())
	if d.c.Status == cases.StatusDraft {
		d.keys.Edit.SetHelp("F4", "继续办理")
	} else {
		d.keys.Edit.SetHelp("F4", "修改并重新提交")
	}
	hasCites := d.tab == 1 && d.c.Suggestion != nil && len(d.c.Suggestion.Decision.Citations) > 0
	d.keys.Article.SetEnabled(hasCites)
	d.keys.Citation.SetEnabled(hasCites)
}

// Update handles keys and the loaded case.
func (d caseDetail) Update(msg tea.Msg) (caseDetail, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case detailMsg:
		if msg.job != d.job {
			return d, nil
		}
		d.loaded, d.err = true, msg.err
		if msg.err == nil {
			d.c, d.events = msg.c, msg.events
		}
		d.refresh(true)
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, d.keys.Back):
			back := screen.List
			if d.back != "" {
				back = d.back
			}
			cmd = screen.Go(screen.Navigate{To: back})
		case key.Matches(msg, d.keys.Tab):
			n := len(detailTabs)
			if msg.Type == tea.KeyShiftTab {
				d.tab = (d.tab + n - 1) % n
			} else {
				d.tab = (d.tab + 1) % n
			}
			d.refresh(true)
		case key.Matches(msg, d.keys.Edit) && d.editable():
			cmd = screen.Go(screen.Navigate{To: screen.Wizard, CaseID: d.c.ID})
		case key.Matches(msg, d.keys.Article) && d.keys.Article.Enabled():
			cmd = screen.Go(screen.Navigate{To: screen.Reader, Cites: d.c.Suggestion.Decision.Citations, Cite: d.cite})
		case key.Matches(msg, d.keys.Citation) && d.keys.Citation.Enabled():
			n := len(d.c.Suggestion.Decision.Citations)
			if msg.Type == tea.KeyLeft {
				d.cite = (d.cite + n - 1) % n
			} else {
				d.cite = (d.cite + 1) % n
			}
			line := d.refresh(false)
			if line < d.vp.YOffset || line >= d.vp.YOffset+d.vp.Height {
				d.vp.SetYOffset(line - d.vp.Height/2)
			}
		default:
			widgets.Scroll(&d.vp, d.keys.Nav, msg)
		}
	case tea.MouseMsg:
		if msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft && msg.Y == len(d.head) {
			if i, ok := d.tabs().At(msg.X); ok {
				d.tab = i
				d.refresh(true)
			}
			return d, nil
		}
		d.vp, cmd = d.vp.Update(msg)
	}
	d.syncKeys()
	return d, cmd
}

// refresh rebuilds the fixed header and the tab's content; it returns the
// line of the selected citation on the suggestion tab.
func (d *caseDetail) refresh(top bool) int {
	st := d.sh.Styles
	w := d.width
	d.head = d.head[:0:0]
	citeLine := 0
	if !d.loaded {
		d.vp.SetContent(st.Muted.Render(" 正在读取..."))
		return 0
	}
	if d.err != nil {
		d.vp.SetContent(st.Error.Render(widgets.FitLines(strings.Join(widgets.Wrap(" ! 读取失败："+d.err.Error(), w-2), "\n"), w)))
		return 0
	}
	c := d.c
	rs := d.sh.Rules()
	title := " " + st.StatusStyle(string(c.Status)).Render("["+c.Status.Label()+"]") + " " + st.Strong.Render(present.ViolationLabel(rs, c.Content.Violation)) + "  " + st.Value.Render(present.Clean(c.Content.Party.Name))
	d.head = append(d.head, widgets.Truncate(title, w))
	d.head = append(d.head, st.Faint.Render(widgets.Truncate(" 案件编号 "+c.ID, w)))
	if c.ReviewComment != "" {
		who := ""
		if c.ReviewedBy != nil {
			who = "（" + present.Clean(c.ReviewedBy.Name) + "）"
		}
		lines := widgets.Wrap("审核意见"+who+"："+present.Clean(c.ReviewComment), w-3)
		for i, l := range lines {
			if i == 3 {
				break
			}
			p := " ! "
			if i > 0 {
				p = "   "
			}
			d.head = append(d.head, st.Warn.Render(p+l))
		}
	}
	flags := c.Flags()
	for i, f := range flags {
		if i == 2 && len(flags) > 3 {
			d.head = append(d.head, st.Warn.Render(widgets.Truncate(" * 另有 "+strconv.Itoa(len(flags)-2)+" 项提示，见「建议与决定」", w)))
			break
		}
		d.head = append(d.head, st.Warn.Render(widgets.Truncate(" * 提示审核人："+present.Clean(f.Label), w)))
	}
	var body []string
	switch d.tab {
	case 0:
		body = d.contentLines()
	case 1:
		body, citeLine = d.decisionLines()
	case 2:
		body = d.logLines()
	}
	d.vp.Width = w
	d.vp.Height = max(1, d.height-len(d.head)-2)
	d.vp.SetContent(strings.Join(body, "\n"))
	if top {
		d.vp.GotoTop()
	}
	return citeLine
}

func (d caseDetail) contentLines() []string {
	st := d.sh.Styles
	c := d.c.Content
	rs := d.sh.Rules()
	w := d.width
	var lines []string
	kv := func(k, v string) {
		for i, l := range widgets.Wrap(v, max(10, w-13)) {
			if i == 0 {
				lines = append(lines, st.Label.Render(" "+widgets.Pad(k, 10)+"  ")+st.Value.Render(l))
			} else {
				lines = append(lines, strings.Repeat(" ", 13)+st.Value.Render(l))
			}
		}
	}
	kv("违法事项", present.ViolationLabel(rs, c.Violation))
	p := c.Party
	switch p.Kind {
	case cases.PartyOrg:
		kv("当事人", "单位 "+present.Clean(p.Name))
		kv("信用代码", present.Clean(p.USCC))
		if p.LegalRep != "" {
			kv("法定代表人", present.Clean(p.LegalRep))
		}
		if p.USCCOverride != "" {
			kv("校验说明", present.Clean(p.USCCOverride))
		}
	case cases.PartyPerson:
		kv("当事人", "公民 "+present.Clean(p.Name))
		kv("证件", cases.IDTypeLabel(p.IDType)+" "+present.Clean(p.IDNumber))
	default:
		kv("当事人", "未填写")
	}
	if p.Phone != "" {
		kv("电话", present.Clean(p.Phone))
	}
	if p.Address != "" {
		kv("地址", present.Clean(p.Address))
	}
	kv("地点", present.OrUnset(present.Clean(c.Place.Text)))
	kv("发生时间", present.Time(c.OccurredAt))
	if c.EndedAt != nil {
		kv("终了时间", present.Time(*c.EndedAt))
	}
	kv("发现时间", present.Time(c.DiscoveredAt))
	kv("违法事实", present.OrUnset(strings.TrimSpace(present.CleanText(c.Facts))))
	kv("情节", present.CircumstancesText(c))
	if len(c.Evidence) == 0 {
		kv("证据", "无")
	}
	for i, e := range c.Evidence {
		kv("证据 "+strconv.Itoa(i+1), present.EvidenceText(e))
	}
	var os []string
	for _, o := range c.Officers {
		os = append(os, present.Clean(o.Name)+"（执法证号 "+present.Clean(o.Cert)+"）")
	}
	kv("执法人员", present.OrUnset(strings.Join(os, "、")))
	kv("承办人", present.Clean(d.c.CreatedBy.Name)+"  "+present.Time(d.c.CreatedAt))
	if d.c.SubmittedAt != nil {
		kv("提交时间", present.Time(*d.c.SubmittedAt))
	}
	return lines
}

func (d caseDetail) decisionLines() ([]string, int) {
	st := d.sh.Styles
	c := d.c
	if c.Suggestion == nil {
		return []string{"", st.Muted.Render(" 尚未作出处理建议。案件提交时将依据规则计算。")}, 0
	}
	v := present.SuggestionView{Styles: st, Suggestion: *c.Suggestion, Content: c.Content, Width: d.width, Cite: d.cite, Trace: true,
		ActName: present.ActName(d.sh.Rules(), c.Content.Violation, c.Suggestion.Decision.Act)}
	lines := strings.Split(v.Banner(), "\n")
	lines = append(lines, "", st.Section.Render(" 承办人决定"))
	choice := present.ChoiceText(c.Choice)
	for _, l := range widgets.Wrap(choice, d.width-4) {
		lines = append(lines, "  "+st.Strong.Render(l))
	}
	if c.Choice != nil && !c.Choice.Follow {
		for _, l := range widgets.Wrap("理由："+present.Clean(c.Choice.Reason), d.width-4) {
			lines = append(lines, "  "+st.Warn.Render(l))
		}
	}
	if flags := c.Flags(); len(flags) > 0 {
		lines = append(lines, "", st.Section.Render(" 提示审核人"))
		for _, f := range flags {
			for i, l := range widgets.Wrap(present.Clean(f.Label), d.width-5) {
				p := "  * "
				if i > 0 {
					p = "    "
				}
				lines = append(lines, st.Warn.Render(p+l))
			}
		}
	}
	body, citeLine := v.Body()
	offset := len(lines) + 1
	lines = append(lines, "")
	lines = append(lines, body...)
	return lines, offset + citeLine
}

// logLines render the case's log: when, who, what, and what changed.
func (d caseDetail) logLines() []string {
	return present.LogLines(d.sh.Styles, d.sh.Rules(), d.events, d.width)
}

// tabs are the detail's tabs; the log's counts its records.
func (d caseDetail) tabs() widgets.Tabs {
	labels := append([]string(nil), detailTabs...)
	if d.loaded {
		labels[2] += "（" + strconv.Itoa(len(d.events)) + "）"
	}
	return widgets.Tabs{Labels: labels, Active: d.tab}
}

// View draws the header, the tabs and the scrolled content.
func (d caseDetail) View() string {
	st := d.sh.Styles
	lines := append([]string(nil), d.head...)
	lines = append(lines, widgets.Truncate(d.tabs().View(st), d.width), "")
	lines = append(lines, d.vp.View())
	return strings.Join(lines, "\n")
}

// Crumb names the screen in the header.
func (d caseDetail) Crumb() string { return "案件详情" }

// QuitsWithQ: nothing here is unsaved.
func (d caseDetail) QuitsWithQ() bool { return true }

// Subject is the case shown, once it has loaded.
func (d caseDetail) Subject() (string, bool) { return d.c.ID, d.loaded && d.err == nil }

// ShortHelp lists the live keys.
func (d caseDetail) ShortHelp() []key.Binding {
	return []key.Binding{d.keys.Tab, d.keys.Down, d.keys.Edit, d.keys.Citation, d.keys.Article, d.keys.Back}
}

// FullHelp lists every key of the screen.
func (d caseDetail) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{d.keys.Tab, d.keys.Up, d.keys.Down, d.keys.PageUp, d.keys.PageDown, d.keys.Top, d.keys.Bottom},
		{d.keys.Edit, d.keys.Citation, d.keys.Article, d.keys.Back},
	}
}
