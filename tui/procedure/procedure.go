package procedure

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/cases/docs"
	"fieldcase/cases/store"
	"fieldcase/tui/keys"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
	"fieldcase/tui/styles"
	"fieldcase/tui/widgets"
)

// ID is the procedure screen's registry id.
const ID screen.ID = "procedure"

// procedure shows one case's procedure and records its steps.
type procedure struct {
	sh     *screen.Context
	keys   keys.Procedure
	width  int
	height int

	id     string
	back   screen.ID
	job    int
	loaded bool
	err    error
	c      cases.Case
	events []cases.Event
	pr     cases.ProcedureRules
	tl     cases.Timeline
	acts   []actState

	tab    int // 0 时间线, 1 办理, 2 待执行
	cursor int

	// The enforcement queue (store.Decided): decided cases with an open
	// deadline after the decision, most urgent first.
	decided    []cases.QueueItem
	decidedJob int
	decidedErr error
	row        int
	vp         viewport.Model
	form       *stepForm
	busy       bool
}

var tabs = []string{"时间线", "办理", "待执行"}

// New builds the procedure screen, for the root's registry.
func New(ctx *screen.Context) screen.Screen { return screen.Adapt(ID, newProcedure(ctx)) }

func newProcedure(sh *screen.Context) procedure {
	p := procedure{sh: sh, keys: keys.NewProcedure(), vp: viewport.New(80, 10)}
	p.vp.MouseWheelEnabled = true
	return p
}

// Open shows the procedure of the case n names; Esc goes back where the
// officer came from.
func (p *procedure) Open(n screen.Navigate) tea.Cmd {
	if n.From != "" && n.From != ID {
		p.back = n.From
	}
	if n.CaseID != p.id {
		p.tab, p.cursor = 0, 0
	}
	p.id, p.loaded, p.err, p.form, p.busy = n.CaseID, false, nil, nil, false
	p.job = p.sh.NextJob()
	p.rebuild()
	return load(p.sh.Store, p.id, p.job)
}

// Messages of the screen.
type (
	loadedMsg struct {
		job    int
		c      cases.Case
		events []cases.Event
		pr     cases.ProcedureRules
		err    error
	}
	recordedMsg struct {
		job  int
		what string
		c    cases.Case
		err  error
	}
	decidedMsg struct {
		job   int
		items []cases.QueueItem
		err   error
	}
	papersMsg struct {
		job   int
		saved []string
		skip  []string
		err   error
	}
)

func load(st *store.Store, id string, job int) tea.Cmd {
	return func() tea.Msg {
		m := loadedMsg{job: job}
		if m.c, m.err = st.Get(id); m.err != nil {
			return m
		}
		if m.events, m.err = st.Events(id); m.err != nil {
			return m
		}
		m.pr, m.err = st.ProcedureRules()
		return m
	}
}

// loadDecided reads the enforcement queue.
func loadDecided(st *store.Store, a cases.Actor, job int) tea.Cmd {
	return func() tea.Msg {
		items, err := st.Decided(a, 200)
		return decidedMsg{job: job, items: items, err: err}
	}
}

// record writes one step through the store's method for it. It captures
// values only; a hearing record file is imported into the vault first.
func record(st *store.Store, actor cases.Actor, id string, payload any, recordFile, what string, job int) tea.Cmd {
	return func() tea.Msg {
		m := recordedMsg{job: job, what: what}
		switch v := payload.(type) {
		case cases.Notice:
			m.c, m.err = st.RecordNotice(actor, id, v)
		case cases.Statement:
			m.c, m.err = st.RecordStatement(actor, id, v)
		case cases.HearingStep:
			if recordFile != "" {
				sha, _, err := st.ImportEvidence(recordFile, nil)
				if err != nil {
					m.err = err
					return m
				}
				v.Record = sha
			}
			m.c, m.err = st.RecordHearing(actor, id, v)
		case cases.Briefing:
			m.c, m.err = st.RecordBriefing(actor, id, v)
		case cases.Service:
			m.c, m.err = st.RecordService(actor, id, v)
		case cases.Payment:
			m.c, m.err = st.RecordPayment(actor, id, v)
		case cases.Deferral:
			m.c, m.err = st.RecordDeferral(actor, id, v)
		case cases.Challenge:
			m.c, m.err = st.RecordChallenge(actor, id, v)
		case cases.ClosingPayload:
			m.c, m.err = st.CloseCase(actor, id, v.Reason, v.Comment)
		}
		return m
	}
}

