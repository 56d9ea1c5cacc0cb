package tui

import (
	"encoding/json"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/tui/keys"
	"fieldcase/tui/screen"
	"fieldcase/tui/widgets"
)

// caseDetail shows one case: what was recorded, the suggestion and the
// officer's decision, the supervisor's flags and comment, and the case's
// log (全过程记录) with a check of its hash chain.
type caseDetail struct {
	sh     *shared
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

func newCaseDetail(sh *shared) caseDetail {
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
		case key.Matches(msg, d.keys.Up):
			d.vp.ScrollUp(1)
		case key.Matches(msg, d.keys.Down):
			d.vp.ScrollDown(1)
		case key.Matches(msg, d.keys.PageUp):
			d.vp.PageUp()
		case key.Matches(msg, d.keys.PageDown):
			d.vp.PageDown()
		case key.Matches(msg, d.keys.Top):
			d.vp.GotoTop()
		case key.Matches(msg, d.keys.Bottom):
			d.vp.GotoBottom()
		}
	case tea.MouseMsg:
		if msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft && msg.Y == len(d.head) {
			pos := 1
			for i, t := range detailTabs {
				w := len([]rune(t))*2 + 3
				if msg.X >= pos && msg.X < pos+w {
					d.tab = i
					d.refresh(true)
				}
				pos += w
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
	title := " " + st.StatusStyle(string(c.Status)).Render("["+c.Status.Label()+"]") + " " + st.Strong.Render(violationLabel(rs, c.Content.Violation)) + "  " + st.Value.Render(clean(c.Content.Party.Name))
	d.head = append(d.head, widgets.Truncate(title, w))
	d.head = append(d.head, st.Faint.Render(widgets.Truncate(" 案件编号 "+c.ID, w)))
	if c.ReviewComment != "" {
		who := ""
		if c.ReviewedBy != nil {
			who = "（" + clean(c.ReviewedBy.Name) + "）"
		}
		lines := widgets.Wrap("审核意见"+who+"："+clean(c.ReviewComment), w-3)
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
		d.head = append(d.head, st.Warn.Render(widgets.Truncate(" * 提示审核人："+clean(f.Label), w)))
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
	kv("违法事项", violationLabel(rs, c.Violation))
	p := c.Party
	switch p.Kind {
	case cases.PartyOrg:
		kv("当事人", "单位 "+clean(p.Name))
		kv("信用代码", clean(p.USCC))
		if p.LegalRep != "" {
			kv("法定代表人", clean(p.LegalRep))
		}
		if p.USCCOverride != "" {
			kv("校验说明", clean(p.USCCOverride))
		}
	case cases.PartyPerson:
		kv("当事人", "公民 "+clean(p.Name))
		kv("证件", cases.IDTypeLabel(p.IDType)+" "+clean(p.IDNumber))
	default:
		kv("当事人", "未填写")
	}
	if p.Phone != "" {
		kv("电话", clean(p.Phone))
	}
	if p.Address != "" {
		kv("地址", clean(p.Address))
	}
	kv("地点", orUnset(clean(c.Place.Text)))
	kv("发生时间", fmtTime(c.OccurredAt))
	if c.EndedAt != nil {
		kv("终了时间", fmtTime(*c.EndedAt))
	}
	kv("发现时间", fmtTime(c.DiscoveredAt))
	kv("违法事实", orUnset(strings.TrimSpace(cleanText(c.Facts))))
	kv("情节", circumstancesText(c))
	if len(c.Evidence) == 0 {
		kv("证据", "无")
	}
	for i, e := range c.Evidence {
		kv("证据 "+strconv.Itoa(i+1), evidenceText(e))
	}
	var os []string
	for _, o := range c.Officers {
		os = append(os, clean(o.Name)+"（执法证号 "+clean(o.Cert)+"）")
	}
	kv("执法人员", orUnset(strings.Join(os, "、")))
	kv("承办人", clean(d.c.CreatedBy.Name)+"  "+fmtTime(d.c.CreatedAt))
	if d.c.SubmittedAt != nil {
		kv("提交时间", fmtTime(*d.c.SubmittedAt))
	}
	return lines
}

func orUnset(s string) string {
	if strings.TrimSpace(s) == "" {
		return "未填写"
	}
	return s
}

// circumstancesText is the circumstances in one readable paragraph.
func circumstancesText(c cases.Content) string {
	ci := c.Circumstances
	parts := []string{
		"违法行为轻微：" + yesNo(ci.Minor),
		"及时改正：" + yesNo(ci.Corrected),
		"危害后果：" + harmLabel(ci.Harm),
	}
	switch {
	case ci.FirstOffence == nil:
		parts = append(parts, "初次违法：按记录推算")
	default:
		parts = append(parts, "初次违法："+yesNo(*ci.FirstOffence))
	}
	if ci.Age != nil {
		parts = append(parts, "行为时年龄："+strconv.Itoa(*ci.Age)+"周岁")
	}
	if ci.NoFaultProven {
		parts = append(parts, "有证据证明没有主观过错")
	}
	if ci.EndangersSafety {
		parts = append(parts, "涉及生命健康或金融安全")
	}
	switch ci.Capacity {
	case "limited":
		parts = append(parts, "尚未完全丧失辨认或控制能力")
	case "none":
		parts = append(parts, "不能辨认或者控制自己的行为")
	}
	for _, m := range ci.Mitigating {
		parts = append(parts, mitigatingLabel(m))
	}
	if ci.ProposedFine != nil {
		parts = append(parts, "拟罚款 "+fmtYuan(*ci.ProposedFine))
	}
	return strings.Join(parts, "；")
}

func evidenceText(e cases.Evidence) string {
	sum := e.SHA256
	if len(sum) > 12 {
		sum = sum[:12]
	}
	return cases.EvidenceKindLabel(clean(e.Kind)) + "  " + clean(filepath.Base(e.Path)) + "  " + fmtSize(e.Size) + "  SHA-256 " + clean(sum)
}

// fmtSize says a file size.
func fmtSize(n int64) string {
	switch {
	case n >= 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + " GB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KB"
	}
	return strconv.FormatInt(n, 10) + " 字节"
}

func (d caseDetail) decisionLines() ([]string, int) {
	st := d.sh.Styles
	c := d.c
	if c.Suggestion == nil {
		return []string{"", st.Muted.Render(" 尚未作出处理建议。案件提交时将依据规则计算。")}, 0
	}
	v := suggestionView{st: st, sug: *c.Suggestion, content: c.Content, width: d.width, cite: d.cite, trace: true}
	lines := strings.Split(v.banner(), "\n")
	lines = append(lines, "", st.Section.Render(" 承办人决定"))
	choice := choiceText(c.Choice)
	for _, l := range widgets.Wrap(choice, d.width-4) {
		lines = append(lines, "  "+st.Strong.Render(l))
	}
	if c.Choice != nil && !c.Choice.Follow {
		for _, l := range widgets.Wrap("理由："+clean(c.Choice.Reason), d.width-4) {
			lines = append(lines, "  "+st.Warn.Render(l))
		}
	}
	if flags := c.Flags(); len(flags) > 0 {
		lines = append(lines, "", st.Section.Render(" 提示审核人"))
		for _, f := range flags {
			for i, l := range widgets.Wrap(clean(f.Label), d.width-5) {
				p := "  * "
				if i > 0 {
					p = "    "
				}
				lines = append(lines, st.Warn.Render(p+l))
			}
		}
	}
	body, citeLine := v.body()
	offset := len(lines) + 1
	lines = append(lines, "")
	lines = append(lines, body...)
	return lines, offset + citeLine
}

// logLines render the case's log: when, who, what, and what changed.
func (d caseDetail) logLines() []string {
	st := d.sh.Styles
	w := d.width
	rs := d.sh.Rules()
	ok, broken := chainIntact(d.events)
	var lines []string
	if ok {
		lines = append(lines, st.OK.Render(widgets.Truncate(" 共 "+strconv.Itoa(len(d.events))+" 条记录，哈希链完整（未被改动）", w)))
	} else {
		lines = append(lines, st.Error.Render(widgets.Truncate(" ! 第 "+strconv.Itoa(broken)+" 条记录与哈希链不符：记录可能被改动，请报告", w)))
	}
	lines = append(lines, "")
	var prev cases.Content
	for _, e := range d.events {
		who := clean(e.Actor.Name)
		if e.Actor.Role != "" {
			who += "（" + e.Actor.Role.Label() + "）"
		}
		head := " #" + strconv.Itoa(int(e.Index)) + "  " + fmtTime(e.At) + "  " + who + "  "
		lines = append(lines, widgets.Truncate(st.Label.Render(head)+st.Strong.Render(e.Kind.Label()), w))
		var detail []string
		switch e.Kind {
		case cases.EventCreated, cases.EventContentSet:
			var p cases.ContentPayload
			if json.Unmarshal(e.Payload, &p) == nil {
				if e.Kind == cases.EventCreated {
					detail = append(detail, "违法事项 "+violationLabel(rs, p.Content.Violation))
				} else if ch := cases.ChangedFields(prev, p.Content); len(ch) > 0 {
					detail = append(detail, "修改了："+strings.Join(ch, "、"))
				}
				prev = p.Content
			}
		case cases.EventEvidence:
			var p cases.EvidencePayload
			if json.Unmarshal(e.Payload, &p) == nil {
				detail = append(detail, evidenceText(p.Evidence))
			}
		case cases.EventDecisionMade:
			var p cases.DecisionPayload
			if json.Unmarshal(e.Payload, &p) == nil {
				detail = append(detail, "系统建议："+outcomeShort(p.Suggestion.Decision.Outcome)+"；承办人："+choiceText(&p.Choice))
				if !p.Choice.Follow && p.Choice.Reason != "" {
					detail = append(detail, "理由："+clean(p.Choice.Reason))
				}
			}
		default:
			detail = append(detail, payloadRemarks(e.Payload)...)
		}
		for _, t := range detail {
			for _, l := range widgets.Wrap(t, w-8) {
				lines = append(lines, "      "+st.Value.Render(l))
			}
		}
	}
	return lines
}

// remarkKeys are the payload fields that carry what a person wrote, in
// the order they are shown, with their labels.
var remarkKeys = []struct{ key, label string }{
	{"comment", "意见"}, {"text", "意见"}, {"opinion", "意见"}, {"reason", "理由"},
	{"basis", "依据"}, {"conclusion", "结论"}, {"decision", "决定"}, {"number", "文号"}, {"batch", "批次"},
}

// payloadRemarks pulls the written remarks out of any event's payload (one
// level of nesting), so reviews, notices and documents all read in the log
// without the log knowing every payload type.
func payloadRemarks(raw json.RawMessage) []string {
	var top map[string]any
	if json.Unmarshal(raw, &top) != nil {
		return nil
	}
	var out []string
	var walk func(m map[string]any, depth int)
	walk = func(m map[string]any, depth int) {
		for _, rk := range remarkKeys {
			if v, ok := m[rk.key].(string); ok && strings.TrimSpace(v) != "" {
				out = append(out, rk.label+"："+clean(v))
			}
		}
		if depth == 0 {
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if sub, ok := m[k].(map[string]any); ok {
					walk(sub, 1)
				}
			}
		}
	}
	walk(top, 0)
	return out
}

// chainIntact checks the case's own hash chain: each event's hash covers
// its fields, and names the hash of the event before it.
func chainIntact(evs []cases.Event) (bool, int) {
	prev := ""
	for _, e := range evs {
		if e.Prev != prev || e.ComputeHash() != e.Hash {
			return false, int(e.Index)
		}
		prev = e.Hash
	}
	return true, 0
}

// View draws the header, the tabs and the scrolled content.
func (d caseDetail) View() string {
	st := d.sh.Styles
	lines := append([]string(nil), d.head...)
	var tabs []string
	for i, t := range detailTabs {
		label := t
		if i == 2 && d.loaded {
			label += "（" + strconv.Itoa(len(d.events)) + "）"
		}
		if i == d.tab {
			tabs = append(tabs, st.Tabs.Active.Render("["+label+"]"))
		} else {
			tabs = append(tabs, st.Tabs.Inactive.Render(" "+label+" "))
		}
	}
	lines = append(lines, widgets.Truncate(" "+strings.Join(tabs, " "), d.width), "")
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
