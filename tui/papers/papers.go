package papers

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/cases/docs"
	"fieldcase/cases/store"
	"fieldcase/rules"
	"fieldcase/tui/keys"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
	"fieldcase/tui/styles"
	"fieldcase/tui/widgets"
)

// papers previews a case's documents (文书) as they will print on the
// officer's portable printer, one kind at a time, and issues one: the
// number is drawn from the device's block and recorded on the case, and
// the document is saved as print-ready HTML and plain text in the data
// directory's 文书 folder. A kind that does not fit the case shows why.
type papers struct {
	sh     *screen.Context
	keys   keys.Papers
	width  int
	height int

	id     string
	job    int
	loaded bool
	err    error
	c      cases.Case
	events []cases.Event
	rs     *rules.RuleSet
	ag     agency.Settings

	kind   int  // index into agency.Kinds
	narrow bool // 58 mm paper
	doc    docs.Document
	unfit  error
	fits   []bool
	busy   bool
	asking bool   // F9 pressed once: the next F9 or Enter issues
	saved  string // where the last issue was saved
	vp     viewport.Model
}

// kindShort names each kind on the tab row.
var kindShort = map[string]string{
	agency.KindInspection: "检查笔录",
	agency.KindCorrection: "责令改正",
	agency.KindOnsite:     "当场决定",
	agency.KindNotice:     "事先告知",
	agency.KindDecision:   "处罚决定",
	agency.KindNoPenalty:  "不予处罚",
}

// New builds the preview of a case's documents, for the root's registry.
func New(ctx *screen.Context) screen.Screen {
	return screen.Adapt(screen.Papers, newPapers(ctx))
}

func newPapers(sh *screen.Context) papers {
	p := papers{sh: sh, keys: keys.NewPapers(), vp: viewport.New(80, 10)}
	p.vp.MouseWheelEnabled = true
	return p
}

// Open shows the documents of the case n names.
func (p *papers) Open(n screen.Navigate) tea.Cmd { return p.open(n.CaseID) }

// open loads a case's documents.
func (p *papers) open(id string) tea.Cmd {
	p.id, p.loaded, p.err, p.saved, p.busy = id, false, nil, "", false
	p.job++
	return loadPapers(p.sh.Store, id, p.job)
}

// papersMsg carries what the preview is made from.
type papersMsg struct {
	job    int
	c      cases.Case
	events []cases.Event
	book   *rules.Book
	ag     agency.Settings
	err    error
}

// paperIssuedMsg reports an issued document and where it was saved.
type paperIssuedMsg struct {
	job   int
	kind  string
	rec   cases.IssuedDocument
	saved string
	err   error
}

func loadPapers(st *store.Store, id string, job int) tea.Cmd {
	return func() tea.Msg {
		m := papersMsg{job: job}
		if m.c, m.err = st.Get(id); m.err != nil {
			return m
		}
		if m.events, m.err = st.Events(id); m.err != nil {
			return m
		}
		if m.book, m.err = st.Rules(); m.err != nil {
			return m
		}
		m.ag, m.err = agency.Load(st.Dir())
		return m
	}
}

// issuePaper draws the number and records the document (or finds it
// issued), then saves the HTML and the text beside the store. It captures
// values only.
func issuePaper(st *store.Store, actor cases.Actor, id, kind string, rs *rules.RuleSet, ag agency.Settings, width, job int) tea.Cmd {
	return func() tea.Msg {
		m := paperIssuedMsg{job: job, kind: kind}
		events, err := st.Events(id)
		if err != nil {
			m.err = err
			return m
		}
		_, rec, _, err := st.IssueDocument(actor, id, kind, func(c cases.Case, seq uint64, at time.Time) (cases.IssuedDocument, error) {
			return docs.Prepare(kind, docs.Input{Case: c, Events: events, Rules: rs, Agency: ag, Now: at}, seq, at)
		})
		if err != nil {
			m.err = err
			return m
		}
		m.rec = rec
		c, err := st.Get(id)
		if err == nil {
			events, err = st.Events(id)
		}
		if err != nil {
			m.err = err
			return m
		}
		d, err := docs.Build(kind, docs.Input{Case: c, Events: events, Rules: rs, Agency: ag, Issue: &rec, Now: rec.IssuedAt})
		if err != nil {
			m.err = err
			return m
		}
		h, err := docs.HTML(d)
		if err != nil {
			m.err = err
			return m
		}
		dir := filepath.Join(st.Dir(), "文书")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			m.err = err
			return m
		}
		base := filepath.Join(dir, fileSafe(rec.Number)+"-"+kind)
		if err := os.WriteFile(base+".html", h, 0o600); err != nil {
			m.err = err
			return m
		}
		if err := os.WriteFile(base+".txt", []byte(docs.Text(d, width)), 0o600); err != nil {
			m.err = err
			return m
		}
		m.saved = base + ".html"
		return m
	}
}

