package review

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/rules"
	"fieldcase/tui/keys"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
	"fieldcase/tui/styles"
	"fieldcase/tui/widgets"
)

// reviewScreen is one case under review: where it stands in the chain
// (flags, countdowns, opinions, what changed since a return), the facts and
// the evidence with each file's hash checked, the rules' suggestion beside
// the officer's decision with the trace under them, and the case log. The
// reviewer's acts open a short form; the store authorises and records each
// in one transaction, and a refusal is shown with its reason.
type reviewScreen struct {
	sh     *screen.Context
	keys   keys.Review
	width  int
	height int

	id     string
	job    int
	loaded bool
	err    error
	c      cases.Case
	events []cases.Event
	policy cases.ReviewPolicy
	hashes []evidenceCheck

	tab  int
	cite int
	vp   viewport.Model
	head []string

	form    *actForm
	actJob  int
	working bool
	refusal string // why the act key just pressed was refused

	// The evidence tab: the file chosen, a fetch from HQ under way, and
	// what the last fetch or opening said.
	evSel      int
	fetching   bool
	fetchJob   int
	fetchDone  int64
	fetchTotal int64
	evNote     string
	evTone     styles.Tone
}

var reviewTabs = []string{"审核要点", "案情与证据", "建议与决定", "全过程记录"}

// NewReview builds the review of one case, for the root's registry.
func NewReview(ctx *screen.Context) screen.Screen {
	return screen.Adapt(screen.Review, newReviewScreen(ctx))
}

func newReviewScreen(sh *screen.Context) reviewScreen {
	r := reviewScreen{sh: sh, keys: keys.NewReview(), vp: viewport.New(80, 10), policy: cases.DefaultReviewPolicy()}
	r.vp.MouseWheelEnabled = true
	r.syncKeys()
	return r
}

// Messages of the review screen.

type reviewMsg struct {
	job    int
	c      cases.Case
	events []cases.Event
	policy cases.ReviewPolicy
	err    error
}

// evidenceCheck is one evidence file as found on this machine.
type evidenceCheck int

const (
	evidenceChecking evidenceCheck = iota
	evidenceIntact                 // the file is here and its SHA-256 matches
	evidenceChanged                // the file is here but its content differs
	evidenceMissing                // no such file on this machine
)

type evidenceMsg struct {
	job    int
	checks []evidenceCheck
}

type actedMsg struct {
	job  int
	kind cases.EventKind
	c    cases.Case
	err  error
}

func loadReview(st *store.Store, id string, job int) tea.Cmd {
	return func() tea.Msg {
		c, err := st.Get(id)
		if err != nil {
			return reviewMsg{job: job, err: err}
		}
		evs, err := st.Events(id)
		if err != nil {
			return reviewMsg{job: job, err: err}
		}
		p, err := st.ReviewPolicy()
		return reviewMsg{job: job, c: c, events: evs, policy: p, err: err}
	}
}

// checkEvidence checks every evidence file this machine holds: the copy in
// the encrypted vault first (its content is hashed again as it is
// decrypted), else the file at its recorded path (a case recorded before
// the vault, or on a device that had the file elsewhere).
func checkEvidence(st *store.Store, evs []cases.Evidence, job int) tea.Cmd {
	return func() tea.Msg {
		out := make([]evidenceCheck, len(evs))
		for i, e := range evs {
			sum, err := vaultSum(st, e.SHA256)
			if errors.Is(err, cases.ErrNotFound) {
				sum, _, err = cases.HashFile(e.Path, nil)
			}
			switch {
			case errors.Is(err, store.ErrEvidenceCorrupt):
				out[i] = evidenceChanged
			case err != nil:
				out[i] = evidenceMissing
			case strings.EqualFold(sum, e.SHA256):
				out[i] = evidenceIntact
			default:
				out[i] = evidenceChanged
			}
		}
		return evidenceMsg{job: job, checks: out}
	}
}

