package rules

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Evaluate applies the rule set to the facts as of today's calendar day in
// China (the decision day; also the discovery day when the facts give
// none). It returns a
// *FactsError when the facts are incomplete or impossible.
//
// The law is applied as a base rule with exceptions (docs/legal.md §4): the
// exceptions that bar a penalty are all checked and traced, and the first in
// the law's precedence names the ground; then 首违不罚, the mitigations, and
// the procedure, hearing, review and discussion the outcome requires.
func (rs *RuleSet) Evaluate(f Facts, today time.Time) (Decision, error) {
	return rs.evaluate(&f, ChinaDate(today), false)
}

// evaluation is the state of one run. Trace facts of all steps share one
// backing array, so tracing does not allocate per step.
type evaluation struct {
	rs    *RuleSet
	p     *Params
	f     *Facts
	it    *Item
	ii    int
	today Date
	d     Decision

	facts  []TraceFact
	params []TraceFact
	fMark  int
	pMark  int

	ab       *actBasis // the provisions of the act (or the item as a whole)
	age      *int      // years at the act: stated, or counted from the birth date
	birthday bool      // the act fell on the birthday of an Art. 30 age

	tier     *Tier
	spec     *FineSpec
	listed   bool
	amount   Money // the amount procedure and rights are judged on
	amountOK bool  // amount is known
	unknown  bool  // amount could not be determined: rights checked conservatively

	mitCites [7]int // engine citations of the mitigations, cited only if a penalty remains possible
	nMit     int

	// text holds the words of reasons, flags and settings, written one
	// after another: each is a substring of it, so that a reason costs
	// no allocation of its own. A strings.Builder never changes bytes
	// once written (it copies when it grows), so the substrings stay valid.
	text strings.Builder
	a    *evalArena
}

// evalArena holds an evaluation and the backing arrays of the decision's
// slices and pointers, sized for the largest rule set case: one allocation
// instead of one per slice. A slice that outgrows its array moves to the
// heap as usual. The decision keeps the arena alive while it is used.
type evalArena struct {
	e         evaluation
	f         Facts
	facts     [80]TraceFact
	params    [16]TraceFact
	kinds     [8]PenaltyTerm
	trace     [24]TraceStep // 23 steps, and room for the Book's Art. 37 step
	citations [18]Citation
	reasons   [10]string
	next      [10]NextStep
	flags     [8]Flag
	settings  [6]Flag
	grounds   [7]string
	fines     [2]FineRange
	proposed  Money
	exemption Exemption
}

// textBytes is the room made for the words of one decision: about twice
// the average (1 KB; the longest seen is 3 KB, which grows it once).
const textBytes = 2048

func (e *evaluation) citeLater(i int) {
	if e.nMit < len(e.mitCites) {
		e.mitCites[e.nMit] = i
		e.nMit++
	}
}

func (rs *RuleSet) evaluate(f *Facts, today Date, inBook bool) (Decision, error) {
	var errs errList
	checkFacts(f, 0, today, rs, 0, nil, &errs)
	if err := errs.err(); err != nil {
		return Decision{}, err
	}
	ii := rs.byCode[f.Violation]
	a := &evalArena{f: *f}
	e := &a.e
	e.rs, e.p, e.f, e.it, e.ii, e.today, e.a = rs, &rs.Params, &a.f, &rs.items[ii], ii, today, a
	f = e.f
	e.facts, e.params = a.facts[:0], a.params[:0]
	e.text.Grow(textBytes)
	d := &e.d
	d.Violation, d.ItemName, d.PartyKind = e.it.Code, e.it.Name, f.PartyKind
	d.RulesVersion, d.RulesEffectiveFrom, d.RulesHash = rs.Version, rs.EffectiveFrom, rs.hash
	d.Provisional = e.it.Provisional
	e.ab = rs.basisOf(ii, f.Act)
	if len(e.it.Acts) > 0 && f.Act != "" {
		d.Act = f.Act
	}
	d.Violated, d.PenaltyBasis = e.ab.prohibition, e.ab.penalty
	d.Orders = e.it.Orders
	d.PenaltyKinds = a.kinds[:0]
	if len(e.it.Penalties) > len(a.kinds) {
		d.PenaltyKinds = make([]PenaltyTerm, 0, len(e.it.Penalties))
	}
	for _, t := range e.it.Penalties {
		if t.Party == "" || t.Party == f.PartyKind {
			d.PenaltyKinds = append(d.PenaltyKinds, t)
		}
	}
	e.countAge()
	d.Trace, d.Citations, d.Reasons = a.trace[:0], a.citations[:0], a.reasons[:0]
	d.NextSteps, d.SupervisorFlags = a.next[:0], a.flags[:0]

	e.item(inBook)
	// The exceptions that bar a penalty, each checked and traced in the
	// law's precedence; the first that holds names the ground.
	type exception struct {
		fired  bool
		ground Ground
	}
	var bars [8]exception
	bars[0] = exception{e.stillAnOffence(), GroundRepealed}
	bars[1] = exception{e.timeLimit(), GroundTimeLimit}
	bars[2] = exception{e.underAge(), GroundAge}
	bars[3] = exception{e.noCapacity(), GroundCapacity}
	bars[4] = exception{e.noFault(), GroundNoFault}
	bars[5] = exception{e.minorNoHarm(), GroundMinorNoHarm}
	pen, penGround := e.penaltyProvided()
	bars[6] = exception{pen, penGround}
	bars[7] = exception{e.fineDeclined(), GroundFineDeclined}
	first := e.firstOffence()
	mandatory, discretionary := e.mitigations()

	d.Outcome, d.Suggestion = Punishable, SuggestPenalty
	var alsoBuf [len(bars)]string
	also := alsoBuf[:0]
	for _, b := range bars {
		if !b.fired {
			continue
		}
		if d.Ground == "" {
			d.Outcome, d.Ground, d.Suggestion = NotPunishable, b.ground, SuggestNoPenalty
		} else {
			also = append(also, string(b.ground))
		}
	}
	switch {
	case d.Ground != "":
		if first {
			also = append(also, string(GroundFirstOffence))
		}
	case first:
		d.Outcome, d.Ground = Exemptible, GroundFirstOffence
		d.Suggestion = SuggestSupervisor
		if e.listed {
			d.Suggestion = SuggestNoPenalty
		}
	case mandatory || discretionary:
		d.Outcome, d.Suggestion = Mitigated, SuggestMitigated
	}
	if d.Ground != GroundFirstOffence {
		d.Exemption = nil
	}
	if d.Outcome == NotPunishable {
		// No penalty: the mitigations were traced but decide nothing.
		d.Mitigation, d.MitigationGrounds = "", nil
		mandatory, discretionary = false, false
	} else {
		for _, c := range e.mitCites[:e.nMit] {
			e.cite(c)
		}
	}
	e.outcomeStep(also)
	e.outcomeReason(mandatory)
	e.ageReason()

	e.fine(mandatory || discretionary)
	e.proposedFine(mandatory)
	e.singleFine()
	e.procedure()
	e.hearing()
	e.legalReview()
	e.collective()
	e.education()
	e.closing()
	return e.d, nil
}

// --- trace helpers -------------------------------------------------------

func (e *evaluation) fact(t ...TraceFact)  { e.facts = append(e.facts, t...) }
func (e *evaluation) param(t ...TraceFact) { e.params = append(e.params, t...) }

func (e *evaluation) begin() { e.fMark, e.pMark = len(e.facts), len(e.params) }

// end closes the step begun last, citing engine provision cite (or -1).
func (e *evaluation) end(rule, name, title string, cite int, fired bool, result string) {
	var label string
	if cite >= 0 {
		label = e.rs.cites[cite].Label
	}
	e.endLabel(rule, name, title, label, fired, result)
}

func (e *evaluation) endLabel(rule, name, title, label string, fired bool, result string) {
	st := TraceStep{Rule: rule, Name: name, Title: title, Article: label, Fired: fired, Result: result}
	st.Facts = e.facts[e.fMark:len(e.facts):len(e.facts)]
	if len(e.params) > e.pMark {
		st.Params = e.params[e.pMark:len(e.params):len(e.params)]
	}
	e.d.Trace = append(e.d.Trace, st)
}

func (e *evaluation) cite(i int) { e.addCitation(e.rs.cites[i]) }

func (e *evaluation) addCitation(c Citation) {
	if !containsCitation(e.d.Citations, c) {
		e.d.Citations = append(e.d.Citations, c)
	}
}

