package wizard

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
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

// stepID is a step of the new-case wizard.
type stepID int

const (
	stepViolation stepID = iota
	stepParty
	stepPlace
	stepFacts
	stepCirc
	stepSuggest
	stepDecide
	stepOfficers
	stepReview
	numSteps
)

// stepNames are saved in the draft position (store.Draft.Step): stable.
var stepNames [numSteps]string = present.StepNames

var stepTitles [numSteps]string = present.StepTitles

var stepShort = [numSteps]string{"事项", "当事人", "时间地点", "证据", "情节", "建议", "决定", "人员", "提交"}

func stepByName(name string) (stepID, bool) {
	i, ok := present.StepOf(name)
	return stepID(i), ok
}

// stepFields are the content fields (FieldError names) each step edits.
var stepFields = [numSteps][]string{
	stepViolation: {"violation"},
	stepParty:     {"party"},
	stepPlace:     {"place", "latitude", "longitude", "occurred_at", "ended_at", "discovered_at"},
	stepFacts:     {"facts", "evidence"},
	stepCirc:      {"harm", "age", "capacity", "mitigating", "proposed_fine", "minor", "corrected", "first_offence", "no_fault_proven", "endangers_safety"},
	stepDecide:    {"choice"},
	stepOfficers:  {"officers"},
}

// stepOfField is the step where a field is edited.
func stepOfField(field string) (stepID, bool) {
	for s, fs := range stepFields {
		for _, f := range fs {
			if field == f || strings.HasPrefix(field, f+".") || strings.HasPrefix(field, f+"[") {
				return stepID(s), true
			}
		}
	}
	return 0, false
}

// fieldsOf keeps the errors that belong to step s.
func fieldsOf(es cases.FieldErrors, s stepID) cases.FieldErrors {
	var out cases.FieldErrors
	for _, e := range es {
		if got, ok := stepOfField(e.Field); ok && got == s {
			out = append(out, e)
		}
	}
	return out
}

// decision is the suggestion and choice recorded on the case.
type decision struct {
	sug    cases.Suggestion
	choice cases.Choice
}

// wizardState is what store.Draft.State holds: the raw inputs of the step
// the officer was on, including what did not validate yet.
type wizardState struct {
	Fields map[string]string `json:"fields,omitempty"`
	Stale  bool              `json:"decision_stale,omitempty"`
}

// autosaveDelay is how long after the last keystroke the step's inputs are
// saved: a short pause, so a flat battery or a crash loses less than a
// second of typing. autosaveEdits saves during typing that never pauses.
const (
	autosaveDelay = 800 * time.Millisecond
	autosaveEdits = 20
)

type autosaveMsg struct {
	wizard int
	gen    int
}

// wizard records a case step by step. Each step is saved as it is left:
// the content through store.NewDraft / SaveContent, the position through
// store.SaveDraft, so that a restart reopens the step where the officer was.
type wizard struct {
	sh     *screen.Context
	keys   keys.Wizard
	width  int
	height int
	id     int // tells this wizard's timers from an earlier one's

	step    stepID
	editing bool
	caseID  string
	status  cases.Status
	content cases.Content
	comment string
	decided *decision
	stale   bool // content changed after the decision was recorded

	violation violationStep
	party     partyStep
	place     placeStep
	facts     factsStep
	circ      circStep
	suggest   suggestStep
	decide    decisionStep
	officers  officersStep
	review    reviewStep

	saving     bool
	moving     bool // a save that changes step is in flight
	saveJob    int
	pending    *saveReq
	decideJob  int
	submitJob  int
	submitting bool
	openJob    int
	opening    bool
	gen        int  // edits, for autosave
	savedGen   int  // gen at the last autosave
	quitAfter  bool // quit once the step change in flight has landed

	notice string
	tone   styles.Tone

	confirm confirmBox // an irreversible act waiting for Enter (confirm.go)
	voiding bool
	voidJob int
	loaded  cases.Case // the case as opened (its return, for what changed since)
}

// New builds the new-case wizard, for the root's registry.
func New(ctx *screen.Context) screen.Screen {
	return screen.Adapt(screen.Wizard, newWizard(ctx))
}

func newWizard(sh *screen.Context) wizard {
	w := wizard{sh: sh, keys: keys.NewWizard(), id: sh.NextJob()}
	w.violation = newViolationStep(sh)
	w.party = newPartyStep(sh)
	w.place = newPlaceStep(sh)
	w.facts = newFactsStep(sh)
	w.circ = newCircStep(sh)
	w.suggest = newSuggestStep(sh)
	w.decide = newDecisionStep(sh)
	w.officers = newOfficersStep(sh)
	w.review = newReviewStep(sh)
	return w
}

// Start begins a new case at the first step.
func (w *wizard) Start() tea.Cmd {
	w.content = cases.Content{Officers: []cases.Officer{w.self()}}
	w.status = cases.StatusDraft
	return w.enter(stepViolation)
}

func (w *wizard) self() cases.Officer {
	u := w.sh.User
	return cases.Officer{ID: u.ID, Name: u.Name, Cert: u.Cert}
}

// Open starts the wizard afresh on what n asks: the case it names, the
// wizard left open at sign-in, or else a new case.
func (w *wizard) Open(n screen.Navigate) tea.Cmd {
	wd, ht := w.width, w.height
	*w = newWizard(w.sh)
	w.SetSize(wd, ht)
	switch {
	case n.Resume != nil:
		cmd := w.Resume(n.Resume.Draft, n.Resume.Case, n.Resume.Events)
		return tea.Batch(cmd, screen.Say("已恢复上次未完成的案件，停在："+w.stepTitle(), styles.ToneOK))
	case n.CaseID != "":
		return w.edit(n.CaseID)
	}
	return w.Start()
}