// vaultSum reads a vault file through and returns the SHA-256 of what it held.
func vaultSum(st *store.Store, sha string) (string, error) {
	f, err := st.OpenEvidence(sha)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// actRequest is one reviewer's act, as plain values for the command.
type actRequest struct {
	act        cases.Act
	comment    string
	opinion    cases.LegalOpinion
	discussion cases.Discussion
	decision   cases.HeadDecision
}

func recordAct(st *store.Store, a cases.Actor, id string, r actRequest, kind cases.EventKind, job int) tea.Cmd {
	return func() tea.Msg {
		var c cases.Case
		var err error
		switch r.act {
		case cases.ActApprove:
			c, err = st.Approve(a, id, r.comment)
		case cases.ActReturn:
			c, err = st.Return(a, id, r.comment)
		case cases.ActSendLegal:
			c, err = st.SendToLegal(a, id, r.comment)
		case cases.ActLegal:
			c, err = st.RecordLegalOpinion(a, id, r.opinion)
		case cases.ActDiscuss:
			c, err = st.RecordDiscussion(a, id, r.discussion)
		case cases.ActDecide:
			c, err = st.RecordHeadDecision(a, id, r.decision)
		}
		return actedMsg{job: job, kind: kind, c: c, err: err}
	}
}

// Open shows the case n names for review.
func (r *reviewScreen) Open(n screen.Navigate) tea.Cmd { return r.open(n.CaseID) }

// open loads a case for review.
func (r *reviewScreen) open(id string) tea.Cmd {
	r.id, r.loaded, r.err, r.tab, r.cite, r.form, r.working = id, false, nil, 0, 0, nil, false
	r.hashes, r.refusal = nil, ""
	r.evSel, r.fetching, r.evNote = 0, false, ""
	r.job++
	return loadReview(r.sh.Store, id, r.job)
}

// Typing reports whether a text field of an action form has focus.
func (r reviewScreen) Typing() bool { return r.form != nil && r.form.form.Typing() }

// SetSize lays the screen out.
func (r *reviewScreen) SetSize(w, h int) {
	r.width, r.height = w, h
	if r.form != nil {
		r.form.form.SetSize(w, r.formHeight())
	}
	r.refresh(false)
}

// Status is the standing notice of the screen.
func (r reviewScreen) Status() (string, styles.Tone) {
	switch {
	case r.working:
		return "正在记录...", styles.ToneInfo
	case !r.loaded:
		return "正在读取案件...", styles.ToneInfo
	case r.refusal != "" && r.form == nil:
		return r.refusal, styles.ToneDanger
	case r.fetching:
		return "正在从 HQ 取回证据 " + r.evidenceName(r.evSel) + "：" + progressText(r.fetchDone, r.fetchTotal), styles.ToneInfo
	case r.evNote != "" && r.form == nil:
		return r.evNote, r.evTone
	}
	return "", styles.ToneNeutral
}

// refusalText says why an act may not be taken now.
func refusalText(err error, label string) string {
	if err == nil {
		return "现在不能" + label
	}
	return err.Error()
}

// allowed lists the acts the signed-in user may take on the case now.
func (r reviewScreen) allowed() []cases.Act {
	if !r.loaded || r.err != nil {
		return nil
	}
	return r.policy.Allowed(r.sh.Actor(), r.c)
}

func (r reviewScreen) can(a cases.Act) bool {
	for _, x := range r.allowed() {
		if x == a {
			return true
		}
	}
	return false
}

func (r *reviewScreen) syncKeys() {
	inForm := r.form != nil
	acts := map[cases.Act]*key.Binding{
		cases.ActApprove: &r.keys.Approve, cases.ActReturn: &r.keys.Return, cases.ActSendLegal: &r.keys.SendLegal,
		cases.ActLegal: &r.keys.Legal, cases.ActDiscuss: &r.keys.Discuss, cases.ActDecide: &r.keys.Decide,
	}
	for a, b := range acts {
		b.SetEnabled(!inForm && !r.working && r.can(a))
	}
	if r.loaded && r.err == nil {
		r.keys.Approve.SetHelp("F2", r.policy.ApprovalKind(r.c).Label())
	}
	for _, b := range []*key.Binding{&r.keys.Tab, &r.keys.Up, &r.keys.Down, &r.keys.PageUp, &r.keys.PageDown, &r.keys.Top, &r.keys.Bottom, &r.keys.Back, &r.keys.Refresh} {
		b.SetEnabled(!inForm)
	}
	r.keys.Field.SetEnabled(inForm)
	r.keys.Confirm.SetEnabled(inForm && !r.working)
	r.keys.Cancel.SetEnabled(inForm)
	cites := !inForm && r.tab == 2 && r.c.Suggestion != nil && len(r.c.Suggestion.Decision.Citations) > 0
	r.keys.Citation.SetEnabled(cites)
	r.keys.Article.SetEnabled(cites)
	evs := 0
	if !inForm && r.tab == 1 && r.loaded && r.err == nil {
		evs = len(r.c.Content.Evidence)
	}
	r.keys.Evidence.SetEnabled(evs > 1)
	r.keys.OpenEvidence.SetEnabled(evs > 0 && !r.fetching)
	chosen := evs > 0 && r.evSel < len(r.hashes) && r.hashes[r.evSel] == evidenceIntact && previewable(r.c.Content.Evidence[r.evSel].Path)
	r.keys.Preview.SetEnabled(chosen && imagesOf(r.sh.Images) != noImages && !r.fetching)
}

// Update handles keys, loaded data and the outcome of an act.
func (r reviewScreen) Update(msg tea.Msg) (reviewScreen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case reviewMsg:
		if msg.job != r.job {
			return r, nil
		}
		r.loaded, r.err = true, msg.err
		if msg.err == nil {
			r.c, r.events, r.policy = msg.c, msg.events, msg.policy
			r.hashes = make([]evidenceCheck, len(r.c.Content.Evidence))
			if len(r.hashes) > 0 {
				cmd = checkEvidence(r.sh.Store, append([]cases.Evidence(nil), r.c.Content.Evidence...), r.job)
			}
		}
		r.refresh(true)
	case evidenceMsg:
		if msg.job == r.job && len(msg.checks) == len(r.hashes) {
			r.hashes = msg.checks
			r.refresh(false)
		}
	case fetchProgressMsg:
		if msg.job == r.fetchJob && r.fetching {
			r.fetchDone, r.fetchTotal = msg.done, msg.total
			r.refresh(false)
		}
		cmd = msg.wait // read on: the fetch goes on even if no longer shown
	case fetchedMsg:
		if msg.job != r.fetchJob || !r.fetching {
			break
		}
		r.fetching = false
		if msg.err != nil {
			r.evNote, r.evTone = "未能取回证据 "+r.evidenceName(msg.i)+"："+msg.err.Error(), styles.ToneDanger
			r.refresh(false)
			break
		}
		r.evNote, r.evTone = "已从 HQ 取回证据 "+r.evidenceName(msg.i)+"，正在打开...", styles.ToneInfo
		evs := append([]cases.Evidence(nil), r.c.Content.Evidence...)
		cmd = tea.Batch(checkEvidence(r.sh.Store, evs, r.job), openEvidence(r.sh.Store, evs[msg.i], openWithSystem))
	case previewedMsg:
		if msg.err != nil {
			r.evNote, r.evTone = "无法预览："+msg.err.Error(), styles.ToneDanger
		}
	case openedMsg:
		if msg.err != nil {
			r.evNote, r.evTone = "无法打开证据 "+msg.name+"："+msg.err.Error(), styles.ToneDanger
		} else {
			r.evNote, r.evTone = "已用系统查看程序打开证据 "+msg.name, styles.ToneOK
		}
	case actedMsg:
		if msg.job != r.actJob {
			return r, nil
		}
		r.working = false
		if msg.err == nil {
			r.form = nil
			cmd = screen.Go(screen.Navigate{To: screen.Queue, Notice: actedNotice(msg.kind, msg.c), Tone: styles.ToneOK})
			break
		}
		r.showError(msg.err)
	case tea.MouseMsg:
		if r.form == nil {
			r.vp, cmd = r.vp.Update(msg)
		}
	case tea.KeyMsg:
		if r.form != nil {
			r, cmd = r.formKey(msg)
		} else {
			r, cmd = r.key(msg)
		}
	}
	r.syncKeys()
	return r, cmd
}