// fileSafe keeps a document number usable as a file name on Windows too.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < 0x20 {
			return '_'
		}
		return r
	}, s)
}

// SetSize lays the preview out.
func (p *papers) SetSize(w, h int) {
	p.width, p.height = w, h
	p.vp.Width, p.vp.Height = w, max(1, h-4)
	p.rebuild(false)
}

// paper is the printer width in cells: the agency's paper, or 58 mm.
func (p *papers) paper() int {
	w := p.ag.TextWidth
	switch {
	case p.narrow:
		w = docs.MinTextWidth
	case w == 0:
		w = agency.Default().TextWidth
	}
	return min(w, max(docs.MinTextWidth, p.width-6))
}

func (p *papers) input() docs.Input {
	in := docs.Input{Case: p.c, Events: p.events, Rules: p.rs, Agency: p.ag, Now: p.sh.Now}
	if rec, ok := p.c.Document(agency.Kinds[p.kind]); ok {
		in.Issue = &rec
	}
	return in
}

// bestKind opens on the document the case most likely needs now.
func (p *papers) bestKind() int {
	d := p.c.Disposition(p.rs)
	want := agency.KindInspection
	switch {
	case p.c.Suggestion == nil:
	case !d.Penalty && cases.Decided(p.c.Status):
		want = agency.KindNoPenalty
	case d.Penalty && d.Procedure == rules.ProcedureSimple:
		want = agency.KindOnsite
	case d.Penalty && cases.Decided(p.c.Status):
		want = agency.KindDecision
	case d.Penalty:
		want = agency.KindNotice
	}
	for i, k := range agency.Kinds {
		if k == want {
			return i
		}
	}
	return 0
}

func (p *papers) rebuild(top bool) {
	st := p.sh.Styles
	switch {
	case !p.loaded:
		p.vp.SetContent(st.Muted.Render(" 正在读取..."))
		return
	case p.err != nil:
		p.vp.SetContent(st.Error.Render(widgets.FitLines(strings.Join(widgets.Wrap(" ! 读取失败："+p.err.Error(), p.width-2), "\n"), p.width)))
		return
	}
	p.fits = make([]bool, len(agency.Kinds))
	for i, k := range agency.Kinds {
		in := p.input()
		if rec, ok := p.c.Document(k); ok {
			in.Issue = &rec
		} else {
			in.Issue = nil
		}
		p.fits[i] = docs.Check(k, in) == nil
	}
	p.doc, p.unfit = docs.Build(agency.Kinds[p.kind], p.input())
	var lines []string
	if p.unfit != nil {
		var ue *docs.UnfitError
		reasons := []string{p.unfit.Error()}
		if errors.As(p.unfit, &ue) {
			reasons = ue.Reasons
		}
		lines = append(lines, "", "  "+st.Warn.Render("不能出具"+agency.KindTitle(agency.Kinds[p.kind])+"："))
		for _, r := range reasons {
			for i, l := range widgets.Wrap(screenWords(present.CleanText(r)), max(20, p.width-8)) {
				prefix := "    - "
				if i > 0 {
					prefix = "      "
				}
				lines = append(lines, st.Warn.Render(prefix+l))
			}
		}
	} else {
		pw := p.paper()
		rule := st.Faint.Render("  +" + strings.Repeat("-", pw+2) + "+")
		lines = append(lines, rule)
		for _, l := range strings.Split(strings.TrimRight(docs.Text(p.doc, pw), "\n"), "\n") {
			lines = append(lines, st.Faint.Render("  | ")+st.Value.Render(widgets.Pad(present.CleanText(l), pw))+st.Faint.Render(" |"))
		}
		lines = append(lines, rule)
	}
	p.vp.SetContent(strings.Join(lines, "\n"))
	if top {
		p.vp.GotoTop()
	}
	p.syncKeys()
}