// HoldsUnsaved: the step on screen is saved as it is left, so the exit
// key and the lock save it first.
func (w wizard) HoldsUnsaved() bool { return true }

// edit loads an existing draft or returned case for editing.
func (w *wizard) edit(id string) tea.Cmd {
	w.editing, w.opening = true, true
	w.openJob = w.sh.NextJob()
	return loadForEdit(w.sh.Store, id, w.sh.User.ID, w.openJob)
}

// Resume reopens the wizard at a saved position.
func (w *wizard) Resume(d store.Draft, c *cases.Case, evs []cases.Event) tea.Cmd {
	w.content = cases.Content{Officers: []cases.Officer{w.self()}}
	w.status = cases.StatusDraft
	if c != nil {
		w.load(*c, evs)
	}
	s, ok := stepByName(d.Step)
	if !ok {
		s = w.firstIncomplete()
	}
	if s > stepViolation && w.caseID == "" {
		s = stepViolation
	}
	var st wizardState
	if len(d.State) > 0 {
		_ = json.Unmarshal(d.State, &st)
	}
	if st.Stale {
		w.stale = true
	}
	cmd := w.enter(s)
	if len(st.Fields) > 0 {
		w.restore(st.Fields)
	}
	return cmd
}

// load takes a stored case as the wizard's starting point.
func (w *wizard) load(c cases.Case, evs []cases.Event) {
	w.caseID, w.status, w.content, w.comment = c.ID, c.Status, c.Content, present.Clean(c.ReviewComment)
	w.loaded = c
	w.editing = true
	if c.Suggestion != nil && c.Choice != nil {
		w.decided = &decision{sug: *c.Suggestion, choice: *c.Choice}
	}
	w.stale = decisionStale(evs)
}

// decisionStale reports whether what the rules weigh changed after the
// last recorded decision, read from the case's own log.
func decisionStale(evs []cases.Event) bool {
	var atDecision, latest cases.Content
	decided := false
	for _, e := range evs {
		switch e.Kind {
		case cases.EventCreated, cases.EventContentSet:
			var p cases.ContentPayload
			if json.Unmarshal(e.Payload, &p) == nil {
				latest = p.Content
			}
		case cases.EventDecisionMade:
			atDecision, decided = latest, true
		}
	}
	return decided && judgedDifferently(atDecision, latest)
}

// judgedDifferently reports whether two versions of a case differ in what
// the rules weigh (so a decision made on one no longer fits the other).
// Place, facts, evidence and officers do not change the suggestion.
func judgedDifferently(a, b cases.Content) bool {
	for _, f := range cases.ChangedFields(a, b) {
		switch f {
		case "地点", "违法事实", "证据", "执法人员":
		default:
			return true
		}
	}
	return false
}

// firstIncomplete is where an opened case most likely needs work.
func (w *wizard) firstIncomplete() stepID {
	c := w.content
	switch {
	case c.Violation == "" || actMissing(w.sh.Rules(), c):
		return stepViolation
	case c.Party.Name == "":
		return stepParty
	case c.Place.Text == "" || c.OccurredAt.IsZero():
		return stepPlace
	case strings.TrimSpace(c.Facts) == "":
		return stepFacts
	case c.Circumstances.Harm == "":
		return stepCirc
	case w.decided == nil || w.stale:
		return stepSuggest
	case len(c.Officers) < cases.MinOfficers:
		return stepOfficers
	}
	return stepReview
}

// actMissing: the item lists acts and the case names none of them.
func actMissing(rs *rules.RuleSet, c cases.Content) bool {
	it, ok := rs.Item(c.Violation)
	if !ok || len(it.Acts) == 0 {
		return false
	}
	_, ok = it.Act(c.Circumstances.Act)
	return !ok
}

// enter shows step s, filled from the wizard's content.
func (w *wizard) enter(s stepID) tea.Cmd {
	w.step = s
	w.notice = ""
	var cmd tea.Cmd
	switch s {
	case stepViolation:
		cmd = w.violation.load(w.content)
	case stepParty:
		cmd = w.party.load(w.content)
	case stepPlace:
		cmd = w.place.load(w.content)
	case stepFacts:
		cmd = w.facts.load(w.content)
	case stepCirc:
		cmd = w.circ.load(w.content, w.caseID)
	case stepSuggest:
		cmd = w.suggest.load(w.content, w.caseID)
	case stepDecide:
		// Reached without the suggestion step (a resumed draft, an item
		// opened from the review): compute the suggestion again.
		if w.suggest.sug == nil || judgedDifferently(w.suggest.content, w.content) {
			cmd = w.suggest.load(w.content, w.caseID)
		}
		cmd = tea.Batch(cmd, w.decide.load(w.suggest.sug, w.decided))
	case stepOfficers:
		cmd = w.officers.load(w.content)
	case stepReview:
		cmd = w.review.load(w.reviewSummary())
	}
	w.SetSize(w.width, w.height)
	w.syncKeys()
	return cmd
}

// SetSize lays the wizard and its steps out.
func (w *wizard) SetSize(width, h int) {
	w.width, w.height = width, h
	bh := max(1, h-w.chromeLines())
	w.violation.SetSize(width, bh)
	w.party.SetSize(width, bh)
	w.place.SetSize(width, bh)
	w.facts.SetSize(width, bh)
	w.circ.SetSize(width, bh)
	w.suggest.SetSize(width, bh)
	w.decide.SetSize(width, bh)
	w.officers.SetSize(width, bh)
	w.review.SetSize(width, bh)
	w.layoutConfirm()
}