// actedNotice says what was recorded and where the case went.
func actedNotice(kind cases.EventKind, c cases.Case) string {
	return "已记录「" + kind.Label() + "」：案件 " + present.ShortID(c.ID) + " 现为「" + c.Status.Label() + "」"
}

func (r reviewScreen) key(msg tea.KeyMsg) (reviewScreen, tea.Cmd) {
	acts := []struct {
		b   key.Binding
		act cases.Act
	}{
		{r.keys.Approve, cases.ActApprove}, {r.keys.Return, cases.ActReturn}, {r.keys.SendLegal, cases.ActSendLegal},
		{r.keys.Legal, cases.ActLegal}, {r.keys.Discuss, cases.ActDiscuss}, {r.keys.Decide, cases.ActDecide},
	}
	r.refusal = ""
	for _, a := range acts {
		if a.b.Enabled() && key.Matches(msg, a.b) {
			return r.openForm(a.act)
		}
	}
	for _, a := range acts {
		if !a.b.Enabled() && r.loaded && r.err == nil && !r.working && slices.Contains(a.b.Keys(), msg.String()) {
			// A pressed act the user may not take: say why, as the CLI does.
			r.refusal = refusalText(cases.Authorize(r.policy, r.sh.Actor(), r.c, r.policy.Kind(a.act, r.c)), r.policy.Label(a.act, r.c))
			return r, nil
		}
	}
	switch {
	case key.Matches(msg, r.keys.Back):
		return r, screen.Go(screen.Navigate{To: screen.Queue})
	case key.Matches(msg, r.keys.Refresh):
		return r, r.open(r.id)
	case key.Matches(msg, r.keys.Tab):
		n := len(reviewTabs)
		if msg.Type == tea.KeyShiftTab {
			r.tab = (r.tab + n - 1) % n
		} else {
			r.tab = (r.tab + 1) % n
		}
		r.refresh(true)
	case key.Matches(msg, r.keys.OpenEvidence) && r.keys.OpenEvidence.Enabled():
		return r.openChosen()
	case key.Matches(msg, r.keys.Preview) && r.keys.Preview.Enabled():
		return r, previewEvidence(r.sh.Store, r.c.Content.Evidence[r.evSel], imagesOf(r.sh.Images), r.width-2)
	case key.Matches(msg, r.keys.Evidence) && r.keys.Evidence.Enabled():
		n := len(r.c.Content.Evidence)
		if msg.Type == tea.KeyLeft {
			r.evSel = (r.evSel + n - 1) % n
		} else {
			r.evSel = (r.evSel + 1) % n
		}
		r.evNote = ""
		if line := r.refresh(false); line < r.vp.YOffset || line >= r.vp.YOffset+r.vp.Height {
			r.vp.SetYOffset(line - r.vp.Height/2)
		}
	case key.Matches(msg, r.keys.Article) && r.keys.Article.Enabled():
		return r, screen.Go(screen.Navigate{To: screen.Reader, Cites: r.c.Suggestion.Decision.Citations, Cite: r.cite})
	case key.Matches(msg, r.keys.Citation) && r.keys.Citation.Enabled():
		n := len(r.c.Suggestion.Decision.Citations)
		if msg.Type == tea.KeyLeft {
			r.cite = (r.cite + n - 1) % n
		} else {
			r.cite = (r.cite + 1) % n
		}
		if line := r.refresh(false); line < r.vp.YOffset || line >= r.vp.YOffset+r.vp.Height {
			r.vp.SetYOffset(line - r.vp.Height/2)
		}
	default:
		widgets.Scroll(&r.vp, r.keys.Nav, msg)
	}
	return r, nil
}

// openChosen opens the evidence file chosen, fetching it from HQ first
// when this machine does not hold it. A file whose content no longer
// matches its recorded hash is not opened: it is not the evidence.
func (r reviewScreen) openChosen() (reviewScreen, tea.Cmd) {
	evs := r.c.Content.Evidence
	i := min(r.evSel, len(evs)-1)
	state := evidenceChecking
	if i < len(r.hashes) {
		state = r.hashes[i]
	}
	name := r.evidenceName(i)
	r.evNote, r.evTone = "", styles.ToneNeutral
	switch {
	case state == evidenceChecking:
		r.evNote, r.evTone = "正在核对证据文件，请稍候再试", styles.ToneInfo
	case state == evidenceChanged:
		r.evNote, r.evTone = "证据 "+name+" 与记录的 SHA-256 不符，不予打开：请退回承办人核实", styles.ToneDanger
	case state == evidenceIntact:
		r.evNote, r.evTone = "正在打开证据 "+name+"...", styles.ToneInfo
		return r, openEvidence(r.sh.Store, evs[i], openWithSystem)
	case r.sh.FetchEvidence == nil:
		r.evNote, r.evTone = "本机没有证据 "+name+"，且本设备未连接 HQ，无法取回", styles.ToneWarn
	default:
		r.fetching, r.fetchDone, r.fetchTotal = true, 0, evs[i].Size
		r.fetchJob = r.sh.NextJob()
		r.refresh(false)
		return r, fetchEvidence(r.sh.FetchEvidence, evs[i].SHA256, i, r.fetchJob)
	}
	return r, nil
}

// evidenceName is the file name of evidence i, cleaned for the screen.
func (r reviewScreen) evidenceName(i int) string {
	if i < 0 || i >= len(r.c.Content.Evidence) {
		return ""
	}
	return present.FileName(r.c.Content.Evidence[i].Path)
}

// The action forms.

// actForm is the short form of one act.
type actForm struct {
	act   cases.Act
	kind  cases.EventKind
	title string
	note  string // what recording it will do
	form  widgets.Form
	err   string // a refusal, shown above the form
}