// savePapers writes the dossier and, where the case has them, the hearing
// notice and the hearing record cover into the data directory's 文书
// folder, as print-ready HTML and plain text.
func savePapers(st *store.Store, id string, now time.Time, job int) tea.Cmd {
	return func() tea.Msg {
		m := papersMsg{job: job}
		c, err := st.Get(id)
		if err != nil {
			m.err = err
			return m
		}
		events, err := st.Events(id)
		if err != nil {
			m.err = err
			return m
		}
		book, err := st.Rules()
		if err != nil {
			m.err = err
			return m
		}
		ag, err := agency.Load(st.Dir())
		if err != nil {
			m.err = err
			return m
		}
		in := docs.Input{Case: c, Events: events, Rules: book.InForce(c.Content.OccurredAt), Agency: ag, Now: now}
		dir := filepath.Join(st.Dir(), "文书")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			m.err = err
			return m
		}
		kinds := []struct {
			kind, title string
			build       func(docs.Input) (docs.Document, error)
		}{
			{docs.KindHearingNotice, "听证通知书", docs.HearingNotice},
			{docs.KindHearingRecord, "听证笔录封面", docs.HearingRecordCover},
			{docs.KindDossier, "案卷", func(in docs.Input) (docs.Document, error) { return docs.Dossier(in), nil }},
		}
		for _, k := range kinds {
			d, err := k.build(in)
			if err != nil {
				m.skip = append(m.skip, k.title)
				continue
			}
			h, err := docs.HTML(d)
			if err != nil {
				m.err = err
				return m
			}
			base := filepath.Join(dir, present.ShortID(c.ID)+"-"+k.kind)
			if err := os.WriteFile(base+".html", h, 0o600); err != nil {
				m.err = err
				return m
			}
			if err := os.WriteFile(base+".txt", []byte(docs.Text(d, ag.TextWidth)), 0o600); err != nil {
				m.err = err
				return m
			}
			m.saved = append(m.saved, k.title)
		}
		return m
	}
}

// SetSize lays the screen out.
func (p *procedure) SetSize(w, h int) {
	p.width, p.height = w, h
	p.vp.Width, p.vp.Height = w, max(1, h-3)
	if p.form != nil {
		p.form.form.SetSize(w-2, max(3, h-6))
	}
	p.rebuild()
}

// refresh recomputes the timeline and the acts at the clock's reading.
func (p *procedure) refresh() {
	now := p.sh.Now
	p.tl = p.c.Timeline(now, p.pr)
	p.acts = p.acts[:0]
	for _, a := range relevant(p.c, p.pr) {
		p.acts = append(p.acts, actState{act: a, refused: refusal(a, p.c, p.pr, p.sh.Actor(), now)})
	}
	if p.cursor >= len(p.acts) {
		p.cursor = max(0, len(p.acts)-1)
	}
	// Start on the first act the law allows now.
	if p.cursor < len(p.acts) && p.acts[p.cursor].refused != "" {
		for i, a := range p.acts {
			if a.refused == "" {
				p.cursor = i
				break
			}
		}
	}
}