func (e *evaluation) citeItem() {
	for _, c := range e.ab.prohibition {
		e.addCitation(c)
	}
	for _, c := range e.ab.penalty {
		e.addCitation(c)
	}
	for _, p := range e.it.Concurrent {
		e.addCitation(e.rs.cite(p))
	}
}

// setting records an agency setting the decision relied on, with its mark,
// and returns the mark for the reason ("" for a figure of the statute).
func (e *evaluation) setting(code, note string, what ...string) string {
	if note == "" {
		return ""
	}
	for _, f := range e.d.Settings {
		if f.Code == code {
			return note
		}
	}
	if e.d.Settings == nil {
		e.d.Settings = e.a.settings[:0]
	}
	e.d.Settings = append(e.d.Settings, Flag{Code: code, Text: e.settingText(note, what)})
	return note
}

// flag raises a supervisor flag once, its text the parts joined.
func (e *evaluation) flag(code string, text ...string) {
	for _, f := range e.d.SupervisorFlags {
		if f.Code == code {
			return
		}
	}
	e.d.SupervisorFlags = append(e.d.SupervisorFlags, Flag{code, e.words(text...)})
}

// words joins the parts in the evaluation's text buffer.
func (e *evaluation) words(parts ...string) string {
	if len(parts) == 1 {
		return parts[0]
	}
	start := e.text.Len()
	for _, p := range parts {
		e.text.WriteString(p)
	}
	return e.text.String()[start:]
}

func (e *evaluation) settingText(note string, what []string) string {
	start := e.text.Len()
	e.write(what...)
	e.write("：", note)
	return e.since(start)
}

// join is strings.Join, written in the text buffer.
func (e *evaluation) join(parts []string, sep string) string {
	start := e.text.Len()
	for i, p := range parts {
		if i > 0 {
			e.text.WriteString(sep)
		}
		e.text.WriteString(p)
	}
	return e.since(start)
}

// write adds the parts to the text buffer; since returns what was written
// from a start.
func (e *evaluation) write(parts ...string) {
	for _, p := range parts {
		e.text.WriteString(p)
	}
}

func (e *evaluation) since(start int) string { return e.text.String()[start:] }

// yuan is m in yuan, written in the text buffer.
func (e *evaluation) yuan(m Money) string {
	var num [24]byte
	start := e.text.Len()
	e.text.Write(m.appendYuan(num[:0]))
	return e.text.String()[start:]
}

// period is p as ISO 8601 text, written in the text buffer.
func (e *evaluation) period(p Period) string {
	var num [32]byte
	start := e.text.Len()
	e.text.Write(p.appendISO(num[:0]))
	return e.text.String()[start:]
}

func (e *evaluation) next(action, text string, days int, working bool) {
	e.d.NextSteps = append(e.d.NextSteps, NextStep{Action: action, Text: text, Days: days, WorkingDays: working})
}

// reason adds a reason, the parts joined.
// ground adds a mitigation ground.
func (e *evaluation) ground(g string) {
	if e.d.MitigationGrounds == nil {
		e.d.MitigationGrounds = e.a.grounds[:0]
	}
	e.d.MitigationGrounds = append(e.d.MitigationGrounds, g)
}

func (e *evaluation) reason(parts ...string) {
	e.d.Reasons = append(e.d.Reasons, e.words(parts...))
}

func (e *evaluation) penalised() bool {
	return e.d.Outcome == Punishable || e.d.Outcome == Mitigated || e.d.Outcome == Exemptible
}

func (e *evaluation) pfPeriod(name string, p Period) TraceFact { return fText(name, e.period(p)) }

// penaltyLabel is the penalty clause of the act, the one read aloud.
func (e *evaluation) penaltyLabel() string { return e.ab.penaltyLabel }

func (e *evaluation) prohibitionLabel() string { return e.ab.prohibitionLabel }

// countAge settles the age at the act: as stated, or counted from the birth
// date. On the birthday itself the rule set's age_counting decides; its
// default follows 法释〔2006〕1号 Art. 2 (周岁 from the day after the
// birthday), since administrative law has no rule of its own.
func (e *evaluation) countAge() {
	f := e.f
	if f.Age != nil || f.BirthDate.IsZero() || f.PartyKind != Person {
		e.age = f.Age
		return
	}
	by, bm, bd := f.BirthDate.YMD()
	ay, am, ad := f.OccurredAt.YMD()
	age := ay - by
	if am < bm || am == bm && ad < bd {
		age--
	}
	// Born on 29 February: the birthday of a common year is 1 March.
	if bm == 2 && bd == 29 && daysIn(ay, 2) == 28 {
		bm, bd = 3, 1
	}
	onBirthday := ay > by && am == bm && ad == bd
	full := ay - by // the age the birthday completes
	if onBirthday && e.p.AgeCounting.Value == AgeDayAfterBirthday {
		age = full - 1
	}
	e.birthday = onBirthday && (full == e.p.AgeOfResponsibility.Value || full == e.p.AgeOfMajority.Value)
	e.age = &age
}

// ageReason says how the age was counted when the act fell on a birthday
// that decides Art. 30.
func (e *evaluation) ageReason() {
	if !e.birthday {
		return
	}
	note := e.setting("age_counting", e.p.AgeCounting.SettingNote(), "生日当天的周岁计算")
	if note != "" {
		note = "（生日当天的计算为" + note + "）"
	}
	if e.p.AgeCounting.Value == AgeDayAfterBirthday {
		ref := "参照《最高人民法院关于审理未成年人刑事案件具体应用法律若干问题的解释》第二条"
		if c := e.rs.Cite(Provision{Law: "spc_juvenile", Article: 2}); c.Text != "" {
			ref = "参照" + c.Label + "：“" + strings.NewReplacer("“", "‘", "”", "’").Replace(c.Text) + "”"
			e.addCitation(c)
		}
		e.reason("违法行为发生在当事人生日当天；行政处罚法对生日当天是否满周岁未作规定，周岁自生日的第二天起算（", ref, "），当事人当日为", cnNumber(*e.age), "周岁", note, "。")
		return
	}
	e.reason("违法行为发生在当事人生日当天，按生日当天即满周岁计算，当事人当日为", cnNumber(*e.age), "周岁", note, "。")
}

// --- the item ------------------------------------------------------------

func (e *evaluation) item(inBook bool) {
	f, it := e.f, e.it
	sel := SelectDefault
	auto := 0
	for i := range it.Tiers {
		if it.Tiers[i].Select != SelectManual {
			auto++
		}
	}
	switch {
	case f.Harm == HarmSerious && it.tier(SelectSerious).Select == SelectSerious:
		sel = SelectSerious
	case f.Minor && it.tier(SelectMinor).Select == SelectMinor:
		sel = SelectMinor
	}
	e.tier = it.tier(sel)
	e.spec = e.tier.For(f.PartyKind)
	e.citeItem()
	e.d.Tier = e.tier.Label
	e.begin()
	e.fact(fText("violation", it.Code), fText("item", it.Name), fText("party_kind", string(f.PartyKind)),
		fText("harm", string(f.Harm)), fBool("minor", f.Minor), fText("tier", e.tier.Label), fText("tier_select", string(sel)))
	e.endLabel("ITEM", "catalog_item", "违法事项与罚则档次", e.penaltyLabel(), true, "已确定违法事项、罚则依据和罚则档次")
	if auto > 1 {
		e.flag("tier_inferred", "罚则分档次，本案档次「", e.tier.Label, "」系依危害后果和情节是否轻微推定，须结合裁量基准确认")
	}
	if !inBook && f.actDate().Before(e.rs.EffectiveFrom) {
		e.flag("act_predates_rule_set", "违法行为发生在本规则集生效日（", e.rs.EffectiveFrom.String(), "）之前，须核对行为时有效的规定（第三十七条）")
	}
	if len(it.Acts) > 0 && f.Act == "" {
		names := make([]string, len(it.Acts))
		for i, a := range it.Acts {
			names[i] = a.ID + " " + a.Name
		}
		e.flag("act_unspecified", "本事项包含多种行为（", e.join(names, "；"), "），未选定具体行为，引用的是各行为条款的合集；请选定行为，只引用该行为的条款")
	}
	if it.Provisional {
		e.flag("provisional_provision", e.rs.itemTx[e.ii].provisional)
	}
	if it.Authority != "" {
		e.flag("outside_jurisdiction", e.rs.itemTx[e.ii].authority)
	}
}

// stillAnOffence: Art. 37 — the act is no longer treated as a violation.
func (e *evaluation) stillAnOffence() bool {
	e.begin()
	e.fact(fBool("repealed", e.it.Repealed))
	res := "现行规则集仍将该行为规定为违法"
	if e.it.Repealed {
		res = "现行规则集已不认为该行为违法，适用新的规定"
		e.cite(citeArt37)
	}
	e.end("ART37", "still_an_offence", "新规定不认为违法", citeArt37, e.it.Repealed, res)
	return e.it.Repealed
}