func (r reviewScreen) openForm(act cases.Act) (reviewScreen, tea.Cmd) {
	st := r.sh.Styles
	f := &actForm{act: act, kind: r.policy.Kind(act, r.c), title: r.policy.Label(act, r.c), form: widgets.NewForm(st)}
	fm := &f.form
	fm.SetSize(r.width, r.height) // before any value is set, so text fields scroll right
	switch act {
	case cases.ActApprove:
		if f.kind == cases.EventReviewed {
			f.note = "审核同意后，案件转负责人审批。"
		} else {
			f.note = "批准后，案件即按承办意见作出决定（已批准）。"
		}
		fm.AddArea("comment", "审核意见（可不填）", "如：事实清楚，证据充分，同意承办意见。", cases.MaxNoteLen, 3)
	case cases.ActReturn:
		f.note = "退回后，案件回到承办人处修改；重新提交时会显示修改了哪些内容。"
		fm.AddArea("comment", "退回意见（必填：写明要补正什么）", "如：请补充当事人陈述和现场全景照片。", cases.MaxNoteLen, 3)
	case cases.ActSendLegal:
		f.note = "送法制审核后，由法制审核员出具审核意见（行政处罚法第五十八条）。"
		fm.AddArea("comment", "送审意见（可不填）", "如：拟罚款数额较大，请法制审核。", cases.MaxNoteLen, 3)
	case cases.ActLegal:
		f.note = "逐项核对；不合格的取消勾选。审核不通过的，案件退回承办人。"
		fm.AddChoice("result", "审核结论", []widgets.Option{{Value: "pass", Label: "通过"}, {Value: "fail", Label: "不通过"}})
		for _, c := range cases.LegalChecks {
			fm.AddCheck("check."+c.Code, c.Label)
			fm.SetChecked("check."+c.Code, true)
		}
		fm.AddArea("comment", "审核意见（不通过时必填理由）", "", cases.MaxNoteLen, 3)
	case cases.ActDiscuss:
		f.note = "负责人集体讨论决定（行政处罚法第五十七条第二款）。记录讨论后，由负责人作出决定。"
		fm.AddText("date", "讨论日期", "2026-11-20", 10)
		fm.SetValue("date", r.sh.Now.In(screen.Local).Format("2006-01-02"))
		fm.AddText("participants", "参加人员", "姓名，用顿号或逗号分隔", 200)
		fm.SetValue("participants", present.Clean(r.sh.User.Name))
		if fl := fm.Field("participants"); fl != nil {
			fl.Hint = "至少两人，用顿号或逗号分隔" // the placeholder is hidden by the prefilled name
		}
		fm.AddArea("conclusion", "讨论结论", "", cases.MaxNoteLen, 3)
	case cases.ActDecide:
		f.note = "负责人决定（行政处罚法第五十七条第一款）。"
		opts := make([]widgets.Option, len(cases.Rulings))
		for i, rl := range cases.Rulings {
			opts[i] = widgets.Option{Value: rl.Code, Label: rulingShort(rl.Code)}
		}
		fm.AddChoice("ruling", "决定", opts)
		fm.SetValue("ruling", proposedRuling(r.c))
		fm.AddText("fine", "罚款（元）", "给予罚款时填写", 12)
		if fine := proposedFine(r.c); fine != "" {
			fm.SetValue("fine", fine)
		}
		fm.AddArea("comment", "决定理由", "", cases.MaxNoteLen, 3)
	}
	fm.AddButton("submit", "确认"+f.title+"（ctrl+s）")
	r.form = f
	fm.SetSize(r.width, r.formHeight())
	return r, fm.FocusFirst()
}

// rulingShort names a ruling on a narrow screen.
func rulingShort(code string) string {
	switch code {
	case "penalty":
		return "给予处罚"
	case "no_penalty":
		return "不予处罚"
	case "not_established":
		return "事实不成立"
	case "referral":
		return "移送司法"
	}
	return code
}

// proposedRuling is what the officer proposes, as a ruling: the head's
// form starts from it.
func proposedRuling(c cases.Case) string {
	if ch := c.Choice; ch != nil && !ch.Follow {
		if ch.Outcome == "not_punished" {
			return "no_penalty"
		}
		return "penalty"
	}
	if s := c.Suggestion; s != nil && (s.Decision.Outcome == rules.NotPunishable || s.Decision.Outcome == rules.Exemptible) {
		return "no_penalty"
	}
	return "penalty"
}

// proposedFine is the fine the officer proposed or chose, for the head's form.
func proposedFine(c cases.Case) string {
	if ch := c.Choice; ch != nil && !ch.Follow && ch.Fine != nil {
		return strconv.FormatFloat(*ch.Fine, 'f', -1, 64)
	}
	if p := c.Content.Circumstances.ProposedFine; p != nil {
		return strconv.FormatFloat(*p, 'f', -1, 64)
	}
	return ""
}

// formTop is the lines above an action form: the case, the act and its note.
func (r reviewScreen) formTop() []string {
	st := r.sh.Styles
	f := r.form
	lines := []string{st.Section.Render(widgets.Truncate(" "+f.title, r.width))}
	for _, l := range widgets.Wrap(f.note, r.width-2) {
		lines = append(lines, st.Muted.Render(" "+l))
	}
	if f.err != "" {
		for _, l := range widgets.Wrap("! "+f.err, r.width-2) {
			lines = append(lines, st.Error.Render(" "+l))
		}
	}
	return lines
}

func (r reviewScreen) formHeight() int {
	if r.form == nil {
		return 1
	}
	return max(3, r.height-len(r.head)-len(r.formTop()))
}

func (r reviewScreen) formKey(msg tea.KeyMsg) (reviewScreen, tea.Cmd) {
	switch {
	case r.working:
		return r, nil
	case key.Matches(msg, r.keys.Cancel):
		r.form = nil
		r.refresh(false)
		return r, nil
	case key.Matches(msg, r.keys.Confirm):
		return r.submit()
	}
	var cmd tea.Cmd
	r.form.form, cmd = r.form.form.Update(msg)
	if r.form.form.Submitted && r.form.form.Pressed == "submit" {
		return r.submit()
	}
	if r.form.act == cases.ActLegal && r.form.form.Changed {
		// Unticking a point means the review does not pass.
		for _, c := range cases.LegalChecks {
			if !r.form.form.Checked("check." + c.Code) {
				r.form.form.SetValue("result", "fail")
			}
		}
	}
	return r, cmd
}