func (p *procedure) syncKeys() {
	inForm := p.form != nil
	ready := p.loaded && p.err == nil && !p.busy
	p.keys.Tab.SetEnabled(!inForm && ready)
	p.keys.Open.SetEnabled(!inForm && ready && (p.tab == 1 && p.cursor < len(p.acts) && p.acts[p.cursor].refused == "" || p.tab == 2 && p.row < len(p.decided)))
	if p.tab == 2 {
		p.keys.Open.SetHelp("Enter", "打开该案程序")
	} else {
		p.keys.Open.SetHelp("Enter", "记录此步")
	}
	p.keys.Papers.SetEnabled(!inForm && ready)
	p.keys.Refresh.SetEnabled(!inForm)
	p.keys.Back.SetEnabled(!inForm)
	p.keys.Field.SetEnabled(inForm && !p.form.confirm)
	p.keys.Submit.SetEnabled(inForm && !p.form.confirm && !p.busy)
	p.keys.Confirm.SetEnabled(inForm && p.form.confirm && !p.busy)
	p.keys.Cancel.SetEnabled(inForm)
}

// Update handles keys and the results of the screen's commands.
func (p procedure) Update(msg tea.Msg) (procedure, tea.Cmd) {
	switch msg := msg.(type) {
	case loadedMsg:
		if msg.job != p.job {
			return p, nil
		}
		p.loaded, p.err = true, msg.err
		if msg.err == nil {
			p.c, p.events, p.pr = msg.c, msg.events, msg.pr
			p.refresh()
		}
		p.rebuild()
		return p, nil
	case recordedMsg:
		if msg.job != p.job {
			return p, nil
		}
		p.busy = false
		if msg.err != nil {
			if p.form != nil {
				p.form.confirm = false
				var fe cases.FieldErrors
				if asFieldErrors(msg.err, &fe) {
					p.form.fieldErrors(fe)
				} else {
					p.form.err = msg.err.Error()
				}
			}
			p.rebuild()
			return p, screen.Say("未记录："+msg.err.Error(), styles.ToneDanger)
		}
		p.form = nil
		p.tab = 0
		p.job = p.sh.NextJob()
		p.rebuild()
		return p, tea.Batch(screen.Say("已记录："+msg.what, styles.ToneOK), load(p.sh.Store, p.id, p.job))
	case decidedMsg:
		if msg.job != p.decidedJob {
			return p, nil
		}
		p.decided, p.decidedErr = msg.items, msg.err
		if p.decided == nil {
			p.decided = []cases.QueueItem{} // loaded, empty
		}
		p.row = min(p.row, max(0, len(p.decided)-1))
		p.rebuild()
		return p, nil
	case papersMsg:
		if msg.job != p.job {
			return p, nil
		}
		p.busy = false
		p.rebuild()
		if msg.err != nil {
			return p, screen.Say("保存失败："+msg.err.Error(), styles.ToneDanger)
		}
		text := "已保存" + strings.Join(msg.saved, "、") + "到 文书 文件夹"
		if len(msg.skip) > 0 {
			text += "（本案尚无" + strings.Join(msg.skip, "、") + "）"
		}
		return p, screen.Say(text, styles.ToneOK)
	case tea.KeyMsg:
		if p.form != nil {
			return p.formKey(msg)
		}
		switch {
		case key.Matches(msg, p.keys.Back):
			to := p.back
			if to == "" {
				to = screen.Detail
			}
			return p, screen.Go(screen.Navigate{To: to, CaseID: p.id})
		case key.Matches(msg, p.keys.Refresh) && p.keys.Refresh.Enabled():
			p.loaded = false
			p.job = p.sh.NextJob()
			p.rebuild()
			return p, load(p.sh.Store, p.id, p.job)
		case key.Matches(msg, p.keys.Tab) && p.keys.Tab.Enabled():
			if msg.Type == tea.KeyShiftTab {
				p.tab = (p.tab + len(tabs) - 1) % len(tabs)
			} else {
				p.tab = (p.tab + 1) % len(tabs)
			}
			var cmd tea.Cmd
			if p.tab == 2 {
				p.decidedJob = p.sh.NextJob()
				cmd = loadDecided(p.sh.Store, p.sh.Actor(), p.decidedJob)
			}
			p.rebuild()
			p.vp.GotoTop()
			return p, cmd
		case p.tab == 2 && key.Matches(msg, p.keys.Up):
			p.row = max(0, p.row-1)
			p.rebuild()
		case p.tab == 2 && key.Matches(msg, p.keys.Down):
			p.row = min(max(0, len(p.decided)-1), p.row+1)
			p.rebuild()
		case p.tab == 2 && key.Matches(msg, p.keys.Open):
			if p.row < len(p.decided) {
				back := p.back
				cmd := p.Open(screen.Navigate{CaseID: p.decided[p.row].Case.ID})
				p.back, p.tab, p.cursor = back, 0, 0
				p.rebuild()
				return p, cmd
			}
		case key.Matches(msg, p.keys.Papers) && p.keys.Papers.Enabled():
			p.busy = true
			p.job = p.sh.NextJob()
			p.rebuild()
			return p, savePapers(p.sh.Store, p.id, p.sh.Now, p.job)
		case p.tab == 1 && key.Matches(msg, p.keys.Up):
			p.cursor = max(0, p.cursor-1)
			p.rebuild()
		case p.tab == 1 && key.Matches(msg, p.keys.Down):
			p.cursor = min(max(0, len(p.acts)-1), p.cursor+1)
			p.rebuild()
		case p.tab == 1 && key.Matches(msg, p.keys.Open):
			if p.keys.Open.Enabled() {
				return p, p.openForm()
			}
			if p.cursor < len(p.acts) {
				return p, screen.Say(p.acts[p.cursor].refused, styles.ToneWarn)
			}
		default:
			widgets.Scroll(&p.vp, p.keys.Nav, msg)
		}
		return p, nil
	}
	var cmd tea.Cmd
	p.vp, cmd = p.vp.Update(msg)
	return p, cmd
}