// chromeLines are the wizard's own lines above the step: the step bar, the
// title and, for a returned case, the supervisor's comment.
func (w wizard) chromeLines() int {
	if w.comment != "" && w.step != stepReview {
		return 3
	}
	return 2
}

// Typing reports whether the step has a text field focused.
func (w wizard) Typing() bool {
	if w.confirm.open() {
		return w.confirm.form.Typing()
	}
	switch w.step {
	case stepViolation:
		return !w.violation.picking
	case stepParty:
		return w.party.Typing()
	case stepPlace:
		return w.place.form.Typing()
	case stepFacts:
		return w.facts.form.Typing()
	case stepCirc:
		return w.circ.form.Typing()
	case stepDecide:
		return w.decide.form.Typing()
	case stepOfficers:
		return w.officers.form.Typing()
	}
	return false
}

func (w wizard) stepTitle() string {
	return "第 " + strconv.Itoa(int(w.step)+1) + " 步 " + stepTitles[w.step]
}

// Crumb names the wizard in the header.
func (w wizard) Crumb() string {
	if w.editing {
		return "办理案件"
	}
	return "新建案件"
}

// Status is the standing notice of the wizard.
func (w wizard) Status() (string, styles.Tone) {
	switch {
	case w.submitting:
		return "正在提交...", styles.ToneInfo
	case w.opening:
		return "正在打开案件...", styles.ToneInfo
	case w.moving:
		return "正在保存...", styles.ToneInfo
	case w.voiding:
		return "正在作废...", styles.ToneInfo
	}
	return w.notice, w.tone
}

func (w *wizard) syncKeys() {
	w.keys.PrevStep.SetEnabled(w.step > stepViolation)
	w.keys.NextStep.SetEnabled(w.step < stepReview)
	w.keys.Submit.SetEnabled(w.step == stepReview)
	w.keys.ToReview.SetEnabled(w.canJumpToReview())
	w.keys.Void.SetEnabled(w.canVoid())
	w.keys.Leave.SetEnabled(w.step != stepViolation || !w.violation.picking) // Esc closes the act picker
}

// canJumpToReview: F9 before the last step saves the step and goes straight
// to 核对提交 once the case is complete up to there (a returned case, or an
// item changed from the review), instead of F8 through every later step.
func (w wizard) canJumpToReview() bool {
	return w.step < stepReview && w.firstIncomplete() == stepReview
}

func (w *wizard) say(s string, t styles.Tone) { w.notice, w.tone = s, t }

// Update handles keys, clicks and every async result of the wizard.
func (w wizard) Update(msg tea.Msg) (wizard, tea.Cmd) {
	switch msg := msg.(type) {
	case screen.Exiting:
		return w.saveAndQuit()
	case screen.Locking:
		return w.Update(autosaveMsg{wizard: w.id, gen: w.gen})
	case openMsg:
		return w.opened(msg)
	case savedMsg:
		return w.saved(msg)
	case decidedMsg:
		return w.decidedResult(msg)
	case submittedMsg:
		return w.submitted(msg)
	case voidedMsg:
		return w.voided(msg)
	case autosaveMsg:
		idle := msg.gen == w.gen
		if msg.wizard != w.id || w.gen == w.savedGen || (!idle && w.gen-w.savedGen < autosaveEdits) || w.saving || w.opening {
			return w, nil
		}
		w.savedGen = w.gen
		return w, w.request(w.positionSave(afterSave{goTo: -1}))
	case suggestionMsg:
		var cmd tea.Cmd
		w.suggest, cmd = w.suggest.Update(msg)
		if w.step == stepDecide {
			w.decide.setSuggestion(w.suggest.sug, w.suggest.err)
		}
		return w, cmd
	case partiesMsg:
		var cmd tea.Cmd
		w.party, cmd = w.party.Update(msg)
		return w, cmd
	case priorsMsg:
		var cmd tea.Cmd
		w.circ, cmd = w.circ.Update(msg)
		return w, cmd
	case hashProgressMsg, hashDoneMsg, completeMsg:
		var cmd tea.Cmd
		w.facts, cmd = w.facts.Update(msg)
		return w, cmd
	case tea.KeyMsg:
		if w.moving || w.submitting || w.opening || w.voiding {
			return w, nil // a step change is landing; keys would act on the old step
		}
		if w.confirm.open() {
			w.notice = ""
			return w.confirmKey(msg)
		}
		return w.key(msg)
	case tea.MouseMsg:
		if w.confirm.open() {
			return w, nil
		}
		msg.Y -= w.chromeLines()
		if msg.Y < 0 {
			return w, nil
		}
		return w.toStep(msg)
	}
	return w.toStep(msg)
}