// submit reads the form and asks the store to record the act.
func (r reviewScreen) submit() (reviewScreen, tea.Cmd) {
	f := r.form
	fm := &f.form
	fm.ClearMessages()
	f.err = ""
	req := actRequest{act: f.act, comment: fm.Value("comment")}
	kind := f.kind
	switch f.act {
	case cases.ActLegal:
		var failed []string
		for _, c := range cases.LegalChecks {
			if !fm.Checked("check." + c.Code) {
				failed = append(failed, c.Code)
			}
		}
		pass := fm.Value("result") == "pass"
		req.opinion = cases.LegalOpinion{Pass: pass, Checklist: cases.NewChecklist(failed...), Comment: fm.Value("comment")}
		kind = cases.EventLegalFailed
		if pass {
			kind = cases.EventLegalPassed
		}
	case cases.ActDiscuss:
		if v := strings.TrimSpace(fm.Value("date")); v != "" {
			d, err := present.ParseWhen(v)
			if err != nil {
				fm.SetError("date", "日期格式应为 2026-11-20")
				fm.FirstError()
				return r, nil
			}
			req.discussion.Date = d
		}
		req.discussion.Participants = splitNames(fm.Value("participants"))
		req.discussion.Conclusion = fm.Value("conclusion")
	case cases.ActDecide:
		req.decision = cases.HeadDecision{Ruling: fm.Value("ruling"), Comment: fm.Value("comment")}
		if v := strings.TrimSpace(fm.Value("fine")); v != "" && fm.Value("ruling") == "penalty" {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				fm.SetError("fine", "请填写数额（元），如 3000")
				fm.FirstError()
				return r, nil
			}
			req.decision.Fine = &n
		}
	}
	r.working = true
	r.actJob = r.sh.NextJob()
	return r, recordAct(r.sh.Store, r.sh.Actor(), r.c.ID, req, kind, r.actJob)
}

// splitNames reads the participants as typed: commas, 顿号 or spaces.
func splitNames(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == ' ' || r == '　'
	}) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// showError puts a refusal where the reviewer sees it: field errors under
// their fields, anything else above the form.
func (r *reviewScreen) showError(err error) {
	if r.form == nil {
		return
	}
	var fe cases.FieldErrors
	if errors.As(err, &fe) {
		for _, e := range fe {
			k := e.Field
			if k == "checklist" {
				k = "result"
			}
			if !r.form.form.SetError(k, e.Msg) {
				r.form.err = e.Error()
			}
		}
		r.form.form.FirstError()
	} else {
		r.form.err = err.Error()
	}
	r.form.form.SetSize(r.width, r.formHeight())
}

// refresh rebuilds the header and the tab's content; it returns the line
// of the selected citation on the decision tab, or of the evidence file
// chosen on the evidence tab.
func (r *reviewScreen) refresh(top bool) int {
	st := r.sh.Styles
	w := r.width
	r.head = r.head[:0:0]
	citeLine := 0
	r.vp.Width = w
	if !r.loaded {
		r.vp.SetContent(st.Muted.Render(" 正在读取..."))
		return 0
	}
	if r.err != nil {
		r.vp.SetContent(st.Error.Render(widgets.FitLines(strings.Join(widgets.Wrap(" ! 读取失败："+r.err.Error(), w-2), "\n"), w)))
		return 0
	}
	c := r.c
	title := " " + st.StatusStyle(string(c.Status)).Render("["+c.Status.Label()+"]") + " " + st.Strong.Render(present.ViolationLabel(r.sh.Rules(), c.Content.Violation)) + "  " + st.Value.Render(present.PartyLabel(c.Content.Party))
	r.head = append(r.head, widgets.Truncate(title, w))
	sub := " 案件 " + present.ShortID(c.ID) + "  承办 " + officerNames(c)
	if c.SubmittedAt != nil {
		sub += "  立案 " + present.Short(*c.SubmittedAt)
	}
	if c.Review.Round > 1 {
		sub += "  第" + strconv.Itoa(c.Review.Round) + "次提交"
	}
	r.head = append(r.head, st.Faint.Render(widgets.Truncate(sub, w)))
	var body []string
	switch r.tab {
	case 0:
		body = r.reviewLines()
	case 1:
		body, citeLine = r.contentLines()
	case 2:
		body, citeLine = r.decisionLines()
	case 3:
		body = r.logLines()
	}
	r.vp.Height = max(1, r.height-len(r.head)-2)
	r.vp.SetContent(strings.Join(body, "\n"))
	if top {
		r.vp.GotoTop()
	}
	return citeLine
}

func officerNames(c cases.Case) string {
	var names []string
	for _, o := range c.Content.Officers {
		names = append(names, present.Clean(o.Name))
	}
	if len(names) == 0 {
		return present.Clean(c.CreatedBy.Name)
	}
	return strings.Join(names, "、")
}

// lineWriter collects wrapped, indented lines of at most w cells.
type lineWriter struct {
	st    *styles.Styles
	w     int
	lines []string
}

func (lw *lineWriter) section(s string) {
	if len(lw.lines) > 0 {
		lw.lines = append(lw.lines, "")
	}
	lw.lines = append(lw.lines, lw.st.Section.Render(widgets.Truncate(" "+s, lw.w)))
}

// para writes text after a prefix, wrapping under itself.
func (lw *lineWriter) para(prefix, text string, style func(...string) string) {
	indent := strings.Repeat(" ", ansi.StringWidth(prefix))
	for i, l := range widgets.Wrap(text, max(8, lw.w-ansi.StringWidth(prefix)-1)) {
		p := prefix
		if i > 0 {
			p = indent
		}
		lw.lines = append(lw.lines, style(p+l))
	}
}

// kv writes a label column and a wrapped value.
func (lw *lineWriter) kv(k, v string, style func(...string) string) {
	head := " " + widgets.Pad(k, 10) + "  "
	indent := strings.Repeat(" ", ansi.StringWidth(head))
	for i, l := range widgets.Wrap(v, max(8, lw.w-ansi.StringWidth(head))) {
		if i == 0 {
			lw.lines = append(lw.lines, lw.st.Label.Render(head)+style(l))
		} else {
			lw.lines = append(lw.lines, indent+style(l))
		}
	}
}