func asFieldErrors(err error, fe *cases.FieldErrors) bool {
	v, ok := err.(cases.FieldErrors)
	if ok {
		*fe = v
	}
	return ok
}

func (p *procedure) openForm() tea.Cmd {
	sf := &stepForm{}
	f := widgets.NewForm(p.sh.Styles)
	newStepForm(sf, p.acts[p.cursor].act, p.c, p.pr, p.sh.Users, p.sh.Now, f)
	sf.form.SetSize(p.width-2, max(3, p.height-6))
	p.form = sf
	cmd := sf.form.FocusFirst()
	p.rebuild()
	return cmd
}

// formKey handles a key while a step's form (or its confirmation) is open.
func (p procedure) formKey(msg tea.KeyMsg) (procedure, tea.Cmd) {
	sf := p.form
	if sf.confirm {
		switch {
		case key.Matches(msg, p.keys.Cancel):
			sf.confirm = false
		case key.Matches(msg, p.keys.Confirm) && p.keys.Confirm.Enabled():
			p.busy = true
			p.job = p.sh.NextJob()
			p.rebuild()
			return p, record(p.sh.Store, p.sh.Actor(), p.id, sf.payload, sf.record, sf.summary(), p.job)
		}
		p.rebuild()
		return p, nil
	}
	switch {
	case key.Matches(msg, p.keys.Cancel):
		p.form = nil
		p.rebuild()
		return p, nil
	case key.Matches(msg, p.keys.Submit):
		p.submit()
		return p, nil
	}
	var cmd tea.Cmd
	sf.form, cmd = sf.form.Update(msg)
	if sf.form.Changed {
		sf.layout()
	}
	if sf.form.Submitted && sf.form.Pressed == "submit" {
		p.submit()
	}
	p.rebuild()
	return p, cmd
}

// submit checks the form against the domain and asks for confirmation:
// every step goes into the case log, which is never rewritten.
func (p *procedure) submit() {
	if p.form.build(p.c, p.pr, p.sh.Now, p.sh.Users) {
		p.form.confirm = true
		p.form.form.Blur()
	}
	p.rebuild()
}