// timeLimit: 追责时效, Art. 36. Two years from the act, or from the end of a
// continuing act; five where life, health or financial safety was involved
// and harm followed. The last day of the period still counts as in time.
func (e *evaluation) timeLimit() bool {
	f, p := e.f, e.p
	start := f.actDate()
	extended := f.EndangersSafety && f.Harm != HarmNone
	period := p.Limitation
	name := "parameters.limitation"
	if extended {
		period, name = p.LimitationExtended, "parameters.limitation_extended"
	}
	last := start.AddPeriod(period.Value)
	disc := f.DiscoveredAt
	if disc.IsZero() {
		disc = e.today
	}
	fired := disc.After(last)
	e.begin()
	e.fact(fDate("occurred_at", f.OccurredAt), fDate("ended_at", f.EndedAt), fDate("discovered_at", disc),
		fBool("endangers_safety", f.EndangersSafety), fText("harm", string(f.Harm)),
		fDate("counted_from", start), fDate("last_day", last))
	e.param(e.pfPeriod(name, period.Value))
	res := "在追责时效内发现"
	if fired {
		res = "发现时已超过追责时效，不再给予行政处罚"
		e.cite(citeArt36p1)
		if !f.EndedAt.IsZero() {
			e.cite(citeArt36p2)
		}
	}
	e.end("R1", "time_limit", "追责时效", citeArt36p1, fired, res)
	return fired
}

// underAge: 不满十四周岁, Art. 30.
func (e *evaluation) underAge() bool {
	f := e.f
	limit := e.p.AgeOfResponsibility.Value
	fired := f.PartyKind == Person && e.age != nil && *e.age < limit
	e.begin()
	e.ageFacts()
	e.param(fInt("parameters.age_of_responsibility", limit))
	res := "已满责任年龄或者不适用"
	if fired {
		res = "不满十四周岁，不予行政处罚，责令监护人加以管教"
		e.cite(citeArt30)
	}
	e.end("R4", "age", "未成年人（不予处罚）", citeArt30, fired, res)
	return fired
}

func (e *evaluation) ageFacts() {
	f := e.f
	switch {
	case e.age == nil:
		e.fact(fText("age", "未填写（按成年人）"))
	case f.Age == nil:
		e.fact(fInt("age", *e.age), fDate("birth_date", f.BirthDate), fBool("on_birthday", e.birthday))
		e.param(fText("parameters.age_counting", e.p.AgeCounting.Value))
	default:
		e.fact(fInt("age", *e.age))
	}
}

// noCapacity: 不能辨认或者不能控制自己行为, Art. 31.
func (e *evaluation) noCapacity() bool {
	fired := e.f.capacity() == CapacityNone
	e.begin()
	e.fact(fText("capacity", string(e.f.capacity())))
	res := "当事人有辨认和控制能力"
	if fired {
		res = "不能辨认或者不能控制自己行为，不予行政处罚"
		e.cite(citeArt31)
	}
	e.end("R5", "capacity", "精神病人、智力残疾人（不予处罚）", citeArt31, fired, res)
	return fired
}

// noFault: 无错不罚, Art. 33 ¶2. Only a 法律 or 行政法规 can say otherwise,
// which the engine cannot know: the supervisor checks.
func (e *evaluation) noFault() bool {
	fired := e.f.NoFaultProven
	e.begin()
	e.fact(fBool("no_fault_proven", fired))
	res := "未证明没有主观过错"
	if fired {
		res = "当事人有证据足以证明没有主观过错，不予行政处罚"
		e.cite(citeArt33p2)
		e.flag("no_fault_check", "无错不罚：须核实证据确实充分，并确认没有法律、行政法规另有规定（第三十三条第二款）")
	}
	e.end("R6", "no_fault", "无错不罚", citeArt33p2, fired, res)
	return fired
}

// minorNoHarm: 轻微不罚, Art. 33 ¶1 s1 — mandatory.
func (e *evaluation) minorNoHarm() bool {
	f := e.f
	fired := f.Minor && f.Corrected && f.Harm == HarmNone
	e.begin()
	e.fact(fBool("minor", f.Minor), fBool("corrected", f.Corrected), fText("harm", string(f.Harm)))
	res := "不同时具备违法行为轻微、及时改正、没有造成危害后果"
	if fired {
		res = "违法行为轻微并及时改正，没有造成危害后果，应当不予行政处罚"
		e.cite(citeArt33p1)
	}
	e.end("R7", "minor_no_harm", "轻微不罚", citeArt33p1, fired, res)
	return fired
}

// penaltyProvided: whether the provision sets a penalty for this case at all:
// some set none (流动摊贩), some none for this kind of party, some only after
// the party refused to correct.
func (e *evaluation) penaltyProvided() (bool, Ground) {
	f, it := e.f, e.it
	// None either when the tier sets nothing for this party, or when every
	// penalty the clause names is for the other kind of party (道路交通安全法
	// Art. 89 punishes 行人、乘车人、非机动车驾驶人, never an organisation).
	none := e.spec == nil && !e.tier.Warning || len(e.it.Penalties) > 0 && len(e.d.PenaltyKinds) == 0
	refusal := it.FineCondition == FineAfterRefusal
	corrected := refusal && f.Corrected
	e.begin()
	e.fact(fText("tier", e.tier.Label), fText("party_kind", string(f.PartyKind)), fBool("fine_set", e.spec != nil),
		fBool("warning_set", e.tier.Warning), fBool("fine_after_refusal", refusal), fBool("corrected", f.Corrected))
	res := "罚则对本案设定了行政处罚"
	switch {
	case none:
		res = "罚则对本案情形未设定罚款或者警告，只能责令改正"
	case corrected:
		res = "罚则以拒不改正为处罚前提，当事人已改正"
	}
	fired := none || corrected
	e.endLabel("PEN", "penalty_provided", "罚则是否设定处罚", e.penaltyLabel(), fired, res)
	if none {
		return true, GroundNoPenaltyProvided
	}
	return corrected, GroundCorrected
}

// fineDeclined: the provision says the fine "可以" be imposed, gives no
// warning and no other penalty that binds, and the officer proposes no fine:
// then nothing is left to impose — 责令改正 is an order, not a penalty
// (Art. 28, Art. 9).
func (e *evaluation) fineDeclined() bool {
	f, t := e.f, e.tier
	other := false
	for _, k := range e.d.PenaltyKinds {
		if k.Kind != PenaltyFine && k.Kind != PenaltyWarning && k.Mandatory && k.applies(f.PartyKind) {
			other = true
		}
	}
	fired := f.ProposedFine != nil && *f.ProposedFine == 0 && e.spec != nil && t.FineOptional && !t.Warning && !other
	e.begin()
	e.fact(fBool("fine_optional", t.FineOptional), fBool("warning_set", t.Warning), fBool("other_penalty_due", other))
	if f.ProposedFine != nil {
		e.fact(fMoney("proposed_fine", *f.ProposedFine))
	}
	res := "罚则设定了应当给予的处罚，或者拟给予罚款"
	if fired {
		res = "罚则规定可以处罚款，本案拟不罚款，又无其他应当给予的处罚：只责令改正，不给予行政处罚"
	}
	e.endLabel("PEN0", "fine_declined", "可以罚款而不罚款", e.penaltyLabel(), fired, res)
	return fired
}