func (p *papers) syncKeys() {
	k := agency.Kinds[p.kind]
	_, issued := p.c.Document(k)
	p.keys.Issue.SetEnabled(p.loaded && p.unfit == nil && !p.busy)
	if issued {
		p.keys.Issue.SetHelp("F9", "重新保存")
	} else {
		p.keys.Issue.SetHelp("F9", "出具并保存")
	}
	p.keys.Width.SetEnabled(p.unfit == nil)
}

// Update handles keys, the loaded case and issued documents.
func (p papers) Update(msg tea.Msg) (papers, tea.Cmd) {
	switch msg := msg.(type) {
	case papersMsg:
		if msg.job != p.job {
			return p, nil
		}
		p.loaded, p.err = true, msg.err
		if msg.err == nil {
			p.c, p.events, p.ag = msg.c, msg.events, msg.ag
			p.rs = msg.book.InForce(msg.c.Content.OccurredAt)
			if p.rs == nil {
				p.rs = rules.Default()
			}
			if p.saved == "" {
				p.kind = p.bestKind()
			}
		}
		p.rebuild(true)
		return p, nil
	case paperIssuedMsg:
		if msg.job != p.job {
			return p, nil
		}
		p.busy = false
		if msg.err != nil {
			text := "出具失败：" + msg.err.Error()
			if errors.Is(msg.err, store.ErrNoNumbers) {
				text = "本设备没有可用的「" + agency.KindTitle(msg.kind) + "」编号，请先领取号段：fieldcase doc numbers --reserve 起号-止号 --kind " + msg.kind
			}
			p.syncKeys()
			return p, screen.Say(text, styles.ToneDanger)
		}
		p.saved = msg.saved
		p.job++
		return p, tea.Batch(screen.Say("已出具"+agency.KindTitle(msg.kind)+" "+msg.rec.Number+"，已保存到 "+msg.saved, styles.ToneOK),
			loadPapers(p.sh.Store, p.id, p.job))
	case tea.KeyMsg:
		asked := p.asking
		p.asking = false
		switch {
		case asked && msg.Type == tea.KeyEsc:
			return p, screen.Say("已取消，未出具", styles.ToneInfo)
		case key.Matches(msg, p.keys.Back):
			return p, screen.Go(screen.Navigate{To: screen.Detail, CaseID: p.id})
		case key.Matches(msg, p.keys.Kind):
			n := len(agency.Kinds)
			if msg.Type == tea.KeyLeft || msg.Type == tea.KeyShiftTab {
				p.kind = (p.kind + n - 1) % n
			} else {
				p.kind = (p.kind + 1) % n
			}
			p.rebuild(true)
		case key.Matches(msg, p.keys.Width) && p.keys.Width.Enabled():
			p.narrow = !p.narrow
			p.rebuild(false)
		case (key.Matches(msg, p.keys.Issue) || asked && msg.Type == tea.KeyEnter) && p.keys.Issue.Enabled():
			if _, issued := p.c.Document(agency.Kinds[p.kind]); !issued && !asked {
				// Issuing draws a number from the device's block for good:
				// ask first (a re-save reuses the number and need not).
				p.asking = true
				return p, nil
			}
			p.busy = true
			p.syncKeys()
			p.job++
			return p, issuePaper(p.sh.Store, p.sh.Actor(), p.id, agency.Kinds[p.kind], p.rs, p.ag, p.paper(), p.job)
		default:
			widgets.Scroll(&p.vp, p.keys.Nav, msg)
		}
		return p, nil
	}
	var cmd tea.Cmd
	p.vp, cmd = p.vp.Update(msg)
	return p, cmd
}