// rebuild redraws the scrolled content.
func (p *procedure) rebuild() {
	p.syncKeys()
	st := p.sh.Styles
	w := max(20, p.width)
	switch {
	case !p.loaded:
		p.vp.SetContent(st.Muted.Render(" 正在读取..."))
		return
	case p.err != nil:
		p.vp.SetContent(st.Error.Render(widgets.FitLines(strings.Join(widgets.Wrap(" ! 读取失败："+p.err.Error(), w-2), "\n"), w)))
		return
	case p.form != nil:
		return
	}
	var lines []string
	focus := -1 // the chosen row's line, kept in view
	switch p.tab {
	case 0:
		lines = p.timelineLines(w)
	case 1:
		lines, focus = p.actLines(w)
	default:
		lines, focus = p.decidedLines(w)
	}
	p.vp.SetContent(strings.Join(lines, "\n"))
	if focus >= 0 {
		switch {
		case focus < p.vp.YOffset:
			p.vp.SetYOffset(focus)
		case focus >= p.vp.YOffset+p.vp.Height:
			p.vp.SetYOffset(focus - p.vp.Height + 1)
		}
	}
}

// wrapped wraps text under a prefix, the following lines indented.
func wrapped(prefix, indent, text string, w int, style func(...string) string) []string {
	var out []string
	for i, l := range widgets.Wrap(text, max(10, w-ansi.StringWidth(prefix))) {
		if i == 0 {
			out = append(out, style(prefix+l))
		} else {
			out = append(out, style(indent+l))
		}
	}
	return out
}

var stateMark = map[string]string{
	cases.StepDone:    "[v]",
	cases.StepDue:     "[>]",
	cases.StepLater:   "[ ]",
	cases.StepLapsed:  "[x]",
	cases.StepSkipped: "[-]",
}

var stateWord = map[string]string{
	cases.StepDone:    "已办",
	cases.StepDue:     "待办",
	cases.StepLater:   "其后",
	cases.StepLapsed:  "已届满",
	cases.StepSkipped: "不适用",
}

// stepKinds are the events that record each timeline step, for who did it.
var stepKinds = map[string][]cases.EventKind{
	"filing":       {cases.EventSubmitted},
	"briefing":     {cases.EventBriefed},
	"notice":       {cases.EventNoticeServed},
	"statement":    {cases.EventStatement},
	"hearing":      {cases.EventHearing},
	"legal_review": {cases.EventLegalPassed},
	"discussion":   {cases.EventDiscussed},
	"decision":     {cases.EventApproved, cases.EventHeadDecision},
	"service":      {cases.EventDecisionServed},
	"reminder":     {cases.EventDecisionServed},
	"payment":      {cases.EventPayment},
	"closing":      {cases.EventClosed},
}

// who is the officer who recorded a step: the first filing, else the last
// event of the step's kinds.
func (p procedure) who(code string) string {
	ks := stepKinds[code]
	name := ""
	for _, e := range p.events {
		for _, k := range ks {
			if e.Kind == k {
				name = e.Actor.Name
				if code == "filing" {
					return present.Clean(name)
				}
			}
		}
	}
	return present.Clean(name)
}