// firstOffence: 首违不罚, Art. 33 ¶1 s2 — discretionary ("可以"). "No harm"
// counts as slight harm. 初次违法 is the officer's finding when given,
// otherwise derived from the prior cases within the look-back window.
func (e *evaluation) firstOffence() bool {
	f, p := e.f, e.p
	from := f.OccurredAt.SubPeriod(p.FirstOffenceLookback.Value)
	sameItem := p.FirstOffenceScope.Value == "same_item"
	matches := 0
	for _, pr := range f.Prior {
		if sameItem && pr.Violation != f.Violation {
			continue
		}
		if pr.OccurredAt.Before(from) || pr.OccurredAt.After(f.OccurredAt) {
			continue
		}
		matches++
	}
	first, source := matches == 0, "prior"
	if f.FirstOffence != nil {
		first, source = *f.FirstOffence, "officer"
		if first && matches > 0 {
			e.flag("first_offence_conflict", "办案人员认定为初次违法，但所附记录显示回溯期内有同类违法，须核实")
		}
	}
	slight := f.Harm == HarmNone || f.Harm == HarmMinor
	if f.FirstOffence == nil && slight && f.Corrected {
		// The finding decides 首违不罚 here, and it rests on the history the
		// device holds.
		e.flag("first_offence_from_history", "“初次违法”系依所附既往记录推定；设备离线时记录可能不完整，须核实")
	}
	fired := first && slight && f.Corrected
	e.begin()
	e.fact(fBool("first_offence", first), fText("first_offence_source", source), fInt("prior_cases", len(f.Prior)),
		fInt("prior_in_window", matches), fDate("window_from", from), fDate("window_to", f.OccurredAt),
		fText("harm", string(f.Harm)), fBool("corrected", f.Corrected))
	e.param(e.pfPeriod("parameters.first_offence_lookback", p.FirstOffenceLookback.Value),
		fText("parameters.first_offence_scope", p.FirstOffenceScope.Value))
	res := "不同时具备初次违法、危害后果轻微、及时改正"
	if fired {
		listed, source := e.rs.listed(e.it, f.PartyKind, e.today)
		e.listed = listed
		e.a.exemption = Exemption{Listed: listed, Source: source}
		e.d.Exemption = &e.a.exemption
		e.fact(fBool("exemption_listed", listed), fBool("candidates_count_as_listed", e.rs.ExemptionList.CandidatesCountAsListed))
		e.cite(citeArt33p1)
		if listed {
			res = "初次违法、危害后果轻微并及时改正，且列入免罚清单：建议不予行政处罚"
		} else {
			res = "初次违法、危害后果轻微并及时改正，可以不予行政处罚；未列入免罚清单，由负责人决定"
		}
	}
	e.end("R8", "first_offence", "首违不罚", citeArt33p1, fired, res)
	return fired
}

// listed reports whether the item is on the 免罚清单 for 首违 on the day.
func (rs *RuleSet) listed(it *Item, kind PartyKind, on Date) (bool, string) {
	for _, en := range rs.ExemptionList.Entries {
		if en.Code == it.Code && en.Kind == ExemptFirstOffence && !on.Before(en.EffectiveFrom) &&
			(en.EffectiveTo.IsZero() || !on.After(en.EffectiveTo)) {
			return true, en.Source
		}
	}
	if ex := it.Exemption; rs.ExemptionList.CandidatesCountAsListed && ex != nil && ex.Likelihood == LikelyYes &&
		(ex.Party == "" || ex.Party == kind) {
		return true, "目录推定（免罚候选）"
	}
	return false, ""
}

// mitigations: Art. 30 (14–17, 应当), Art. 32 (应当), Art. 31 (limited
// capacity, 可以).
func (e *evaluation) mitigations() (mandatory, discretionary bool) {
	f, p := e.f, e.p
	minorAge := f.PartyKind == Person && e.age != nil && *e.age >= p.AgeOfResponsibility.Value && *e.age < p.AgeOfMajority.Value
	e.begin()
	e.ageFacts()
	e.param(fInt("parameters.age_of_responsibility", p.AgeOfResponsibility.Value), fInt("parameters.age_of_majority", p.AgeOfMajority.Value))
	res := "不属于已满十四周岁不满十八周岁的未成年人"
	if minorAge {
		res = "已满十四周岁不满十八周岁，应当从轻或者减轻行政处罚"
		e.citeLater(citeArt30)
		e.ground("minor_age")
	}
	e.end("R10", "juvenile", "未成年人（应当从轻或者减轻）", citeArt30, minorAge, res)

	e.begin()
	for _, m := range f.Mitigating {
		e.fact(fText("mitigating", string(m)))
	}
	if len(f.Mitigating) == 0 {
		e.fact(fText("mitigating", "无"))
	}
	art32 := len(f.Mitigating) > 0
	res = "没有第三十二条规定的情形"
	if art32 {
		res = "有第三十二条规定的情形，应当从轻或者减轻行政处罚"
		for _, m := range f.Mitigating {
			e.citeLater(citeArt32i1 + m.item() - 1)
			e.ground(string(m))
		}
	}
	e.end("R11", "statutory_mitigation", "法定从轻、减轻情形", citeArt32i1, art32, res)

	limited := f.capacity() == CapacityLimited
	e.begin()
	e.fact(fText("capacity", string(f.capacity())))
	res = "不属于尚未完全丧失辨认或者控制能力的情形"
	if limited {
		res = "尚未完全丧失辨认或者控制自己行为能力，可以从轻或者减轻行政处罚"
		e.citeLater(citeArt31)
		e.ground("limited_capacity")
	}
	e.end("R12", "limited_capacity", "限制辨认控制能力（可以从轻或者减轻）", citeArt31, limited, res)

	mandatory = minorAge || art32
	discretionary = limited && !mandatory
	switch {
	case mandatory:
		e.d.Mitigation = "mandatory"
	case discretionary:
		e.d.Mitigation = "discretionary"
	}
	return mandatory, discretionary
}

func (e *evaluation) outcomeStep(also []string) {
	e.begin()
	e.fact(fText("outcome", string(e.d.Outcome)), fText("ground", string(e.d.Ground)), fText("suggestion", string(e.d.Suggestion)))
	if len(also) > 0 {
		e.fact(fText("also_applicable", e.join(also, ",")))
	}
	res := e.d.Outcome.chinese()
	if len(also) > 0 {
		res = "不予行政处罚（另有其他不予处罚事由同时成立，以在先者为据）"
	}
	e.endLabel("OUTCOME", "outcome", "处理结论", "", true, res)
}

// outcomeReason writes the first reason: the outcome in words the officer
// can read to the party.
func (e *evaluation) outcomeReason(mandatory bool) {
	f, d := e.f, &e.d
	law := "《中华人民共和国行政处罚法》"
	switch d.Ground {
	case GroundRepealed:
		e.reason("依照现行规定，该行为已不再认为是违法，依照", law, "第三十七条适用新的规定，不予行政处罚。")
	case GroundTimeLimit:
		p := e.p.Limitation.Value
		if f.EndangersSafety && f.Harm != HarmNone {
			p = e.p.LimitationExtended.Value
		}
		disc := f.DiscoveredAt
		if disc.IsZero() {
			disc = e.today
		}
		from := "违法行为发生之日"
		if !f.EndedAt.IsZero() {
			from = "违法行为终了之日"
		}
		e.reason(fmt.Sprintf("违法行为自%s（%s）起计算，至%s被发现，已超过%s，依照%s第三十六条，不再给予行政处罚。",
			f.actDate().chinese(), from, disc.chinese(), p.chinese(), law))
	case GroundAge:
		e.reason(fmt.Sprintf("当事人实施违法行为时不满%s周岁，依照%s第三十条，不予行政处罚，责令监护人加以管教。",
			cnNumber(e.p.AgeOfResponsibility.Value), law))
	case GroundCapacity:
		e.reason("当事人在不能辨认或者不能控制自己行为时实施违法行为，依照", law, "第三十一条，不予行政处罚，应当责令其监护人严加看管和治疗。")
	case GroundNoFault:
		e.reason("当事人有证据足以证明没有主观过错，依照", law, "第三十三条第二款，不予行政处罚。")
	case GroundMinorNoHarm:
		e.reason("当事人的违法行为轻微并及时改正，没有造成危害后果，依照", law, "第三十三条第一款，不予行政处罚。")
	case GroundNoPenaltyProvided:
		e.reason("依照", e.penaltyLabel(), "，", e.it.Name, "在本案情形下（", f.PartyKind.chinese(), "，", e.tier.Label, "）未设定罚款或者警告，依法责令改正，不予行政处罚。")
	case GroundCorrected:
		e.reason("依照", e.penaltyLabel(), "，罚款以责令改正后拒不改正为前提；当事人已经改正，不予罚款。")
	case GroundFineDeclined:
		e.reason("依照", e.penaltyLabel(), "，对", e.it.Name, "“可以”处以罚款；本案拟不处罚款，责令改正不是行政处罚，因此不给予行政处罚，依法责令改正，由行政机关负责人决定。")
		e.flag("fine_declined", "罚则规定可以罚款，拟不罚款：不给予行政处罚，须由负责人决定并说明理由")
	case GroundFirstOffence:
		if e.listed {
			e.reason("当事人系初次违法，危害后果轻微并及时改正，且本事项列入免罚清单（", d.Exemption.Source, "），依照", law, "第三十三条第一款，建议不予行政处罚。")
		} else {
			e.reason("当事人系初次违法，危害后果轻微并及时改正，依照", law, "第三十三条第一款，可以不予行政处罚；本事项未列入免罚清单，是否不予处罚由行政机关负责人决定。")
		}
	default:
		e.reason("当事人的行为构成", e.it.Name, "，违反", e.prohibitionLabel(), "的规定，依照", e.penaltyLabel(), "应当给予行政处罚。")
	}
	if d.Ground == GroundFirstOffence && f.FirstOffence == nil {
		if note := e.setting("first_offence_lookback", e.p.FirstOffenceLookback.SettingNote(), "“初次违法”回溯期", e.p.FirstOffenceLookback.Value.chinese()); note != "" {
			e.reason("“初次违法”按回溯期", e.p.FirstOffenceLookback.Value.chinese(), "内没有同类违法记录认定（", note, "）。")
		}
	}
	if len(d.MitigationGrounds) > 0 && (d.Outcome == Mitigated || d.Outcome == Exemptible) {
		start := e.text.Len()
		prefix := "当事人"
		if d.Outcome == Exemptible {
			prefix = "如给予处罚，当事人"
		}
		e.text.WriteString(prefix)
		sep := ""
		if f.PartyKind == Person && e.age != nil && *e.age >= e.p.AgeOfResponsibility.Value && *e.age < e.p.AgeOfMajority.Value {
			e.write("实施违法行为时已满", cnNumber(e.p.AgeOfResponsibility.Value), "周岁不满", cnNumber(e.p.AgeOfMajority.Value), "周岁（第三十条）")
			sep = "；"
		}
		for _, m := range f.Mitigating {
			e.write(sep, m.chinese(), "（第三十二条第（", cnNumber(m.item()), "）项）")
			sep = "；"
		}
		if f.capacity() == CapacityLimited {
			e.write(sep, "尚未完全丧失辨认或者控制自己行为的能力（第三十一条）")
		}
		verb := "应当"
		if !mandatory {
			verb = "可以"
		}
		e.write("，依照", law, verb, "从轻或者减轻行政处罚。")
		e.reason(e.since(start))
	}
}