func (w wizard) key(msg tea.KeyMsg) (wizard, tea.Cmd) {
	w.notice = ""
	switch {
	case key.Matches(msg, w.keys.Leave) && !w.stepWantsEsc():
		return w.leave(afterSave{goTo: -1, leave: true, notice: "已保存草稿，可在首页继续办理"})
	case key.Matches(msg, w.keys.NextStep):
		return w.forward()
	case key.Matches(msg, w.keys.PrevStep):
		if w.step > stepViolation {
			return w.leave(afterSave{goTo: int(w.step - 1)})
		}
		return w, nil
	case key.Matches(msg, w.keys.Save):
		return w.leave(afterSave{goTo: -1, notice: "已保存"})
	case key.Matches(msg, w.keys.ToReview) && w.canJumpToReview():
		return w.toReview()
	case key.Matches(msg, w.keys.Submit) && w.step == stepReview:
		return w.trySubmit()
	case key.Matches(msg, w.keys.Void) && w.canVoid():
		w.askVoid()
		return w, nil
	case key.Matches(msg, w.keys.Article) && w.step == stepSuggest && w.suggest.sug != nil:
		d := w.suggest.sug.Decision
		if len(d.Citations) > 0 {
			return w, screen.Go(screen.Navigate{To: screen.Reader, Cites: d.Citations, Cite: w.suggest.cite})
		}
		return w, nil
	}
	return w.toStep(msg)
}

// stepWantsEsc: some steps close a popup with Esc before Esc leaves.
func (w wizard) stepWantsEsc() bool {
	switch w.step {
	case stepViolation:
		return w.violation.picking // Esc goes back to the list
	case stepFacts:
		return w.facts.wantsEsc()
	}
	return false
}

// toStep gives a message to the current step and acts on what it asks.
func (w wizard) toStep(msg tea.Msg) (wizard, tea.Cmd) {
	var cmd tea.Cmd
	changed := false
	switch w.step {
	case stepViolation:
		w.violation, cmd = w.violation.Update(msg)
		changed = w.violation.changed
		if w.violation.done {
			w.violation.done = false
			return w.forwardWith(cmd)
		}
	case stepParty:
		w.party, cmd = w.party.Update(msg)
		changed = w.party.changed
		if w.party.done {
			w.party.done = false
			return w.forwardWith(cmd)
		}
	case stepPlace:
		w.place, cmd = w.place.Update(msg)
		changed = w.place.form.Changed
		if w.place.form.Submitted {
			return w.forwardWith(cmd)
		}
	case stepFacts:
		w.facts, cmd = w.facts.Update(msg)
		changed = w.facts.changed
	case stepCirc:
		w.circ, cmd = w.circ.Update(msg)
		changed = w.circ.form.Changed
		if w.circ.form.Submitted {
			return w.forwardWith(cmd)
		}
	case stepSuggest:
		w.suggest, cmd = w.suggest.Update(msg)
		if w.suggest.done {
			w.suggest.done = false
			return w.forwardWith(cmd)
		}
	case stepDecide:
		w.decide, cmd = w.decide.Update(msg)
		changed = w.decide.form.Changed
		if w.decide.form.Submitted {
			return w.forwardWith(cmd)
		}
	case stepOfficers:
		w.officers, cmd = w.officers.Update(msg)
		changed = w.officers.form.Changed
		if w.officers.form.Submitted {
			return w.forwardWith(cmd)
		}
	case stepReview:
		w.review, cmd = w.review.Update(msg)
		if p := w.review.pressed; p != "" {
			w.review.pressed = ""
			return w.reviewAction(p, cmd)
		}
	}
	if changed {
		w.gen++
		gen, id := w.gen, w.id
		cmd = tea.Batch(cmd, w.sh.Tick(autosaveDelay, func(time.Time) tea.Msg { return autosaveMsg{wizard: id, gen: gen} }))
	}
	w.syncKeys()
	return w, cmd
}

func (w wizard) forwardWith(cmd tea.Cmd) (wizard, tea.Cmd) {
	w, c := w.forward()
	return w, tea.Batch(cmd, c)
}

// forward moves to the next step once the current one validates; leaving
// the decision step records the decision first.
func (w wizard) forward() (wizard, tea.Cmd) {
	switch w.step {
	case stepReview:
		return w.trySubmit()
	case stepViolation:
		if w.violation.askAct() {
			w.syncKeys()
			return w, nil
		}
	case stepSuggest:
		if w.suggest.sug == nil {
			if w.suggest.err != nil {
				w.say("无法计算建议："+w.suggest.err.Error(), styles.ToneDanger)
			} else {
				w.say("正在计算建议，请稍候", styles.ToneInfo)
			}
			return w, nil
		}
	case stepDecide:
		return w.recordDecision(afterSave{goTo: int(stepOfficers)})
	}
	return w.leave(afterSave{goTo: int(w.step + 1)})
}

// toReview saves the step, checked as going forward, and shows 核对提交;
// on the decision step the choice is recorded first, as F8 would.
func (w wizard) toReview() (wizard, tea.Cmd) {
	then := afterSave{goTo: int(stepReview)}
	if w.step == stepDecide {
		return w.recordDecision(then)
	}
	return w.leave(then)
}

// leave reads the current step into the content and saves it with the
// position the officer is going to. Going forward, the step must validate;
// going back or away, what does not validate stays as typed in the draft
// position, and the stored content keeps its last good value.
func (w wizard) leave(then afterSave) (wizard, tea.Cmd) {
	forward := then.goTo > int(w.step)
	if w.step == stepFacts && w.facts.hashing() && (then.goTo >= 0) {
		w.say("正在计算证据文件的校验值，请稍候再离开本步", styles.ToneWarn)
		return w, nil
	}
	next, errs := w.applyStep(forward)
	if len(errs) > 0 {
		if forward {
			w.showErrors(errs)
			w.say("请先改正标出的项目（共 "+strconv.Itoa(len(errs))+" 处）", styles.ToneDanger)
			return w, nil
		}
		next = w.content
	}
	r := saveReq{actor: w.sh.Actor(), userID: w.sh.User.ID, caseID: w.caseID, then: then}
	target := w.step
	if then.goTo >= 0 {
		target = stepID(then.goTo)
	}
	r.step = stepNames[target]
	if then.goTo < 0 {
		r.state = w.stateJSON()
	}
	switch {
	case w.caseID != "":
		c := cloneContent(next)
		r.content = &c
	case next.Violation != "":
		c := cloneContent(next)
		r.content = &c
	case then.goTo < 0 && (then.leave || then.quit):
		r.clear = true // nothing chosen yet: nothing worth resuming
	}
	if w.decided != nil && judgedDifferently(w.content, next) {
		w.stale = true
	}
	w.content = next
	if then.goTo >= 0 {
		w.moving = true
	}
	return w, w.request(r)
}