// reviewLines is the first tab: what to do, why, by when, and the chain's record.
func (r reviewScreen) reviewLines() []string {
	st := r.sh.Styles
	c := r.c
	p := r.policy
	lw := &lineWriter{st: st, w: r.width}
	lw.section("审批流程  " + p.Chain.Label())
	for _, s := range r.chainSteps() {
		style := st.Muted.Render
		switch s.state {
		case stepDone:
			style = st.OK.Render
		case stepNow:
			style = st.Strong.Render
		case stepFailed:
			style = st.Error.Render
		}
		lw.kv(s.name, s.text, style)
	}
	acts := r.allowed()
	if len(acts) > 0 {
		var parts []string
		for _, a := range acts {
			parts = append(parts, actKey(a)+" "+p.Label(a, c))
		}
		lw.para(" 您可以：", strings.Join(parts, "；"), st.OK.Render)
	} else if it := cases.NewQueueItem(p, r.sh.Actor(), c, r.sh.Now); it.Blocked != "" {
		lw.para(" ! 您不能处理：", present.Clean(it.Blocked), st.Error.Render)
	} else if wf := p.WaitingFor(c); wf != "" {
		lw.para(" ", "等待"+wf.Label()+"处理。", st.Muted.Render)
	}
	for _, d := range c.Deadlines(r.sh.Now) {
		if d.Code == cases.DeadlineHearing && d.Left >= 0 && (r.can(cases.ActApprove) || r.can(cases.ActDecide)) && r.policy.Kind(cases.ActApprove, c) == cases.EventApproved {
			lw.para(" ! ", "听证申请期尚未届满（"+d.Countdown()+"）：当事人未书面放弃听证的，应待期满后再作决定。", st.Warn.Render)
		}
	}

	if flags := c.FlagsWith(p); len(flags) > 0 {
		lw.section("提示")
		for _, f := range flags {
			lw.para(" * ", present.Clean(f.Label), st.Warn.Render)
		}
	}
	if ds := c.Deadlines(r.sh.Now); len(ds) > 0 {
		lw.section("期限")
		for _, d := range ds {
			lw.kv(d.Label, d.Countdown()+"（截止 "+d.Due.Format("2006-01-02")+"）", present.DeadlineStyle(st, &d))
			lw.para("             ", d.Basis, st.Muted.Render)
		}
	}
	if ret := c.Review.Returned; ret != nil {
		lw.section("退回补正")
		lw.kv("退回", present.Clean(ret.By.Name)+"  "+present.Time(ret.At), st.Value.Render)
		lw.kv("退回意见", present.Clean(ret.Comment), st.Warn.Render)
		if c.Review.Round > 1 && c.Status != cases.StatusReturned {
			changed := "未作修改"
			if len(c.Review.Changed) > 0 {
				changed = strings.Join(c.Review.Changed, "、")
			}
			lw.kv("重新提交", "第"+strconv.Itoa(c.Review.Round)+"次提交，自退回以来修改了："+changed, st.Strong.Render)
		}
		if r, ok := c.ReplyCurrent(); ok {
			lw.kv("承办人答复", present.Clean(r.Text)+"（"+present.Clean(r.By.Name)+"  "+present.Time(r.At)+"）", st.Strong.Render)
		}
	}
	if o := c.Review.Legal; o != nil {
		lw.section("法制审核意见")
		res, style := "通过", st.OK.Render
		if !o.Pass {
			res, style = "不通过", st.Error.Render
		}
		lw.kv("结论", res+"（"+present.Clean(o.By.Name)+"，"+present.Time(o.At)+"）", style)
		for _, ch := range o.Checklist {
			box := "[x] "
			s := st.Value.Render
			if !ch.OK {
				box, s = "[ ] ", st.Error.Render
			}
			lw.para("   "+box, cases.LegalCheckLabel(ch.Code), s)
		}
		if o.Comment != "" {
			lw.kv("审核意见", present.Clean(o.Comment), st.Value.Render)
		}
	}
	if d := c.Review.Discussion; d != nil {
		lw.section("集体讨论")
		lw.kv("日期", d.Date.In(screen.Local).Format("2006-01-02"), st.Value.Render)
		var ps []string
		for _, x := range d.Participants {
			ps = append(ps, present.Clean(x))
		}
		lw.kv("参加人员", strings.Join(ps, "、"), st.Value.Render)
		lw.kv("结论", present.Clean(d.Conclusion), st.Value.Render)
	}
	if d := c.Review.Decision; d != nil {
		lw.section("负责人决定")
		lw.kv("决定", d.Text()+"（"+present.Clean(d.By.Name)+"，"+present.Time(d.At)+"）", st.Strong.Render)
		lw.kv("理由", present.Clean(d.Comment), st.Value.Render)
	}
	if ns := c.Review.Notices; len(ns) > 0 {
		lw.section("送达")
		for _, n := range ns {
			v := present.Time(n.ServedAt)
			if n.Deadline != nil {
				v += "，改正期限 " + n.Deadline.In(screen.Local).Format("2006-01-02")
			}
			if n.Note != "" {
				v += "；" + present.Clean(n.Note)
			}
			lw.kv(noticeShort(n.Kind), v, st.Value.Render)
		}
	}
	return lw.lines
}

func noticeShort(kind string) string {
	if kind == cases.NoticeCorrection {
		return "责令改正"
	}
	return "事先告知"
}

// actKey names the key of an act.
func actKey(a cases.Act) string {
	switch a {
	case cases.ActApprove:
		return "F2"
	case cases.ActReturn:
		return "F3"
	case cases.ActSendLegal:
		return "F4"
	case cases.ActLegal:
		return "F7"
	case cases.ActDiscuss:
		return "F8"
	case cases.ActDecide:
		return "F9"
	}
	return ""
}

type stepState int

const (
	stepTodo stepState = iota
	stepNow
	stepDone
	stepFailed
)

type chainStep struct {
	name  string
	text  string
	state stepState
}