// --- the fine ------------------------------------------------------------

// fine sets the statutory and the suggested fine. 从轻 keeps the fine inside
// the statutory range, in its lower part: from the minimum up to
// lenient_share of the range (a parameter; default the midline, the common
// 裁量基准 reading). 减轻 goes below the minimum; it is allowed only on the
// grounds of Arts. 30, 31 and 32, so it is never suggested outright, only
// flagged as available and sent to legal review when proposed (R21).
func (e *evaluation) fine(mitigate bool) {
	d, s, p := &e.d, e.spec, e.p
	d.WarningAvailable = e.tier.Warning && !(len(e.it.Penalties) > 0 && len(d.PenaltyKinds) == 0)
	d.WarningMandatory = e.tier.WarningMandatory
	d.FineOptional = e.tier.FineOptional && s != nil
	e.begin()
	e.fact(fText("tier", e.tier.Label), fText("party_kind", string(e.f.PartyKind)))
	res := ""
	switch {
	case s == nil:
		d.Fine = &FineRange{}
		e.fact(fText("fine_kind", "none"))
		res = "罚则对本案情形未设罚款"
	case s.amount():
		stat, sug := &e.a.fines[0], &e.a.fines[1]
		*stat = FineRange{s.Min, s.Max}
		d.StatutoryFine = stat
		*sug = *stat
		if mitigate && s.Max > s.Min {
			up := s.Min + p.LenientShare.Value.scale(s.Max-s.Min)
			up -= up % Yuan
			sug.Max = max(up, s.Min)
			e.param(fText("parameters.lenient_share", e.rs.share))
		}
		if s.Kind == FineDaily {
			d.FineUnit = "per_day"
		}
		if mitigate {
			d.ReductionAllowed = true
		}
		d.Fine = sug
		e.fact(fText("fine_kind", string(s.Kind)), fMoney("statutory_min", s.Min), fMoney("statutory_max", s.Max),
			fMoney("suggested_min", sug.Min), fMoney("suggested_max", sug.Max))
		res = "法定罚款幅度已确定"
		if mitigate {
			res = "从轻：建议在法定幅度的较低部分内确定罚款；减轻（低于法定最低额）须经法制审核"
		}
	case s.Kind == FineMultiple:
		lo, hi := s.FactorMin, s.FactorMax
		d.FineFormula = s.Basis + "的" + lo.String() + "至" + hi.String()
		if mitigate && hi > lo {
			up := lo + Ratio(int64(p.LenientShare.Value)*int64(hi-lo)/int64(RatioOne))
			d.FineFormula += "（从轻：" + lo.String() + "至" + up.String() + "）"
			d.ReductionAllowed = true
		}
		e.fact(fText("fine_kind", string(s.Kind)), fText("formula", d.FineFormula))
		res = "罚款按计算基数的倍数或者比例确定，无法直接给出元数额"
	default:
		d.FineFormula = s.Note
		e.fact(fText("fine_kind", string(s.Kind)), fText("note", s.Note))
		res = "罚款数额未定（暂定事项）"
	}
	if d.Outcome == NotPunishable {
		d.Fine = &FineRange{}
		d.ReductionAllowed, d.FineUnit, d.FineFormula = false, "", ""
		res = "不予行政处罚，不处罚款"
	}
	if e.tier.Warning {
		e.fact(fBool("warning_available", true))
	}
	e.endLabel("FINE", "fine_range", "罚款幅度", e.penaltyLabel(), e.penalised() && s != nil, res)
	if !e.penalised() {
		return
	}
	prefix := ""
	if d.Outcome == Exemptible {
		prefix = "如决定给予处罚，"
	}
	warn := ""
	if e.tier.Warning {
		warn = "警告或者"
	}
	who := e.f.PartyKind.chinese()
	also := e.otherPenalties()
	switch {
	case s == nil && e.tier.WarningMandatory:
		e.reason(prefix, "依照", e.penaltyLabel(), "，应当给予警告", also, "。")
	case s == nil:
		e.reason(prefix, "依照", e.penaltyLabel(), "，可以给予警告", also, "。")
	case s.amount():
		// The setting is noted before the reason is written: both use the
		// text buffer.
		lenientNote := ""
		if d.Fine.Max < s.Max {
			lenientNote = e.setting("lenient_share", e.p.LenientShare.SettingNote(), "从轻处罚的建议幅度（法定幅度的较低", e.rs.share, "）")
		}
		b := &e.text
		start := b.Len()
		b.WriteString(prefix)
		b.WriteString("依照")
		b.WriteString(e.penaltyLabel())
		b.WriteString("，")
		if e.it.FineCondition == FineAfterRefusal {
			b.WriteString("拒不改正的，")
		}
		b.WriteString("对")
		b.WriteString(who)
		switch {
		case e.tier.WarningMandatory:
			b.WriteString("给予警告，可以并处")
		case d.FineOptional:
			b.WriteString("可以处")
			b.WriteString(warn)
		default:
			b.WriteString("处")
			b.WriteString(warn)
		}
		var num [24]byte
		switch {
		case s.Kind == FineFixed:
			b.WriteString("罚款")
			b.Write(s.Min.appendYuan(num[:0]))
			b.WriteString("元（固定数额）")
		case s.Kind == FineDaily:
			b.WriteString("每日罚款")
			b.Write(s.Min.appendYuan(num[:0]))
			b.WriteString("元（按日计罚）")
		case s.Min == 0:
			b.WriteString("罚款")
			b.Write(s.Max.appendYuan(num[:0]))
			b.WriteString("元以下")
		default:
			b.WriteString("罚款")
			b.Write(s.Min.appendYuan(num[:0]))
			b.WriteString("元至")
			b.Write(s.Max.appendYuan(num[:0]))
			b.WriteString("元")
		}
		if d.Fine.Max < s.Max {
			b.WriteString("；依法从轻，建议罚款")
			b.Write(d.Fine.Min.appendYuan(num[:0]))
			b.WriteString("元至")
			b.Write(d.Fine.Max.appendYuan(num[:0]))
			b.WriteString("元")
		}
		b.WriteString(also)
		if lenientNote != "" {
			b.WriteString("（建议幅度为")
			b.WriteString(lenientNote)
			b.WriteString("）")
		}
		if d.ReductionAllowed && s.Min > 0 {
			b.WriteString("；减轻处罚（低于")
			b.Write(s.Min.appendYuan(num[:0]))
			b.WriteString("元）须经法制审核")
		}
		b.WriteString("。")
		e.reason(e.since(start))
	case s.Kind == FineMultiple:
		e.reason(prefix, "依照", e.penaltyLabel(), "，罚款为", d.FineFormula, also, "。")
	default:
		e.reason(prefix, "依照", e.penaltyLabel(), "，", verbOptional(d.FineOptional), "处以罚款，但罚款数额的规定尚未核实（", s.Note, "），须由法制机构确认。")
	}
}