// positionSave remembers where the officer is and what is typed, without
// recording content (autosave).
func (w wizard) positionSave(then afterSave) saveReq {
	return saveReq{actor: w.sh.Actor(), userID: w.sh.User.ID, caseID: w.caseID, step: stepNames[w.step], state: w.stateJSON(), then: then}
}

// request sends a save, or queues it while another is in flight, so the
// saves of one wizard land in the order they were made.
func (w *wizard) request(r saveReq) tea.Cmd {
	r.job = w.sh.NextJob()
	if w.saving {
		w.pending = &r
		return nil
	}
	w.saving, w.saveJob = true, r.job
	return saveWizard(w.sh.Store, r)
}

func (w wizard) saved(msg savedMsg) (wizard, tea.Cmd) {
	if msg.req.job != w.saveJob {
		return w, nil
	}
	w.saving = false
	var cmds []tea.Cmd
	var next tea.Cmd // where the wizard goes once saved
	if w.pending != nil {
		r := *w.pending
		w.pending = nil
		if r.caseID == "" && msg.req.caseID != "" {
			r.caseID = msg.req.caseID
		}
		if r.caseID == "" && msg.c != nil {
			r.caseID = msg.c.ID
		}
		w.saving, w.saveJob = true, r.job
		cmds = append(cmds, saveWizard(w.sh.Store, r))
	}
	if msg.err != nil {
		w.moving = false
		if w.quitAfter {
			next = tea.Quit
		}
		var fe cases.FieldErrors
		if errors.As(msg.err, &fe) {
			w.showErrors(fe)
		}
		w.say("保存失败："+errWords(msg.err), styles.ToneDanger)
		if msg.req.then.quit {
			next = tea.Quit
		}
		return w, tea.Batch(append(cmds, next)...)
	}
	if c := msg.c; c != nil {
		w.caseID, w.status = c.ID, c.Status
	}
	then := msg.req.then
	switch {
	case then.quit:
		next = tea.Quit
	case then.leave:
		next = screen.Go(screen.Navigate{To: screen.Home, Notice: then.notice, Tone: styles.ToneOK})
	case then.goTo >= 0 && w.moving:
		w.moving = false
		cmds = append(cmds, w.enter(stepID(then.goTo)))
	}
	if w.quitAfter && !w.moving {
		next = tea.Quit
	}
	if then.notice != "" && !then.leave {
		w.say(then.notice, styles.ToneOK)
	}
	return w, tea.Batch(append(cmds, next)...)
}

// saveAndQuit saves what is on screen and ends the program (F10, Ctrl+C).
func (w wizard) saveAndQuit() (wizard, tea.Cmd) {
	if w.opening || w.submitting {
		return w, tea.Quit
	}
	if w.moving {
		// The step change being saved carries the position; end after it.
		w.quitAfter = true
		return w, nil
	}
	return w.leave(afterSave{goTo: -1, quit: true})
}

// applyStep reads the current step into a copy of the content and checks
// it: completely when going forward, for well-formedness otherwise.
func (w *wizard) applyStep(forward bool) (cases.Content, cases.FieldErrors) {
	c := cloneContent(w.content)
	var local cases.FieldErrors
	switch w.step {
	case stepViolation:
		w.violation.apply(&c, forward)
	case stepParty:
		local = w.party.apply(&c)
	case stepPlace:
		local = w.place.apply(&c)
	case stepFacts:
		w.facts.apply(&c)
	case stepCirc:
		local = w.circ.apply(&c)
	case stepOfficers:
		w.officers.apply(&c, w.self())
	default:
		return c, nil
	}
	es := append(cases.FieldErrors(nil), local...)
	for _, e := range fieldsOf(cases.CheckContent(c, w.sh.Rules(), w.sh.Now, forward), w.step) {
		if !hasField(es, e.Field) {
			es = append(es, e)
		}
	}
	return c, es
}

func hasField(es cases.FieldErrors, f string) bool {
	for _, e := range es {
		if e.Field == f || strings.HasPrefix(e.Field, f+".") {
			return true
		}
	}
	return false
}

// showErrors puts each error under its field on the step it belongs to.
func (w *wizard) showErrors(es cases.FieldErrors) {
	for _, e := range es {
		s, ok := stepOfField(e.Field)
		if !ok {
			s = w.step
		}
		msg := e.Msg
		switch s {
		case stepViolation:
			w.violation.err = msg
		case stepParty:
			w.party.setError(e.Field, msg)
		case stepPlace:
			setFormError(&w.place.form, e.Field, msg)
		case stepFacts:
			w.facts.setError(e.Field, msg)
		case stepCirc:
			if e.Field == "harm" && strings.Contains(msg, "none") {
				msg = "请选择危害后果：没有、轻微或较重"
			}
			setFormError(&w.circ.form, e.Field, msg)
		case stepDecide:
			setFormError(&w.decide.form, e.Field, msg)
		case stepOfficers:
			w.officers.setError(e.Field, msg)
		}
	}
	switch w.step {
	case stepPlace:
		w.place.form.FirstError()
	case stepCirc:
		w.circ.form.FirstError()
	case stepDecide:
		w.decide.form.FirstError()
	case stepParty:
		w.party.form.FirstError()
	case stepOfficers:
		w.officers.form.FirstError()
	}
}