// chainSteps lays the chain out for this case: who has done what, and
// which step the case is at.
func (r reviewScreen) chainSteps() []chainStep {
	c := r.c
	p := r.policy
	rv := c.Review
	signed := func(s *cases.Signoff, what string) string {
		t := present.Clean(s.By.Name) + " " + what + "  " + present.Short(s.At)
		if s.Comment != "" {
			t += "：" + present.Clean(s.Comment)
		}
		return t
	}
	var out []chainStep
	officer := chainStep{name: "承办", text: officerNames(c), state: stepDone}
	if c.Status == cases.StatusReturned || c.Status == cases.StatusDraft {
		officer.state, officer.text = stepNow, officerNames(c)+"（补正中）"
	}
	out = append(out, officer)

	review := chainStep{name: "审核", text: "待审核人审核"}
	switch {
	case rv.Reviewed != nil:
		review.text, review.state = signed(rv.Reviewed, "同意"), stepDone
	case rv.LegalSent != nil && rv.LegalSent.By.Role == cases.RoleSupervisor:
		review.text, review.state = signed(rv.LegalSent, "送法制审核"), stepDone
	case rv.Approved != nil && rv.Approved.By.Role == cases.RoleSupervisor:
		review.text, review.state = signed(rv.Approved, "批准"), stepDone
	case c.Status == cases.StatusSubmitted:
		review.state = stepNow
	case c.Status == cases.StatusPendingApproval || c.Status == cases.StatusApproved || c.Status == cases.StatusClosed:
		review.state, review.text = stepDone, "已过"
	}
	out = append(out, review)

	if c.LegalRequired(p) || rv.Legal != nil {
		legal := chainStep{name: "法制审核", text: "须经法制审核：" + strings.Join(c.LegalReasons(p), "；")}
		switch {
		case rv.Legal != nil && rv.Legal.Pass:
			legal.text, legal.state = present.Clean(rv.Legal.By.Name)+" 通过  "+present.Short(rv.Legal.At), stepDone
		case rv.Legal != nil:
			legal.text, legal.state = present.Clean(rv.Legal.By.Name)+" 不通过，已退回  "+present.Short(rv.Legal.At), stepFailed
		case c.Status == cases.StatusLegalReview:
			legal.text, legal.state = "审核中："+strings.Join(c.LegalReasons(p), "；"), stepNow
		}
		out = append(out, legal)
	}
	if c.CollectiveRequired() {
		disc := chainStep{name: "集体讨论", text: "须由负责人集体讨论决定"}
		if d := rv.Discussion; d != nil {
			disc.text, disc.state = d.Date.In(screen.Local).Format("2006-01-02")+" 已讨论："+present.Clean(d.Conclusion), stepDone
		} else if c.Status == cases.StatusPendingApproval {
			disc.state = stepNow
		}
		out = append(out, disc)
	}
	final := p.FinalApprover(c)
	if final == cases.RoleHead {
		appr := chainStep{name: "审批", text: "待负责人审批"}
		switch {
		case rv.Decision != nil:
			appr.text, appr.state = present.Clean(rv.Decision.By.Name)+" 决定："+rv.Decision.Text(), stepDone
		case rv.Approved != nil:
			appr.text, appr.state = signed(rv.Approved, "批准"), stepDone
		case c.Status == cases.StatusPendingApproval && !(c.CollectiveRequired() && rv.Discussion == nil):
			appr.state = stepNow
		}
		out = append(out, appr)
	} else if c.Status == cases.StatusPendingApproval {
		out = append(out, chainStep{name: "批准", text: "法制审核通过后由审核人批准", state: stepNow})
	}
	return out
}

// contentLines is the second tab: the facts and the evidence, each file
// checked against its recorded hash; it returns the line of the file chosen.
func (r reviewScreen) contentLines() ([]string, int) {
	citeLine := 0
	st := r.sh.Styles
	c := r.c.Content
	lw := &lineWriter{st: st, w: r.width}
	v := st.Value.Render
	lw.kv("违法事项", present.ViolationLabel(r.sh.Rules(), c.Violation), v)
	p := c.Party
	if p.Kind == cases.PartyOrg {
		lw.kv("当事人", "单位 "+present.Clean(p.Name), v)
		lw.kv("信用代码", present.Clean(p.USCC), v)
		if p.LegalRep != "" {
			lw.kv("法定代表人", present.Clean(p.LegalRep), v)
		}
		if p.USCCOverride != "" {
			lw.kv("校验说明", present.Clean(p.USCCOverride), st.Warn.Render)
		}
	} else {
		lw.kv("当事人", "公民 "+present.Clean(p.Name), v)
		lw.kv("证件", cases.IDTypeLabel(p.IDType)+" "+present.Clean(p.IDNumber), v)
	}
	if p.Phone != "" {
		lw.kv("电话", present.Clean(p.Phone), v)
	}
	if p.Address != "" {
		lw.kv("地址", present.Clean(p.Address), v)
	}
	lw.kv("地点", present.OrUnset(present.Clean(c.Place.Text)), v)
	lw.kv("发生时间", present.Time(c.OccurredAt), v)
	if c.EndedAt != nil {
		lw.kv("终了时间", present.Time(*c.EndedAt), v)
	}
	lw.kv("发现时间", present.Time(c.DiscoveredAt), v)
	lw.kv("违法事实", present.OrUnset(strings.TrimSpace(present.CleanText(c.Facts))), v)
	lw.kv("情节", present.CircumstancesText(c), v)
	var os []string
	for _, o := range c.Officers {
		os = append(os, present.Clean(o.Name)+"（"+present.Clean(o.Cert)+"）")
	}
	lw.kv("执法人员", present.OrUnset(strings.Join(os, "、")), v)
	lw.section("证据（" + strconv.Itoa(len(c.Evidence)) + " 件，逐件核对 SHA-256）")
	if len(c.Evidence) == 0 {
		lw.para("   ", "无证据文件。", st.Warn.Render)
	}
	for i, e := range c.Evidence {
		state, style := "核对中", st.Muted.Render
		if i < len(r.hashes) {
			switch r.hashes[i] {
			case evidenceIntact:
				state, style = "校验一致", st.OK.Render
			case evidenceChanged:
				state, style = "文件已被改动！", st.Error.Render
			case evidenceMissing:
				state, style = "本机无此文件", st.Warn.Render
				if r.sh.FetchEvidence != nil {
					state += "（F6 从 HQ 取回并查看）"
				}
			}
		}
		if r.fetching && i == r.evSel {
			state, style = "正在从 HQ 取回 "+progressText(r.fetchDone, r.fetchTotal), st.Info.Render
		}
		sum := present.Clean(e.SHA256)
		if len(sum) > 12 {
			sum = sum[:12]
		}
		mark := " "
		if i == r.evSel {
			mark = ">"
			citeLine = len(lw.lines)
		}
		lw.para(mark+strconv.Itoa(i+1)+". ", cases.EvidenceKindLabel(present.Clean(e.Kind))+"  "+present.FileName(e.Path)+"  "+present.Size(e.Size)+"  "+present.Short(e.CapturedAt), v)
		lw.para("    ", "SHA-256 "+sum+"..  "+state, style)
	}
	if len(c.Evidence) > 0 {
		how := "F6 用系统程序查看所选证据"
		if imagesOf(r.sh.Images) != noImages {
			how += "，ctrl+p 在终端中预览图片"
		}
		if len(c.Evidence) > 1 {
			how += "，左右键选择"
		}
		lw.para("    ", how+"。", st.Faint.Render)
	}
	return lw.lines, citeLine
}