// otherPenalties is the penalties beside the warning and the fine, in the
// clause's words: "，并应当没收烧烤工具；有违法所得的，应当没收违法所得".
// Terms under the same condition are said once.
func (e *evaluation) otherPenalties() string {
	b := &e.text
	start := b.Len()
	for i, t := range e.d.PenaltyKinds {
		if t.Kind == PenaltyFine || t.Kind == PenaltyWarning {
			continue
		}
		prev := -1
		for j := i - 1; j >= 0; j-- {
			if k := e.d.PenaltyKinds[j].Kind; k != PenaltyFine && k != PenaltyWarning {
				prev = j
				break
			}
		}
		if prev >= 0 && e.d.PenaltyKinds[prev].Condition == t.Condition && e.d.PenaltyKinds[prev].Mandatory == t.Mandatory {
			b.WriteString("、")
			e.write(t.thing())
			continue
		}
		if t.Condition == "" {
			b.WriteString("，并")
			b.WriteString(verbOptional(!t.Mandatory))
		} else {
			b.WriteString("；")
			b.WriteString(t.Condition)
			b.WriteString("，")
			b.WriteString(verbOptional(!t.Mandatory))
		}
		e.write(t.thing())
	}
	return e.since(start)
}

func verbOptional(optional bool) string {
	if optional {
		return "可以"
	}
	return "应当"
}

func ratioText(r Ratio) string {
	b, _ := r.MarshalJSON()
	return string(b)
}

// proposedFine checks a proposed fine against the range (R21): outside it
// the fine is refused, unless it goes below the minimum under Arts. 30–32
// (减轻), which then needs legal review.
func (e *evaluation) proposedFine(mandatory bool) {
	d, f, s := &e.d, e.f, e.spec
	if f.ProposedFine == nil {
		return
	}
	pf := *f.ProposedFine
	e.a.proposed = pf
	d.ProposedFine = &e.a.proposed
	e.begin()
	e.fact(fMoney("proposed_fine", pf))
	status := ProposedWithin
	switch {
	case !e.penalised():
		status = ProposedIrrelevant
	case s == nil:
		if pf > 0 {
			status = ProposedOutOfRange
		}
	case s.Kind == FineMultiple || s.Kind == FineUnset || s.Kind == FineDaily:
		status = ProposedUnchecked
	case pf == 0 && (e.tier.Warning || e.tier.FineOptional):
		status = ProposedWithin
	case pf == 0:
		status = ProposedOutOfRange // 应当处罚款: no fine is no penalty the clause allows
	case pf < s.Min:
		if d.ReductionAllowed && pf > 0 {
			status = ProposedReduced
		} else {
			status = ProposedOutOfRange
		}
	case pf > s.Max:
		status = ProposedOutOfRange
	case mandatory && d.Fine != nil && pf > d.Fine.Max:
		status = ProposedNotLenient
	}
	d.ProposedFineStatus = status
	if s != nil && s.amount() {
		e.fact(fMoney("statutory_min", s.Min), fMoney("statutory_max", s.Max))
	}
	e.fact(fText("status", status))
	res := "拟罚款额在法定幅度内"
	fired := false
	switch status {
	case ProposedIrrelevant:
		res = "不予处罚，拟罚款额不适用"
	case ProposedUnchecked:
		res = "罚则未以元数额规定幅度，拟罚款额须人工核对计算基数"
		e.flag("proposed_fine_unchecked", "拟罚款额无法按元数额幅度自动核对，须核对计算基数和依据")
	case ProposedReduced:
		fired = true
		res = "低于法定最低额：依第三十条、第三十一条、第三十二条减轻处罚，须经法制审核"
		e.flag("reduction_below_minimum", "拟罚款", e.yuan(pf), "元低于法定最低额", e.yuan(s.Min), "元（减轻处罚），须经法制审核")
		e.reason("拟罚款", e.yuan(pf), "元低于法定最低额，属于减轻处罚，须经法制审核后决定。")
	case ProposedOutOfRange:
		fired = true
		res = "超出法定幅度，依法不得采用"
		rng := "未设罚款"
		if s != nil && s.amount() {
			rng = s.Min.String() + "元至" + s.Max.String() + "元"
		}
		e.flag("proposed_fine_out_of_range", "拟罚款", e.yuan(pf), "元超出法定幅度（", rng, "），不得采用")
		e.reason("拟罚款", e.yuan(pf), "元超出法定幅度（", rng, "），依法不得采用；罚款应在法定幅度内确定，低于最低额的减轻处罚只能依第三十条、第三十一条、第三十二条并经法制审核。")
	case ProposedNotLenient:
		fired = true
		res = "在法定幅度内，但高于应当从轻的建议幅度"
		e.flag("proposed_fine_not_mitigated", "当事人有应当从轻或者减轻的情形，拟罚款", e.yuan(pf), "元未体现从轻，须说明理由")
	}
	e.endLabel("R21", "proposed_fine", "拟罚款额核对", e.penaltyLabel(), fired, res)
}

// proposedUsable reports whether the proposed fine may decide procedure
// and rights.
func (e *evaluation) proposedUsable() bool {
	switch e.d.ProposedFineStatus {
	case ProposedWithin, ProposedReduced, ProposedNotLenient, ProposedUnchecked:
		return true
	}
	return false
}

// singleFine: Art. 29 — one act, several provisions: one fine, the higher.
func (e *evaluation) singleFine() {
	fired := len(e.it.Concurrent) > 0 && e.penalised()
	e.begin()
	e.fact(fInt("concurrent_provisions", len(e.it.Concurrent)))
	res := "未涉及同一行为违反多个规定"
	if fired {
		res = "同一违法行为违反多个法律规范，只能罚款一次，按照罚款数额高的规定处罚"
		e.cite(citeArt29)
		e.flag("single_fine", "同一行为同时违反多个规定，只能给予一次罚款，按照罚款数额高的规定处罚（第二十九条）")
	}
	e.end("R13", "single_fine", "一事不二罚", citeArt29, fired, res)
}

// --- procedure and rights ------------------------------------------------