// setFormError shows msg under the field, or under the nearest field with
// the same stem ("mitigating[2]" under the first mitigating box).
func setFormError(f interface{ SetError(k, msg string) bool }, field, msg string) {
	if f.SetError(field, msg) {
		return
	}
	stem := field
	if i := strings.IndexAny(stem, ".["); i > 0 {
		stem = stem[:i]
	}
	f.SetError(stem, msg)
}

// recordDecision checks the officer's choice and records it with the
// suggestion (store.Decide) unless the same decision is already on file,
// then goes where then says.
func (w wizard) recordDecision(then afterSave) (wizard, tea.Cmd) {
	sug := w.suggest.sug
	if sug == nil {
		if w.suggest.loading {
			w.say("正在计算处理建议，请稍候", styles.ToneInfo)
		} else {
			w.say("无法计算处理建议：请回到第 6 步查看原因", styles.ToneDanger)
		}
		return w, nil
	}
	ch := w.decide.choice()
	w.decide.form.ClearMessages()
	w.decide.sync() // keep the departure warning and the range hint
	es := cases.CheckChoice(ch)
	if msg := fineAboveMaximum(ch, *sug); msg != "" {
		es = append(es, cases.FieldError{Field: "choice.fine", Msg: msg})
	}
	es = es.Merge(cases.CheckChoiceAgainst(ch, sug.Decision)) // what the store would refuse, said on the spot
	if len(es) > 0 {
		w.showErrors(es)
		w.say("请先改正标出的项目", styles.ToneDanger)
		return w, nil
	}
	if w.decided != nil && !w.stale && sameDecision(w.decided.sug, *sug) && sameChoice(w.decided.choice, ch) {
		return w.leave(then)
	}
	w.moving = true
	w.decideJob = w.sh.NextJob()
	return w, decide(w.sh.Store, w.sh.Actor(), w.caseID, *sug, ch, w.decideJob, then)
}

// fineAboveMaximum refuses a departure to a fine above the provision's
// maximum (行政处罚法第四条: no penalty beyond what the law sets); the head's
// decision is held to the same limit by the domain.
func fineAboveMaximum(ch cases.Choice, sug cases.Suggestion) string {
	d := sug.Decision
	sf := d.StatutoryFine
	if ch.Follow || ch.Outcome != "fine" || ch.Fine == nil || sf == nil || d.FineUnit == "per_day" || sf.Max <= 0 {
		return ""
	}
	if *ch.Fine*float64(rules.Yuan) > float64(sf.Max) {
		return "罚款 " + strconv.FormatFloat(*ch.Fine, 'f', -1, 64) + " 元超过法定上限 " + present.Money(sf.Max)
	}
	return ""
}

func sameDecision(a, b cases.Suggestion) bool {
	x, _ := json.Marshal(a.Decision)
	y, _ := json.Marshal(b.Decision)
	return string(x) == string(y) && a.FirstOffence.NeverSynced == b.FirstOffence.NeverSynced
}

func sameChoice(a, b cases.Choice) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func (w wizard) decidedResult(msg decidedMsg) (wizard, tea.Cmd) {
	if msg.job != w.decideJob {
		return w, nil
	}
	w.moving = false
	if msg.err != nil {
		var quit tea.Cmd
		if w.quitAfter {
			quit = tea.Quit
		}
		var fe cases.FieldErrors
		if errors.As(msg.err, &fe) {
			w.showErrors(fe)
		}
		w.say("记录处理决定失败："+errWords(msg.err), styles.ToneDanger)
		return w, quit
	}
	c := msg.c
	w.status = c.Status
	if c.Suggestion != nil && c.Choice != nil {
		w.decided = &decision{sug: *c.Suggestion, choice: *c.Choice}
	}
	w.stale = false
	return w.leave(msg.then)
}

// reviewAction acts on a button of the review step.
func (w wizard) reviewAction(p string, cmd tea.Cmd) (wizard, tea.Cmd) {
	switch {
	case p == "submit":
		w, c := w.trySubmit()
		return w, tea.Batch(cmd, c)
	case p == "void" && w.canVoid():
		w.askVoid()
		return w, cmd
	case p == "keep":
		w, c := w.leave(afterSave{goTo: -1, leave: true, notice: "已保存草稿，可在首页继续办理"})
		return w, tea.Batch(cmd, c)
	case strings.HasPrefix(p, "step."):
		if s, ok := stepByName(strings.TrimPrefix(p, "step.")); ok {
			w, c := w.leave(afterSave{goTo: int(s)})
			return w, tea.Batch(cmd, c)
		}
	}
	return w, cmd
}

// trySubmit asks to submit the case once the decision is current.
func (w wizard) trySubmit() (wizard, tea.Cmd) {
	if w.caseID == "" {
		w.say("请先选择违法事项", styles.ToneDanger)
		return w, nil
	}
	if w.decided == nil || w.stale {
		w.say("案情有修改或尚未确认处理决定：请查看建议并确认决定", styles.ToneWarn)
		return w.leave(afterSave{goTo: int(stepSuggest)})
	}
	w.askSubmit()
	return w, nil
}