func (p procedure) timelineLines(w int) []string {
	st := p.sh.Styles
	now := p.sh.Now
	var out []string
	if n := p.tl.Next; n != nil {
		line := " 下一步：" + n.Label
		if n.Due != nil {
			line += "  期限 " + n.Due.Format("2006-01-02") + "（" + countdown(*n.Due, now) + "）"
		}
		out = append(out, st.Strong.Render(widgets.Truncate(line, w)))
		out = append(out, wrapped("   依据：", "         ", present.CleanText(n.Basis), w, st.Muted.Render)...)
		if n.Note != "" {
			out = append(out, wrapped("   ", "   ", forScreen(present.CleanText(n.Note)), w, st.Warn.Render)...)
		}
		if n.Warning != "" {
			out = append(out, wrapped("   ! ", "     ", present.CleanText(n.Warning), w, st.Warn.Render)...)
		}
	} else {
		out = append(out, st.OK.Render(" 程序已完结"))
	}
	out = append(out, "")
	for _, s := range p.tl.Steps {
		style := st.Value.Render
		switch s.State {
		case cases.StepDue:
			style = st.Strong.Render
		case cases.StepLapsed:
			style = st.Warn.Render
		case cases.StepLater, cases.StepSkipped:
			style = st.Faint.Render
		}
		line := " " + stateMark[s.State] + " " + widgets.Pad(s.Label, 12) + " " + widgets.Pad(stateWord[s.State], 6)
		switch {
		case s.At != nil:
			line += " " + present.Time(*s.At)
			if who := p.who(s.Code); who != "" {
				line += " " + who
			}
		case s.Due != nil:
			line += " 期限 " + s.Due.Format("2006-01-02") + "（" + countdown(*s.Due, now) + "）"
		}
		out = append(out, style(widgets.Truncate(line, w)))
		if s.Note != "" {
			out = append(out, wrapped("     ", "     ", forScreen(present.CleanText(s.Note)), w, st.Muted.Render)...)
		}
		if s.State == cases.StepDue && s.At == nil && s.Due != nil && s.Basis != "" && (p.tl.Next == nil || p.tl.Next.Code != s.Code) {
			out = append(out, wrapped("     依据：", "           ", present.CleanText(s.Basis), w, st.Faint.Render)...)
		}
		if s.Warning != "" {
			out = append(out, wrapped("     ! ", "       ", present.CleanText(s.Warning), w, st.Warn.Render)...)
		}
	}
	if len(p.tl.Flags) > 0 {
		out = append(out, "", st.Section.Render(" 期限提示"))
		for _, d := range p.tl.Flags {
			style := st.Value.Render
			if d.Urgent() {
				style = st.Warn.Render
			}
			out = append(out, style(widgets.Truncate(" * "+d.Label+" "+d.Countdown()+"（"+d.Due.Format("2006-01-02")+"）", w)))
		}
	}
	return out
}

// countdown is the time left to a last day.
func countdown(due, now time.Time) string {
	y, m, d := now.In(cases.ChinaTime()).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, cases.ChinaTime())
	n := int(due.Sub(today).Hours() / 24)
	switch {
	case n > 0:
		return "剩" + strconv.Itoa(n) + "天"
	case n == 0:
		return "今日到期"
	}
	return "已过" + strconv.Itoa(-n) + "天"
}

func (p procedure) actLines(w int) ([]string, int) {
	st := p.sh.Styles
	out := []string{st.Muted.Render(widgets.Truncate(" 上下键选择，Enter 记录；不能办理的列出原因", w))}
	if p.cursor < len(p.acts) && p.acts[p.cursor].refused != "" {
		out = append(out, wrapped(" 不能办理：", "           ", present.CleanText(p.acts[p.cursor].refused), w, st.Warn.Render)...)
	}
	out = append(out, "")
	focus := -1
	for i, a := range p.acts {
		mark := "  "
		if i == p.cursor {
			mark = "> "
		}
		style := st.Value.Render
		label := a.label
		if a.refused != "" {
			style = st.Faint.Render
			label += "（暂不能办理）"
		}
		if i == p.cursor {
			style = st.List.Selected.Render
		}
		if i == p.cursor {
			focus = len(out)
		}
		out = append(out, style(widgets.Truncate(" "+mark+label, w)))
	}
	return out, focus
}

// decidedLines is the enforcement queue: one row a case, its most urgent
// deadline first, then the others.
func (p procedure) decidedLines(w int) ([]string, int) {
	st := p.sh.Styles
	out := []string{st.Muted.Render(widgets.Truncate(" 已作出决定、仍有期限未了结的案件（送达、缴款、申请强制执行），最急的在前", w)), ""}
	switch {
	case p.decidedErr != nil:
		return append(out, st.Error.Render(widgets.Truncate(" ! 读取失败："+p.decidedErr.Error(), w))), -1
	case p.decided == nil:
		return append(out, st.Muted.Render(" 正在读取...")), -1
	case len(p.decided) == 0:
		return append(out, st.Muted.Render(" 没有待执行的案件")), -1
	}
	focus := len(out) + p.row
	for i, it := range p.decided {
		mark, style := "  ", st.Value.Render
		if i == p.row {
			mark, style = "> ", st.List.Selected.Render
		}
		var dl []string
		for _, d := range it.Deadlines {
			dl = append(dl, d.Label+d.Countdown())
		}
		if i != p.row && len(it.Deadlines) > 0 && it.Deadlines[0].Urgent() {
			style = st.Warn.Render
		}
		line := " " + mark + widgets.Pad("案件 "+present.ShortID(it.Case.ID), 14) + widgets.Pad(present.Clean(it.Case.Content.Party.Name), 14) + " " + strings.Join(dl, "；")
		out = append(out, style(widgets.Truncate(line, w)))
	}
	return out, focus
}