// procedure: 简易程序 for a warning or a fine up to the Art. 51 ceiling;
// otherwise 普通程序. With a proposed fine we judge on it. Without one we
// judge on the top of the suggested range, so as never to miss a
// protection the party is due; the decision says that a smaller fine would
// allow the simple procedure (simple_available).
func (e *evaluation) procedure() {
	d, p := &e.d, e.p
	ceil := p.SimpleProcedureMax.Value.For(e.f.PartyKind)
	s := e.spec
	daily := s != nil && s.Kind == FineDaily
	switch {
	case e.proposedUsable():
		e.amount, e.amountOK = *d.ProposedFine, true
		d.ProcedureBasis = "proposed_fine"
	case d.Fine != nil && s != nil && s.amount():
		e.amount, e.amountOK = d.Fine.Max, true
		d.ProcedureBasis = "suggested_range"
	case s == nil && e.tier.Warning:
		e.amount, e.amountOK = 0, true
		d.ProcedureBasis = "suggested_range"
	default:
		e.unknown = e.penalised()
		d.ProcedureBasis = "unknown_amount"
	}
	confiscate := e.it.confiscation(e.f.PartyKind)
	d.SimpleAvailable = e.penalised() && len(confiscate) == 0 && (e.tier.Warning || s != nil && s.amount() && !daily && d.Fine != nil && d.Fine.Min <= ceil)
	simple := false
	reviewedReduction := d.ProposedFineStatus == ProposedReduced && p.hasTrigger(TriggerReduction)
	switch d.Outcome {
	case NotPunishable:
		d.Procedure, d.ProcedureBasis = p.NoPenaltyProcedure.Value, "no_penalty"
	case Exemptible:
		d.Procedure, d.ProcedureBasis = ProcedureOrdinary, "supervisor"
		if e.listed {
			d.Procedure, d.ProcedureBasis = p.NoPenaltyProcedure.Value, "no_penalty"
		}
	default:
		// A warning, or a fine within the ceiling; a daily fine only when
		// the officer states the total, since it grows each day.
		// A daily fine never: its total rests on the days of refusal, to be
		// established on the record. Confiscation never: Art. 51 allows only
		// a warning or a small fine on the spot.
		warningOnly := e.amountOK && e.amount == 0 && e.tier.Warning
		// Nor an amount the law states only as a multiple or leaves unset:
		// it cannot be checked against the statute on the spot.
		simple = e.amountOK && (warningOnly || e.amount > 0 && e.amount <= ceil) && !daily && len(confiscate) == 0 &&
			d.ProposedFineStatus != ProposedUnchecked
		// A 减轻 the rule set sends to legal review cannot be decided on the
		// spot: Art. 58 review comes before the head's decision, which the
		// simple procedure does not have.
		if simple && reviewedReduction {
			simple = false
		}
		d.Procedure = ProcedureOrdinary
		if simple {
			d.Procedure = ProcedureSimple
		}
	}
	e.begin()
	e.fact(fText("outcome", string(d.Outcome)), fText("basis", d.ProcedureBasis))
	if e.amountOK {
		e.fact(fMoney("amount", e.amount))
	}
	e.fact(fBool("warning_available", e.tier.Warning))
	e.param(fMoney("parameters.simple_procedure_max", ceil))
	res := "不适用当场处罚"
	if simple {
		res = "警告或者罚款不超过简易程序上限，可以当场作出行政处罚决定"
		e.cite(citeArt51)
	}
	e.end("R14", "simple_procedure", "简易程序", citeArt51, simple, res)

	ordinary := e.penalised() && !simple
	e.begin()
	e.fact(fText("procedure", string(d.Procedure)))
	e.param(fInt("parameters.decision_deadline_days", p.DecisionDeadlineDays.Value))
	res = "不适用普通程序"
	switch {
	case ordinary:
		res = "适用普通程序：立案、调查、事先告知、听取陈述申辩后作出决定"
	case d.Outcome == NotPunishable:
		res = "不予行政处罚，按规则集参数确定程序"
	}
	e.end("R16", "ordinary_procedure", "普通程序", citeArt60, ordinary, res)

	// On-the-spot collection, Art. 68(一): only in the simple procedure.
	collect := simple && e.amount > 0 && e.amount <= p.OnTheSpotCollectionMax.Value
	d.OnTheSpotCollection = collect
	e.begin()
	e.fact(fBool("simple", simple))
	if e.amountOK {
		e.fact(fMoney("amount", e.amount))
	}
	e.param(fMoney("parameters.on_the_spot_collection_max", p.OnTheSpotCollectionMax.Value))
	res = "不适用当场收缴"
	if collect {
		res = "依法给予一百元以下罚款，可以当场收缴"
		e.cite(citeArt68i1)
	}
	e.end("R15", "on_the_spot_collection", "当场收缴罚款", citeArt68i1, collect, res)

	for _, t := range e.d.PenaltyKinds {
		if (t.Kind == PenaltyConfiscIncome || t.Kind == PenaltyConfiscGoods) && t.Condition != "" && e.penalised() {
			e.flag("confiscation_conditional", t.Condition, "，应当", t.Thing(), "（第九条第（二）项）；拟没收的，不能当场处罚，适用普通程序（第五十一条）")
		}
	}
	switch {
	case simple:
		amt := "给予警告"
		if e.amount > 0 {
			amt = e.words("罚款", e.yuan(e.amount), "元")
		}
		switch {
		case d.ProcedureBasis == "proposed_fine" && e.amount == 0:
			e.reason("拟给予警告，可以适用简易程序当场作出行政处罚决定（第五十一条）。")
		case d.ProcedureBasis == "proposed_fine":
			e.reason("拟", amt, "，不超过", e.yuan(ceil), "元，可以适用简易程序当场作出行政处罚决定（第五十一条）。")
		default:
			e.reason("建议幅度内的罚款不超过", e.yuan(ceil), "元，可以适用简易程序当场作出行政处罚决定（第五十一条）。")
		}
		e.next("simple_decision", "当场出示执法证件，填写预定格式、编有号码的行政处罚决定书并当场交付当事人，报所属行政机关备案（第五十二条）；决定书应告知当事人对当场处罚不服的，先申请行政复议（《行政复议法》第二十三条）", 0, false)
		if collect {
			e.next("on_the_spot_collection", "可以当场收缴罚款，必须出具财政部门统一制发的专用票据（第六十八条、第七十条）", 0, false)
		}
	case ordinary:
		if d.Outcome != Exemptible {
			e.cite(citeArt44)
			e.cite(citeArt60)
		}
		switch {
		case d.Outcome == Exemptible:
		case len(confiscate) > 0:
			var what []string
			for _, t := range confiscate {
				what = append(what, t.Thing())
			}
			e.reason("本案依法应当", e.join(what, "、"), "，没收属于行政处罚（第九条第（二）项），而当场只能给予警告或者小额罚款（第五十一条），适用普通程序。")
		case daily && e.penalised():
			e.reason("按日计罚的罚款总额须依拒不改正的天数在案卷中核定，不能当场作出，适用普通程序。")
		case reviewedReduction:
			e.reason("拟减轻处罚（罚款", e.yuan(*d.ProposedFine), "元，低于法定最低额）须先经法制审核，不能当场作出行政处罚决定，适用普通程序（第五十一条、第五十八条）。")
		case d.ProcedureBasis == "suggested_range" && d.SimpleAvailable && d.ProposedFine != nil:
			e.reason("拟罚款额不能采用，按建议幅度上限", e.yuan(e.amount), "元判断适用普通程序；如拟罚款不超过", e.yuan(ceil), "元（或者给予警告），可以适用简易程序。")
		case d.ProcedureBasis == "suggested_range" && d.SimpleAvailable:
			e.reason("未填写拟罚款额，按建议幅度上限", e.yuan(e.amount), "元判断适用普通程序；如拟罚款不超过", e.yuan(ceil), "元（或者给予警告），可以适用简易程序。")
		case d.ProcedureBasis == "unknown_amount":
			e.reason("罚款数额无法按元数额确定，适用普通程序。")
		default:
			e.reason("适用普通程序：立案调查，作出决定前告知拟处罚内容及陈述、申辩权利，自立案之日起", itoa(p.DecisionDeadlineDays.Value), "日内作出决定。")
		}
		if d.Outcome != Exemptible {
			e.next("case_filing", "立案调查，执法人员不少于两人，自立案之日起"+itoa(p.DecisionDeadlineDays.Value)+"日内作出行政处罚决定（第六十条）", p.DecisionDeadlineDays.Value, false)
			e.next("prior_notice", "作出决定前告知当事人拟作出的行政处罚内容及事实、理由、依据，并告知陈述、申辩等权利（第四十四条）；不得因陈述、申辩而加重处罚（第四十五条）", 0, false)
		}
	}
}

// hearing: Art. 63 — 较大数额罚款 per the rule set's thresholds (Chongqing:
// ¥5,000 person, ¥50,000 organisation). An amount the engine cannot know is
// treated as reaching the threshold: the right is never left out.
func (e *evaluation) hearing() {
	d, p := &e.d, e.p
	threshold := p.HearingMin.Value.For(e.f.PartyKind)
	fired := e.penalised() && (e.unknown || e.amountOK && e.amount >= threshold)
	d.HearingRight = fired
	e.begin()
	if e.amountOK {
		e.fact(fMoney("amount", e.amount))
	}
	e.fact(fBool("amount_unknown", e.unknown))
	e.param(fMoney("parameters.hearing_min", threshold), fInt("parameters.hearing_request_days", p.HearingRequestDays.Value))
	res := "未达到较大数额罚款，无听证权利"
	if fired {
		res = "拟作出较大数额罚款，应当告知当事人有要求听证的权利"
		if e.unknown {
			res = "罚款数额无法确定，按应当告知听证权利处理"
		}
		e.cite(citeArt63p1i1)
		e.cite(citeArt64i1)
		e.cite(citeArt85)
	}
	e.end("R17", "hearing", "听证权利", citeArt63p1i1, fired, res)
	if heavy := e.heavyPenalty(); heavy != "" && e.penalised() {
		e.cite(citeArt63p1i4)
		e.flag("heavy_penalty_possible", "本事项还可能给予", heavy, "；拟作出该处罚时，应当告知听证权利（第六十三条）")
	}
	if e.unknown {
		e.flag("amount_unknown", "罚款数额无法按元数额确定（倍数、按日或者未核实的数额），已按从严要求提示听证、法制审核和集体讨论；请填写拟罚款额后复核")
	}
	if !fired {
		return
	}
	days := p.HearingRequestDays.Value
	text := "罚款数额须按计算基数确定，按较大数额处理，当事人有权要求听证"
	if e.amountOK {
		text = "拟罚款" + e.amount.String() + "元，达到较大数额（" + e.f.PartyKind.chinese() + threshold.String() + "元" + e.settingInside("hearing_min", "听证“较大数额”标准", p.HearingMin.SettingNote()) + "），当事人有权要求听证"
	}
	if d.Outcome == Exemptible {
		text = "如决定给予处罚，" + text
	}
	e.reason(text, "，应当在告知后", cnNumber(days), "个工作日内提出（第六十三条、第六十四条第（一）项、第八十五条）。")
	e.next("hearing_notice", "在事先告知时告知听证权利；当事人要求听证的，应当在告知后"+itoa(days)+"个工作日内提出，行政机关在举行听证的七日前通知（第六十四条）", days, true)
}