func (w wizard) submitted(msg submittedMsg) (wizard, tea.Cmd) {
	if msg.job != w.submitJob {
		return w, nil
	}
	w.submitting = false
	if msg.err != nil {
		var fe cases.FieldErrors
		if errors.As(msg.err, &fe) {
			w.showErrors(fe)
			w.review.refused(fe)
			w.say("不能提交：还有 "+strconv.Itoa(len(fe))+" 处需要补正，已在各项下标出", styles.ToneDanger)
			return w, nil
		}
		w.say("提交失败："+present.FirstLine(msg.err.Error()), styles.ToneDanger)
		return w, nil
	}
	rs := w.sh.Rules()
	return w, screen.Go(screen.Navigate{To: screen.Home, Tone: styles.ToneOK,
		Notice: "已提交审核：" + present.ViolationLabel(rs, msg.c.Content.Violation) + " " + present.Clean(msg.c.Content.Party.Name)})
}

func (w wizard) opened(msg openMsg) (wizard, tea.Cmd) {
	if msg.job != w.openJob {
		return w, nil
	}
	w.opening = false
	if msg.err != nil {
		return w, screen.Go(screen.Navigate{To: screen.Home, Notice: "无法打开案件：" + present.FirstLine(msg.err.Error()), Tone: styles.ToneDanger})
	}
	if msg.c.Status != cases.StatusDraft && msg.c.Status != cases.StatusReturned {
		return w, screen.Go(screen.Navigate{To: screen.Detail, CaseID: msg.c.ID, Notice: "该案件已" + msg.c.Status.Label() + "，不能修改", Tone: styles.ToneWarn})
	}
	w.load(msg.c, msg.events)
	if msg.draft != nil {
		return w, w.Resume(*msg.draft, &msg.c, msg.events)
	}
	s := w.firstIncomplete()
	if msg.c.Status == cases.StatusReturned {
		s = stepReview
	}
	return w, w.enter(s)
}

// stateJSON is the current step's raw inputs for the draft position.
func (w wizard) stateJSON() json.RawMessage {
	st := wizardState{Fields: w.stepState(), Stale: w.stale}
	b, _ := json.Marshal(st)
	return b
}

func (w wizard) stepState() map[string]string {
	switch w.step {
	case stepViolation:
		return w.violation.state()
	case stepParty:
		return w.party.state()
	case stepPlace:
		return present.FormState(w.place.form)
	case stepFacts:
		return w.facts.state()
	case stepCirc:
		return present.FormState(w.circ.form)
	case stepDecide:
		return present.FormState(w.decide.form)
	case stepOfficers:
		return present.FormState(w.officers.form)
	}
	return nil
}

func (w *wizard) restore(m map[string]string) {
	switch w.step {
	case stepViolation:
		w.violation.restore(m)
	case stepParty:
		w.party.restore(m)
	case stepPlace:
		present.RestoreForm(&w.place.form, m)
	case stepFacts:
		w.facts.restore(m)
	case stepCirc:
		present.RestoreForm(&w.circ.form, m)
		w.circ.sync()
	case stepDecide:
		present.RestoreForm(&w.decide.form, m)
		w.decide.sync()
	case stepOfficers:
		present.RestoreForm(&w.officers.form, m)
		w.officers.sync()
	}
}

// reviewSummary is one line per step for the review.
func (w wizard) reviewSummary() reviewData {
	c := w.content
	rs := w.sh.Rules()
	d := reviewData{comment: w.comment, status: w.status, canVoid: w.canVoid()}
	d.lines[stepViolation] = actLabel(rs, c.Violation, c.Circumstances.Act)
	d.lines[stepParty] = present.PartyKindLabel(c.Party.Kind) + " " + present.PartyLabel(c.Party)
	if c.Party.Name == "" {
		d.lines[stepParty] = "未填写"
	}
	d.lines[stepPlace] = present.Time(c.OccurredAt) + "  " + present.OrUnset(present.Clean(c.Place.Text))
	facts := strings.TrimRight(strings.Join(strings.Fields(present.CleanText(c.Facts)), " "), "。.")
	d.lines[stepFacts] = present.OrUnset(facts) + "；证据 " + strconv.Itoa(len(c.Evidence)) + " 件"
	first := "按记录推算"
	if c.Circumstances.FirstOffence != nil {
		first = present.YesNo(*c.Circumstances.FirstOffence)
	}
	d.lines[stepCirc] = "及时改正：" + present.YesNo(c.Circumstances.Corrected) + "；危害：" + present.HarmLabel(c.Circumstances.Harm) + "；行为轻微：" + present.YesNo(c.Circumstances.Minor) + "；初次违法：" + first
	if f := c.Circumstances.ProposedFine; f != nil {
		d.lines[stepCirc] += "；拟罚款：" + strconv.FormatFloat(*f, 'f', -1, 64) + "元"
	}
	if len(c.Evidence) == 0 {
		d.warns[stepFacts] = "尚未添加证据：请核实有无照片、视频、笔录等，有的请添加"
	}
	switch {
	case w.decided == nil:
		d.lines[stepSuggest] = "尚未计算"
		d.lines[stepDecide] = "尚未确认"
	default:
		head, _, _ := present.OutcomeWords(w.decided.sug.Decision)
		d.lines[stepSuggest] = head
		d.lines[stepDecide] = present.ChoiceText(&w.decided.choice)
	}
	if w.stale {
		d.stale = true
	}
	var os []string
	for _, o := range c.Officers {
		os = append(os, present.Clean(o.Name))
	}
	d.lines[stepOfficers] = present.OrUnset(strings.Join(os, "、"))
	d.check = cases.CheckContent(c, rs, w.sh.Now, cases.Complete)
	return d
}