// decisionLines is the third tab: the rules' suggestion and the officer's
// decision side by side, then the reasons, the citations and the trace.
func (r reviewScreen) decisionLines() ([]string, int) {
	st := r.sh.Styles
	c := r.c
	if c.Suggestion == nil {
		return []string{"", st.Muted.Render(" 尚未作出处理建议。")}, 0
	}
	d := c.Suggestion.Decision
	head, sub, tone := present.OutcomeWords(d)
	left := []string{st.Section.Render("系统建议"), st.Tone(tone).Render(head)}
	if sub != "" {
		left = append(left, sub)
	}
	left = append(left, d.Procedure.Label())
	var needs []string
	if d.HearingRight {
		needs = append(needs, "听证")
	}
	if d.LegalReview {
		needs = append(needs, "法制审核")
	}
	if d.CollectiveDiscussion {
		needs = append(needs, "集体讨论")
	}
	if len(needs) > 0 {
		left = append(left, "须："+strings.Join(needs, "、"))
	}
	right := []string{st.Section.Render("承办人决定")}
	ch := c.Choice
	switch {
	case ch == nil:
		right = append(right, st.Muted.Render("尚未确认"))
	case ch.Follow:
		right = append(right, st.OK.Render("采纳系统建议"))
	default:
		right = append(right, st.Warn.Render("不采纳，改为"+present.ChoiceOutcomeLabel(ch.Outcome)))
		if ch.Fine != nil {
			right = append(right, "罚款 "+present.Yuan(*ch.Fine))
		}
		right = append(right, st.Warn.Render("理由："+present.Clean(ch.Reason)))
	}
	if pf := c.Content.Circumstances.ProposedFine; pf != nil {
		right = append(right, "拟罚款 "+present.Yuan(*pf))
	}
	var lines []string
	if r.width >= 60 {
		lines = append(sideBySide(left, right, r.width), "")
	} else {
		for _, l := range append(left, right...) {
			lines = append(lines, widgets.Wrap(" "+l, r.width)...)
		}
	}
	v := present.SuggestionView{Styles: st, Suggestion: *c.Suggestion, Content: c.Content, Width: r.width, Cite: r.cite, Trace: true,
		ActName: present.ActName(r.sh.Rules(), c.Content.Violation, c.Suggestion.Decision.Act)}
	body, citeLine := v.Body()
	offset := len(lines)
	lines = append(lines, body...)
	return lines, offset + citeLine
}

// sideBySide sets two columns next to each other, each wrapped to half the
// width, with a bar between them.
func sideBySide(left, right []string, w int) []string {
	cw := (w - 3) / 2
	wrap := func(ls []string) []string {
		var out []string
		for _, l := range ls {
			out = append(out, widgets.Wrap(l, cw-1)...)
		}
		return out
	}
	l, rr := wrap(left), wrap(right)
	var out []string
	for i := 0; i < max(len(l), len(rr)); i++ {
		a, b := "", ""
		if i < len(l) {
			a = l[i]
		}
		if i < len(rr) {
			b = rr[i]
		}
		out = append(out, " "+widgets.Pad(a, cw)+"| "+widgets.Truncate(b, cw))
	}
	return out
}

// logLines is the last tab: the case log, review events in the words of
// the review record, and whether the hash chain holds.
func (r reviewScreen) logLines() []string {
	return present.LogLines(r.sh.Styles, r.sh.Rules(), r.events, r.width)
}

// View draws the header and the tabs with their content, or the act's form.
func (r reviewScreen) View() string {
	st := r.sh.Styles
	lines := append([]string(nil), r.head...)
	if r.form != nil {
		lines = append(lines, r.formTop()...)
		lines = append(lines, r.form.form.View())
		return strings.Join(lines, "\n")
	}
	tabs := widgets.Tabs{Labels: append([]string(nil), reviewTabs...), Active: r.tab}
	if r.loaded {
		tabs.Labels[3] += "（" + strconv.Itoa(len(r.events)) + "）"
	}
	lines = append(lines, widgets.Truncate(tabs.View(st), r.width), "")
	lines = append(lines, r.vp.View())
	return strings.Join(lines, "\n")
}

// Crumb names the screen, and the act being recorded, in the header.
func (r reviewScreen) Crumb() string {
	if r.form != nil {
		return "审核 > " + r.form.title
	}
	return "审核"
}

// ShortHelp lists the live keys: the acts first.
func (r reviewScreen) ShortHelp() []key.Binding {
	if r.form != nil {
		return []key.Binding{r.keys.Field, r.keys.Confirm, r.keys.Cancel}
	}
	return []key.Binding{r.keys.OpenEvidence, r.keys.Approve, r.keys.Return, r.keys.SendLegal, r.keys.Legal, r.keys.Discuss, r.keys.Decide, r.keys.Evidence, r.keys.Preview, r.keys.Tab, r.keys.Back}
}

// FullHelp lists every key of the screen.
func (r reviewScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{r.keys.Approve, r.keys.Return, r.keys.SendLegal, r.keys.Legal, r.keys.Discuss, r.keys.Decide},
		{r.keys.Tab, r.keys.Up, r.keys.Down, r.keys.PageUp, r.keys.PageDown, r.keys.Citation, r.keys.Article, r.keys.Evidence, r.keys.OpenEvidence, r.keys.Preview, r.keys.Refresh, r.keys.Back},
		{r.keys.Field, r.keys.Confirm, r.keys.Cancel},
	}
}