// settingSuffix is "（本机关设定，待法制科确认）" for a setting, "" for law.
func (e *evaluation) settingSuffix(code, what, note string) string {
	if e.setting(code, note, what) == "" {
		return ""
	}
	return e.words("（", note, "）")
}

// settingInside is "，本机关设定，待法制科确认" for a setting already inside
// parentheses, "" for law.
func (e *evaluation) settingInside(code, what, note string) string {
	if e.setting(code, note, what) == "" {
		return ""
	}
	return e.words("，", note)
}

func (e *evaluation) heavyPenalty() string {
	var names []string
	for _, t := range e.d.PenaltyKinds {
		if t.Kind.heavy() {
			names = append(names, t.Kind.chinese())
		}
	}
	return e.join(names, "、")
}

// legalReview: Art. 58 and the rule set's triggers (法制审核目录).
func (e *evaluation) legalReview() {
	d, p := &e.d, e.p
	threshold := p.LegalReviewMin.Value.For(e.f.PartyKind)
	var why []string
	if e.penalised() {
		switch {
		case !p.hasTrigger(TriggerFineThreshold):
		case e.unknown:
			why = append(why, "罚款数额无法确定，按达到"+threshold.String()+"元处理"+e.settingSuffix("legal_review_min", "法制审核数额标准", p.LegalReviewMin.SettingNote()))
		case e.amountOK && e.amount >= threshold:
			why = append(why, "罚款达到"+threshold.String()+"元"+e.settingSuffix("legal_review_min", "法制审核数额标准", p.LegalReviewMin.SettingNote()))
		}
		if p.hasTrigger(TriggerReduction) && d.ProposedFineStatus == ProposedReduced {
			why = append(why, "减轻处罚")
		}
		if p.hasTrigger(TriggerHearing) && d.HearingRight {
			why = append(why, "有听证权利")
		}
	}
	fired := len(why) > 0
	d.LegalReview = fired
	e.begin()
	if e.amountOK {
		e.fact(fMoney("amount", e.amount))
	}
	e.fact(fText("proposed_fine_status", d.ProposedFineStatus), fBool("hearing_right", d.HearingRight))
	e.param(fMoney("parameters.legal_review_min", threshold), fText("parameters.legal_review_triggers", e.join(p.LegalReviewTriggers.Value, ",")))
	res := "未触发法制审核"
	if fired {
		res = "须经法制审核：" + e.join(why, "、")
		e.cite(citeArt58p1)
		prefix := ""
		if d.Outcome == Exemptible {
			prefix = "如决定给予处罚，"
		}
		e.reason(prefix, "作出决定前须经法制审核：", e.join(why, "；"), "。未经审核或者审核未通过的不得作出决定（第五十八条；该条未规定数额，审核范围依本机关法制审核目录）。")
		e.next("legal_review", "提交法制审核，审核通过后方可作出决定（第五十八条）", 0, false)
		e.flag("legal_review", "须经法制审核：", e.join(why, "、"))
	}
	e.end("R18", "legal_review", "法制审核", citeArt58p1, fired, res)
}

// collective: Art. 57 ¶2 — 重大违法行为, by the rule set's amount.
func (e *evaluation) collective() {
	d, p := &e.d, e.p
	threshold := p.CollectiveDiscussionMin.Value.For(e.f.PartyKind)
	fired := e.penalised() && (e.unknown || e.amountOK && e.amount >= threshold)
	d.CollectiveDiscussion = fired
	e.begin()
	if e.amountOK {
		e.fact(fMoney("amount", e.amount))
	}
	e.param(fMoney("parameters.collective_discussion_min", threshold))
	res := "未达到重大违法行为的数额标准"
	if fired {
		res = "属于重大违法行为，应当由负责人集体讨论决定"
		e.cite(citeArt57p2)
		prefix := ""
		if d.Outcome == Exemptible {
			prefix = "如决定给予处罚，"
		}
		e.reason(prefix, "罚款达到重大违法行为的数额标准（", e.f.PartyKind.chinese(), e.yuan(threshold), "元", e.settingInside("collective_discussion_min", "集体讨论数额标准", p.CollectiveDiscussionMin.SettingNote()), "）或者数额无法确定，应当由行政机关负责人集体讨论决定（第五十七条第二款；该款未规定数额）。")
		e.next("collective_discussion", "由行政机关负责人集体讨论决定，并记录讨论情况（第五十七条第二款）", 0, false)
	}
	e.end("R19", "collective_discussion", "集体讨论", citeArt57p2, fired, res)
}

// education: Art. 33 ¶3 — whenever no penalty is given; an exemptible case
// may end without one, so it is required there too.
func (e *evaluation) education() {
	d := &e.d
	fired := d.Outcome == Exemptible || d.Outcome == NotPunishable && (d.Ground != GroundTimeLimit || e.p.EducationOnTimeBar.Value)
	d.EducationRequired = fired
	e.begin()
	e.fact(fText("outcome", string(d.Outcome)), fText("ground", string(d.Ground)))
	e.param(fBool("parameters.education_on_time_bar", e.p.EducationOnTimeBar.Value))
	res := "给予行政处罚，不适用"
	if fired {
		res = "依法不予行政处罚的，应当对当事人进行教育，并记录教育的内容和方式"
		e.cite(citeArt33p3)
	}
	e.end("R9", "education", "教育", citeArt33p3, fired, res)
}

// closing writes the orders and records every case needs, and the
// supervisor's notes.
func (e *evaluation) closing() {
	d, it := &e.d, e.it
	e.cite(citeArt28)
	e.next("order_correction", e.rs.itemTx[e.ii].orders, 0, false)
	if it.FineCondition == FineAfterRefusal && e.penalised() {
		e.next("refusal_check", "本项罚款以责令改正后逾期不改正或者拒不改正为前提：先送达责令（限期）改正通知书，复查后方可罚款", 0, false)
		e.flag("fine_requires_refusal", "本项罚款以拒不改正为前提，须确认已责令改正且当事人逾期不改正")
	}
	switch d.Outcome {
	case NotPunishable:
		switch d.Ground {
		case GroundAge:
			e.next("guardian_order", "责令监护人加以管教（第三十条）", 0, false)
		case GroundCapacity:
			e.next("guardian_order", "责令其监护人严加看管和治疗（第三十一条）", 0, false)
		}
		e.next("no_penalty_decision", "制作不予行政处罚决定书，写明不予处罚的具体理由和依据", 0, false)
	case Exemptible:
		if e.listed {
			e.next("no_penalty_decision", "制作不予行政处罚决定书，写明首违不罚的依据和免罚清单事项", 0, false)
		} else {
			e.cite(citeArt57p1i2)
			e.next("supervisor_decision", "报请行政机关负责人决定是否不予行政处罚（第三十三条第一款、第五十七条第一款第（二）项）", 0, false)
			e.flag("first_offence_unlisted", "首违不罚：本事项未列入免罚清单，是否不予处罚由负责人决定")
		}
	}
	if d.EducationRequired {
		text := "对当事人进行教育，记录教育的内容和方式（第三十三条第三款）"
		if d.Outcome == Exemptible && !e.listed {
			text = "如决定不予处罚，应当对当事人进行教育，并记录教育的内容和方式（第三十三条第三款）"
		}
		e.next("education_record", text, 0, false)
		if d.Outcome == Exemptible && !e.listed {
			e.reason("如决定不予行政处罚，应当对当事人进行教育（《中华人民共和国行政处罚法》第三十三条第三款）。")
		} else {
			e.reason("依法不予行政处罚的，应当对当事人进行教育（《中华人民共和国行政处罚法》第三十三条第三款）。")
		}
	}
	e.next("record_history", "将本案（含不予处罚的）记入当事人违法记录，作为今后“初次违法”判断的依据", 0, false)
	if it.Provisional {
		e.reason("注意：本事项的罚则依据为暂定（", it.ProvisionalReason, "），须经法制机构核实。")
	}
	if it.Authority != "" {
		e.reason("注意：本事项的罚则属", it.Authority, "职权。")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