// View draws the step bar, the title and the step.
func (w wizard) View() string {
	st := w.sh.Styles
	lines := []string{w.stepBar()}
	title := " " + st.Title.Render(w.stepTitle())
	if w.caseID != "" {
		title += st.Faint.Render("  案件 " + present.ShortID(w.caseID) + "（每步离开时自动保存）")
	} else {
		title += st.Faint.Render("  （选定事项后建立草稿，每步离开时自动保存）")
	}
	lines = append(lines, widgets.Truncate(title, w.width))
	if w.comment != "" && w.step != stepReview {
		c := " 审核意见：" + w.comment
		if ansi.StringWidth(c) > w.width {
			const whole = "（全文见第 9 步）"
			c = widgets.Truncate(c, w.width-ansi.StringWidth(whole)) + whole
		}
		lines = append(lines, st.Warn.Render(c))
	}
	var body string
	switch {
	case w.confirm.open():
		body = w.confirmView()
	case w.step == stepViolation:
		body = w.violation.View()
	case w.step == stepParty:
		body = w.party.View()
	case w.step == stepPlace:
		body = w.place.View()
	case w.step == stepFacts:
		body = w.facts.View()
	case w.step == stepCirc:
		body = w.circ.View()
	case w.step == stepSuggest:
		body = w.suggest.View()
	case w.step == stepDecide:
		body = w.decide.View()
	case w.step == stepOfficers:
		body = w.officers.View()
	case w.step == stepReview:
		body = w.review.View()
	}
	lines = append(lines, body)
	return strings.Join(lines, "\n")
}

// stepBar shows every step, the current one highlighted; it uses the long
// names when they fit and the short ones otherwise.
func (w wizard) stepBar() string {
	st := w.sh.Styles
	build := func(names [numSteps]string) (string, int) {
		var parts []string
		width := 0
		for i, n := range names {
			label := strconv.Itoa(i+1) + n
			var s string
			switch {
			case stepID(i) == w.step:
				s = st.Steps.Current.Render("[" + label + "]")
			case stepID(i) < w.step:
				s = st.Steps.Done.Render(" " + label + " ")
			default:
				s = st.Steps.Todo.Render(" " + label + " ")
			}
			parts = append(parts, s)
			width += ansi.StringWidth(label) + 3
		}
		return " " + strings.Join(parts, ""), width
	}
	if s, n := build(stepTitles); n+1 <= w.width {
		return s
	}
	if s, n := build(stepShort); n+1 <= w.width {
		return s
	}
	return st.Steps.Current.Render(widgets.Truncate(" "+w.stepTitle()+"（共 9 步）", w.width))
}

// ShortHelp lists the live keys of the step and the wizard.
func (w wizard) ShortHelp() []key.Binding {
	if w.confirm.open() {
		return w.confirmHelp()
	}
	var bs []key.Binding
	switch w.step {
	case stepViolation:
		bs = w.violation.ShortHelp()
	case stepParty:
		bs = w.party.ShortHelp()
	case stepFacts:
		bs = w.facts.ShortHelp()
	case stepSuggest:
		bs = w.suggest.ShortHelp()
	case stepReview:
		bs = w.review.ShortHelp()
	default:
		bs = formHelp(w.keys, w.formOf())
	}
	submit := w.keys.Submit
	if w.step == stepReview && w.review.form.Focused() == "submit" {
		submit.SetEnabled(false) // Enter says it already
	}
	return append(bs, w.keys.NextStep, w.keys.ToReview, submit, w.keys.Leave, w.keys.PrevStep)
}

// formOf is the current step's form, for the generic help.
func (w wizard) formOf() formInfo {
	switch w.step {
	case stepPlace:
		return formInfoOf(w.place.form)
	case stepCirc:
		return formInfoOf(w.circ.form)
	case stepDecide:
		return formInfoOf(w.decide.form)
	case stepOfficers:
		return formInfoOf(w.officers.form)
	}
	return formInfo{}
}

// FullHelp lists the keys of the current step, then the wizard's own.
func (w wizard) FullHelp() [][]key.Binding {
	if w.confirm.open() {
		return [][]key.Binding{w.confirmHelp()}
	}
	k := w.keys
	step := w.ShortHelp()
	step = step[:len(step)-5] // the wizard's keys follow in their own group
	switch w.step {
	case stepParty:
		step = append(step, k.Search, k.NewPerson, k.NewOrg)
	case stepFacts:
		step = append(step, k.Field, k.Complete, k.Attach, k.Remove)
	case stepSuggest:
		step = append(step, k.PageDown)
	}
	return [][]key.Binding{step, {k.NextStep, k.PrevStep, k.Save, k.ToReview, k.Submit, k.Void, k.Leave}}
}

// errWords is an error as the officer reads it: a refused field gives its
// message alone, never the domain's field name (choice.outcome).
func errWords(err error) string {
	var fe cases.FieldErrors
	if errors.As(err, &fe) && len(fe) > 0 {
		return fe[0].Msg
	}
	var e cases.FieldError
	if errors.As(err, &e) {
		return e.Msg
	}
	return present.FirstLine(err.Error())
}