// Status is the standing line: working.
func (p procedure) Status() (string, styles.Tone) {
	if p.busy {
		return "正在保存...", styles.ToneInfo
	}
	return "", styles.ToneNeutral
}

// View draws the head, the tabs and the timeline, the acts or a form.
func (p procedure) View() string {
	st := p.sh.Styles
	head := " " + st.Section.Render("办案程序")
	if p.loaded && p.err == nil {
		head += "  " + st.Value.Render(present.Clean(p.c.Content.Party.Name)) + st.Muted.Render("  案件 "+present.ShortID(p.c.ID)+"  "+p.c.Status.Label())
	}
	if p.form != nil {
		return widgets.Truncate(head, p.width) + "\n" + p.formView()
	}
	t := widgets.Tabs{Labels: tabs, Active: p.tab}
	return widgets.Truncate(head, p.width) + "\n" + widgets.Truncate(t.View(st), p.width) + "\n\n" + p.vp.View()
}

func (p procedure) formView() string {
	st := p.sh.Styles
	sf := p.form
	w := max(20, p.width)
	lines := []string{st.Strong.Render(widgets.Truncate(" 记录："+sf.act.label, w))}
	if sf.confirm {
		lines = append(lines, "")
		lines = append(lines, wrapped(" 将记录：", "         ", present.CleanText(sf.summary()), w, st.Value.Render)...)
		lines = append(lines, "")
		lines = append(lines, wrapped(" ", " ", "记录后列入全过程记录，不能撤销或修改（行政处罚法第四十七条）。", w, st.Warn.Render)...)
		lines = append(lines, "", st.Strong.Render(" Enter 确认记录    Esc 返回修改"))
		return strings.Join(lines, "\n")
	}
	if sf.err != "" {
		lines = append(lines, wrapped(" ! ", "   ", present.CleanText(sf.err), w, st.Error.Render)...)
	} else {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n") + "\n" + sf.form.View()
}

// Crumb names the screen in the header.
func (p procedure) Crumb() string { return "案件 > 办案程序" }

// Typing: a text field of a form has focus.
func (p procedure) Typing() bool { return p.form != nil && !p.form.confirm && p.form.form.Typing() }

// QuitsWithQ: nothing unsaved while no form is open.
func (p procedure) QuitsWithQ() bool { return p.form == nil }

// Subject is the case shown.
func (p procedure) Subject() (string, bool) { return p.id, p.loaded && p.err == nil }

// Entries: F12 on a case's detail, its review and the queue's selected
// case opens its procedure.
func (p procedure) Entries() []screen.Entry {
	return []screen.Entry{
		{From: screen.Detail, Key: p.keys.Entry, Case: true},
		{From: screen.Review, Key: p.keys.Entry, Case: true},
		{From: screen.Queue, Key: p.keys.Entry, Case: true},
	}
}

// ShortHelp lists the live keys.
func (p procedure) ShortHelp() []key.Binding {
	if p.form != nil {
		return []key.Binding{p.keys.Field, p.keys.Submit, p.keys.Confirm, p.keys.Cancel}
	}
	return []key.Binding{p.keys.Tab, p.keys.Open, p.keys.Papers, p.keys.Refresh, p.keys.Back}
}

// FullHelp lists every key of the screen.
func (p procedure) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{p.keys.Tab, p.keys.Open, p.keys.Papers, p.keys.Refresh, p.keys.Back},
		{p.keys.Up, p.keys.Down, p.keys.PageUp, p.keys.PageDown, p.keys.Top, p.keys.Bottom},
		{p.keys.Field, p.keys.Submit, p.keys.Confirm, p.keys.Cancel},
	}
}