// Status is the preview's standing line: issuing, or the officer's warnings.
func (p papers) Status() (string, styles.Tone) {
	switch {
	case p.busy:
		return "正在出具...", styles.ToneInfo
	case p.loaded && p.unfit == nil && len(p.doc.Warnings) > 0:
		return "提示：" + strings.Join(p.doc.Warnings, "；"), styles.ToneWarn
	}
	return "", styles.ToneNeutral
}

// View draws the tabs of the kinds, the document's number and the paper.
func (p papers) View() string {
	st := p.sh.Styles
	head := " " + st.Section.Render("文书预览")
	if p.loaded && p.err == nil {
		head += "  " + st.Value.Render(present.CleanText(p.c.Content.Party.Name)) + st.Muted.Render("  "+present.ViolationLabel(p.rs, p.c.Content.Violation))
	}
	tabs := widgets.Tabs{Active: p.kind}
	for i, k := range agency.Kinds {
		label := kindShort[k]
		if _, ok := p.c.Document(k); ok {
			label += "✓"
		}
		tabs.Labels = append(tabs.Labels, label)
		tabs.Off = append(tabs.Off, p.fits != nil && !p.fits[i])
	}
	info := ""
	switch {
	case !p.loaded || p.err != nil:
	case p.unfit != nil:
		info = st.Warn.Render(" 本案不适用此文书")
	case p.asking:
		info = st.Warn.Render(" 出具将占用本设备号段的下一个文号，不能收回。再按 F9 或 Enter 确认，Esc 取消")
	case p.doc.Number != "":
		info = st.OK.Render(" 已出具：" + p.doc.Number)
	default:
		info = st.Muted.Render(" 预览：文号在出具时从本设备号段分配（F9 出具）")
	}
	paper := "80毫米纸"
	if p.narrow {
		paper = "58毫米纸"
	}
	if p.unfit == nil && p.loaded {
		info += st.Faint.Render("  " + paper)
	}
	return widgets.Truncate(head, p.width) + "\n" + widgets.Truncate(tabs.View(st), p.width) + "\n" +
		widgets.Truncate(info, p.width) + "\n\n" + p.vp.View()
}

// Crumb names the screen in the header.
func (p papers) Crumb() string { return "案件详情 > 文书" }

// QuitsWithQ: nothing here is unsaved.
func (p papers) QuitsWithQ() bool { return true }

// Entries: F7 on a case's detail opens its documents.
func (p papers) Entries() []screen.Entry {
	return []screen.Entry{{From: screen.Detail, Key: p.keys.Entry, Case: true}}
}

// ShortHelp lists the live keys.
func (p papers) ShortHelp() []key.Binding {
	return []key.Binding{p.keys.Kind, p.keys.Issue, p.keys.Width, p.keys.Down, p.keys.Back}
}

// FullHelp lists every key of the screen.
func (p papers) FullHelp() [][]key.Binding {
	return [][]key.Binding{{p.keys.Kind, p.keys.Issue, p.keys.Width}, {p.keys.Up, p.keys.Down, p.keys.PageUp, p.keys.PageDown, p.keys.Top, p.keys.Bottom, p.keys.Back}}
}

// kindFlag is a command-line document kind in a reason ("（--kind notice）").
var kindFlag = regexp.MustCompile(`（--kind ([a-z]+)）`)

// screenWords says a reason written for the command line the way this
// screen works: the document to choose with ←/→, not a flag to type.
func screenWords(r string) string {
	return kindFlag.ReplaceAllStringFunc(r, func(m string) string {
		return "（按左右键选「" + agency.KindTitle(kindFlag.FindStringSubmatch(m)[1]) + "」）"
	})
}
