package cases

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"fieldcase/cases/workday"
	"fieldcase/rules"
)

// The statutory procedure around and after the decision (行政处罚法 Art.
// 44–45, 51–52, 57–73; 行政强制法 Art. 53–54): prior notice, statement and
// defence, hearing, decision, service, payment, enforcement and closing.
// Each step is one event in the case log; CheckStep says whether a step may
// be recorded now, and refuses a decision the law does not yet allow with
// the article and the first day it becomes possible. docs/procedure.md
// tells the whole flow.

// Event kinds of the procedure. A prior notice is EventNoticeServed; the
// closing is EventClosed (with a ClosingPayload).
const (
	EventStatement      EventKind = "statement_recorded" // 陈述申辩及复核，或明确放弃 (Art. 45, 62)
	EventHearing        EventKind = "hearing_recorded"   // 听证申请、通知、举行、放弃 (Art. 63–65)
	EventDecisionServed EventKind = "decision_served"    // 决定书、催告书等的送达 (Art. 61; 行政强制法 Art. 54)
	EventPayment        EventKind = "payment_recorded"   // 缴纳罚款 (Art. 67–72)
	EventBriefed        EventKind = "onsite_briefed"     // 当场告知及当事人意见 (Art. 52)
	EventDeferred       EventKind = "payment_deferred"   // 批准暂缓或者分期缴纳罚款 (Art. 66 ¶2)
)

func procedureLabel(k EventKind) (string, bool) {
	switch k {
	case EventStatement:
		return "记录陈述申辩", true
	case EventHearing:
		return "记录听证", true
	case EventDecisionServed:
		return "记录文书送达", true
	case EventPayment:
		return "记录缴纳罚款", true
	case EventBriefed:
		return "记录当场告知", true
	case EventDeferred:
		return "批准暂缓或分期缴纳", true
	case EventChallenge:
		return "记录复议、诉讼", true
	}
	return "", false
}

// Periods are the procedure's periods, from the rule set in force.
type Periods struct {
	Statement      int // 陈述申辩（工作日，机关设定）
	HearingRequest int // 听证申请（工作日，Art. 64(一)）
	HearingNotice  int // 听证通知（工作日，Art. 64(二)）
	Service        int // 决定书送达（工作日，Art. 61）
	Payment        int // 缴纳罚款（日，Art. 67）
	Reminder       int // 催告后（日，行政强制法 Art. 54）
	// StatementSetting is the statement period's reference and mark, shown
	// wherever the period is, since it is the agency's own setting.
	StatementSetting string
}

// PeriodsOf reads the periods of a rule set (nil: the embedded one).
func PeriodsOf(rs *rules.RuleSet) Periods {
	if rs == nil {
		rs = rules.Default()
	}
	p := rs.Params
	return Periods{
		Statement: p.StatementDays.Value, HearingRequest: p.HearingRequestDays.Value, HearingNotice: p.HearingNoticeDays.Value,
		Service: p.DecisionServiceDays.Value, Payment: p.PaymentDays.Value, Reminder: p.ReminderDays.Value,
		StatementSetting: p.StatementDays.Ref + "（" + p.StatementDays.Status.Label() + "）",
	}
}

// ProcedureRules is what CheckStep needs beside the case: the rule set in
// force when the step is recorded and the device's (or HQ's) review settings.
type ProcedureRules struct {
	Rules  *rules.RuleSet
	Policy ReviewPolicy
}

func (pr ProcedureRules) ruleSet() *rules.RuleSet {
	if pr.Rules == nil {
		return rules.Default()
	}
	return pr.Rules
}

// Service methods (送达方式).
var ServiceMethods = []struct{ Code, Label string }{
	{"direct", "直接送达"},
	{"left", "留置送达"},
	{"post", "邮寄送达"},
	{"electronic", "电子送达（经当事人同意）"},
	{"announcement", "公告送达"},
}

// ServiceMethodLabel is a method in Chinese.
func ServiceMethodLabel(code string) string {
	for _, m := range ServiceMethods {
		if m.Code == code {
			return m.Label
		}
	}
	return code
}

func knownMethod(code string) bool { return ServiceMethodLabel(code) != code }

func methodList() string {
	var out []string
	for _, m := range ServiceMethods {
		out = append(out, m.Code+" "+m.Label)
	}
	return strings.Join(out, "、")
}

// Proposal is the penalty a prior notice proposes: fixed when the notice is
// served, so that a heavier decision is told apart (Art. 44, 45 ¶2).
type Proposal struct {
	Penalty bool     `json:"penalty"`
	Warning bool     `json:"warning,omitempty"`
	Fine    *float64 `json:"fine,omitempty"` // yuan
}

// Text says the proposal in a few words.
func (p Proposal) Text() string {
	switch {
	case !p.Penalty:
		return "不予行政处罚"
	case p.Fine != nil:
		return fmt.Sprintf("罚款 %g 元", *p.Fine)
	case p.Warning:
		return "警告"
	}
	return "行政处罚（数额未定）"
}

func proposalOf(d Disposition) Proposal {
	p := Proposal{Penalty: d.Penalty, Warning: d.Warning}
	if d.Fine != nil {
		f := yuanOf(*d.Fine)
		p.Fine = &f
	}
	return p
}

// heavier reports whether d is heavier than p.
func (p Proposal) heavier(d Disposition) bool {
	switch {
	case !d.Penalty:
		return false
	case !p.Penalty:
		return true
	case d.Fine != nil && p.Fine == nil:
		return true
	case d.Fine != nil && p.Fine != nil:
		return yuanOf(*d.Fine) > *p.Fine+0.005
	}
	return false
}

// hearingDue reports whether a penalty d carries a hearing right (Art. 63):
// the rules said so, or the fine reaches the rule set's threshold.
func hearingDue(c Case, d Disposition, rs *rules.RuleSet) bool {
	if !d.Penalty {
		return false
	}
	if d.Fine != nil && *d.Fine >= rs.Params.HearingMin.Value.For(rules.PartyKind(c.Content.Party.Kind)) {
		return true
	}
	return c.Suggestion != nil && c.Suggestion.Decision.HearingRight && d.Fine == nil
}

// Statement is the party's 陈述、申辩 and the agency's 复核 of it, or the
// party's explicit waiver (Art. 45, 62).
type Statement struct {
	At       time.Time `json:"at"`
	Summary  string    `json:"summary,omitempty"`
	Evidence string    `json:"evidence,omitempty"` // 提出的证据
	Waived   bool      `json:"waived,omitempty"`
	// Accepted is the 复核 result: nil while not yet reviewed.
	Accepted *bool     `json:"accepted,omitempty"`
	Reason   string    `json:"reason,omitempty"` // 复核理由
	By       Actor     `json:"by,omitzero"`
	Recorded time.Time `json:"recorded,omitzero"`
}

// Hearing stages.
const (
	HearingRequested = "requested" // 当事人要求听证
	HearingScheduled = "scheduled" // 听证通知书送达
	HearingHeld      = "held"      // 举行听证，笔录附卷
	HearingWaived    = "waived"    // 放弃听证（含无正当理由不到场、中途退出）
)

// HearingStep is one step of a hearing.
type HearingStep struct {
	Stage        string     `json:"stage"`
	At           time.Time  `json:"at"` // requested, held or waived at; scheduled: the hearing's time
	Host         *Actor     `json:"host,omitempty"`
	NoticeServed *time.Time `json:"notice_served,omitempty"`
	Public       *bool      `json:"public,omitempty"`
	Place        string     `json:"place,omitempty"`  // 听证地点
	Record       string     `json:"record,omitempty"` // 听证笔录：SHA-256 of the file in the evidence vault
	RecordName   string     `json:"record_name,omitempty"`
	Note         string     `json:"note,omitempty"`
	By           Actor      `json:"by,omitzero"`
	Recorded     time.Time  `json:"recorded,omitzero"`
}

// Service is a document served on the party after the decision: the
// decision (Art. 61) or the 催告书 (行政强制法 Art. 54).
type Service struct {
	Doc      string    `json:"doc"` // decision | nopenalty | reminder
	ServedAt time.Time `json:"served_at"`
	Method   string    `json:"method"`
	Note     string    `json:"note,omitempty"`
	By       Actor     `json:"by,omitzero"`
	Recorded time.Time `json:"recorded,omitzero"`
}

// Documents that may be served after the decision.
var ServedDocs = []struct{ Code, Label string }{
	{"decision", "行政处罚决定书"},
	{"nopenalty", "不予行政处罚决定书"},
	{"reminder", "履行行政处罚决定催告书"},
}

// ServedDocLabel is a served document's name.
func ServedDocLabel(code string) string {
	for _, d := range ServedDocs {
		if d.Code == code {
			return d.Label
		}
	}
	return code
}

// Payment is a payment of the fine (and any late fee).
type Payment struct {
	Amount    float64   `json:"amount"` // yuan
	PaidAt    time.Time `json:"paid_at"`
	Receipt   string    `json:"receipt,omitempty"`     // 罚款收据号或银行流水号
	OnTheSpot bool      `json:"on_the_spot,omitempty"` // 当场收缴 (Art. 68–71)
	// SpotGround allows on-the-spot collection above the ceiling:
	// hard_to_enforce (Art. 68(二)) or remote (Art. 69).
	SpotGround string    `json:"spot_ground,omitempty"`
	By         Actor     `json:"by,omitzero"`
	Recorded   time.Time `json:"recorded,omitzero"`
}

// Closing reasons (结案事由).
var ClosingReasons = []struct{ Code, Label string }{
	{"executed", "处罚决定已执行完毕"},
	{"not_penalised", "决定不予行政处罚"},
	{"not_established", "违法事实不能成立"},
	{"transferred", "移送司法机关或其他机关"},
	{"court_enforcement", "已申请人民法院强制执行"},
	{"withdrawn", "撤销立案"},
	{"deceased", "当事人死亡"},
	{"dissolved", "当事人终止（注销、解散）"},
}

// ClosingReasonLabel is a reason in Chinese.
func ClosingReasonLabel(code string) string {
	for _, r := range ClosingReasons {
		if r.Code == code {
			return r.Label
		}
	}
	return code
}

// ClosingPayload is the head's approval of the closing report; a closing
// recorded before reasons existed carries only the comment.
type ClosingPayload struct {
	Comment string `json:"comment,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// Closing is the case's closing on record.
type Closing struct {
	Reason  string    `json:"reason,omitempty"`
	Comment string    `json:"comment,omitempty"`
	By      Actor     `json:"by,omitzero"`
	At      time.Time `json:"at,omitzero"`
}

// Briefing is the simple procedure's on-the-spot notice (Art. 52): the
// party was told the facts, reasons, basis and rights, and said this.
type Briefing struct {
	At       time.Time `json:"at"`
	Said     string    `json:"said,omitempty"`
	Waived   bool      `json:"waived,omitempty"`
	By       Actor     `json:"by,omitzero"`
	Recorded time.Time `json:"recorded,omitzero"`
}

// Proceedings are the case's procedure steps after the notice, in order.
type Proceedings struct {
	Statements []Statement   `json:"statements,omitempty"`
	Hearing    []HearingStep `json:"hearing,omitempty"`
	Served     []Service     `json:"served,omitempty"`
	Payments   []Payment     `json:"payments,omitempty"`
	Closing    *Closing      `json:"closing,omitempty"`
	Briefing   *Briefing     `json:"briefing,omitempty"`
	Deferral   *Deferral     `json:"deferral,omitempty"`
	Challenges []Challenge   `json:"challenges,omitempty"` // 行政复议、行政诉讼
}

// Deferral is the head's approval of the party's request to pay later or
// in instalments (确有经济困难, Art. 66 ¶2): the last day to pay becomes
// Until; the late fee runs only after it.
type Deferral struct {
	Until       time.Time `json:"until"` // the new last day (00:00 China time)
	Instalments int       `json:"instalments,omitempty"`
	Reason      string    `json:"reason"`
	By          Actor     `json:"by,omitzero"`
	Recorded    time.Time `json:"recorded,omitzero"`
}

// applyProcedure projects a procedure event onto the case.
func applyProcedure(c *Case, e Event) error {
	decode := func(v any, what string) error {
		if err := json.Unmarshal(e.Payload, v); err != nil {
			return fmt.Errorf("事件 %d %s无法解析：%w", e.Index, what, err)
		}
		return nil
	}
	p := &c.Proceedings
	switch e.Kind {
	case EventStatement:
		var s Statement
		if err := decode(&s, "陈述申辩记录"); err != nil {
			return err
		}
		s.By, s.Recorded = e.Actor, e.At
		p.Statements = append(p.Statements, s)
	case EventHearing:
		var h HearingStep
		if err := decode(&h, "听证记录"); err != nil {
			return err
		}
		h.By, h.Recorded = e.Actor, e.At
		p.Hearing = append(p.Hearing, h)
	case EventDecisionServed:
		var s Service
		if err := decode(&s, "送达记录"); err != nil {
			return err
		}
		s.By, s.Recorded = e.Actor, e.At
		p.Served = append(p.Served, s)
	case EventPayment:
		var pay Payment
		if err := decode(&pay, "缴款记录"); err != nil {
			return err
		}
		pay.By, pay.Recorded = e.Actor, e.At
		p.Payments = append(p.Payments, pay)
	case EventBriefed:
		var b Briefing
		if err := decode(&b, "当场告知记录"); err != nil {
			return err
		}
		b.By, b.Recorded = e.Actor, e.At
		p.Briefing = &b
	case EventDeferred:
		var d Deferral
		if err := decode(&d, "暂缓或分期缴纳记录"); err != nil {
			return err
		}
		d.By, d.Recorded = e.Actor, e.At
		p.Deferral = &d
	case EventChallenge:
		return applyChallenge(c, e)
	default:
		return fmt.Errorf("事件 %d 类型未知：%q", e.Index, e.Kind)
	}
	return nil
}

// ProcedureError refuses a step the law does not allow yet (or at all).
// Nothing is recorded when it is returned.
type ProcedureError struct {
	Kind    EventKind
	Reason  string
	Article string     // 行政处罚法第六十二条
	From    *time.Time // the first day the step becomes possible, when a date says it
	Need    string     // what must happen first, when no date does
}

func (e *ProcedureError) Error() string {
	s := "不能" + e.Kind.Label() + "：" + e.Reason
	if e.Article != "" {
		s += "（" + e.Article + "）"
	}
	if e.From != nil {
		s += "。最早可于 " + e.From.Format("2006-01-02") + " " + e.Kind.Label()
	}
	if e.Need != "" {
		s += "。" + e.Need
	}
	return s
}

// wd counts n working days after t and says the deadline's warning.
func wd(t time.Time, n int) workday.Count { return workday.Add(t.In(ChinaTime()), n) }

// earlier reports whether a time the user entered (to the minute) is
// before a recorded one: the same minute is not earlier.
func earlier(entered, recorded time.Time) bool { return entered.Before(recorded.Truncate(time.Minute)) }

func fmtDay(t time.Time) string { return t.In(ChinaTime()).Format("2006-01-02") }

// PriorNotice returns the latest prior notice served, if any.
func (c Case) PriorNotice() (Notice, bool) {
	for i := len(c.Review.Notices) - 1; i >= 0; i-- {
		if c.Review.Notices[i].Kind == NoticePrior {
			return c.Review.Notices[i], true
		}
	}
	return Notice{}, false
}

// PrepareNotice fixes what a prior notice proposes from the case as it
// stands: the penalty, the hearing right and the statement period.
func (c Case) PrepareNotice(n Notice, pr ProcedureRules) Notice {
	if n.Kind != NoticePrior {
		return n
	}
	rs := pr.ruleSet()
	d := c.Disposition(rs)
	p := proposalOf(d)
	n.Proposal = &p
	n.HearingRight = hearingDue(c, d, rs) || c.Suggestion != nil && c.Suggestion.Decision.HearingRight && d.Penalty
	if n.StatementDays == 0 { // the caller passes the agency's printed period; else the rule set's
		n.StatementDays, n.StatementCalendar = PeriodsOf(rs).Statement, false
	}
	return n
}

// statementDue is the last day of the statement period the notice gave,
// the period in words, and the calendar's warning.
func (n Notice) statementDue(per Periods) (time.Time, string, string) {
	days := n.StatementDays
	if days == 0 {
		days = per.Statement
	}
	if n.StatementCalendar {
		return day(n.ServedAt).AddDate(0, 0, days), fmt.Sprintf("%d日", days), ""
	}
	cnt := wd(n.ServedAt, days)
	return cnt.Due, fmt.Sprintf("%d个工作日", days), cnt.Warning()
}

func (c Case) statementsSince(t time.Time) []Statement {
	var out []Statement
	for _, s := range c.Proceedings.Statements {
		if !s.At.Before(t) {
			out = append(out, s)
		}
	}
	return out
}

func (c Case) hearingSince(t time.Time) []HearingStep {
	var out []HearingStep
	for _, h := range c.Proceedings.Hearing {
		if !h.At.Before(t) || h.Stage == HearingScheduled && h.NoticeServed != nil && !h.NoticeServed.Before(t) {
			out = append(out, h)
		}
	}
	return out
}

// offersHearing reports whether the notice told the party of the hearing
// right. A notice recorded before notices fixed their content is taken to
// have offered what the rules engine said.
func (c Case) offersHearing(n Notice) bool {
	if n.Proposal == nil {
		return c.Suggestion != nil && c.Suggestion.Decision.HearingRight
	}
	return n.HearingRight
}

func (h HearingStep) hostName() string {
	if h.Host == nil {
		return "（未记录）"
	}
	return h.Host.Name
}

// hearingState is where the hearing of the current notice stands.
type hearingState struct {
	requested, scheduled, held, waived *HearingStep
}

func (c Case) hearing(n Notice) hearingState {
	var s hearingState
	for _, h := range c.hearingSince(n.ServedAt) {
		h := h
		switch h.Stage {
		case HearingRequested:
			s.requested = &h
		case HearingScheduled:
			s.scheduled = &h
		case HearingHeld:
			s.held = &h
		case HearingWaived:
			s.waived = &h
		}
	}
	return s
}

// decisionBar says why a decision d may not be made at at, or nil.
func (c Case) decisionBar(d Disposition, at time.Time, pr ProcedureRules, kind EventKind) *ProcedureError {
	rs := pr.ruleSet()
	per := PeriodsOf(rs)
	bar := func(reason, article, need string, from *time.Time) *ProcedureError {
		return &ProcedureError{Kind: kind, Reason: reason, Article: article, Need: need, From: from}
	}
	if !d.Penalty {
		return nil
	}
	// Mandatory grounds: the law says 不予行政处罚.
	if s := c.Suggestion; s != nil && s.Decision.Outcome == rules.NotPunishable {
		art := map[rules.Ground]string{
			rules.GroundAge:               "行政处罚法第三十条：不满十四周岁的未成年人有违法行为的，不予行政处罚",
			rules.GroundCapacity:          "行政处罚法第三十一条：精神病人、智力残疾人在不能辨认或者不能控制自己行为时有违法行为的，不予行政处罚",
			rules.GroundMinorNoHarm:       "行政处罚法第三十三条第一款：违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚",
			rules.GroundNoFault:           "行政处罚法第三十三条第二款：当事人有证据足以证明没有主观过错的，不予行政处罚",
			rules.GroundTimeLimit:         "行政处罚法第三十六条：违法行为在法定期限内未被发现的，不再给予行政处罚",
			rules.GroundRepealed:          "行政处罚法第三十七条",
			rules.GroundCorrected:         "责令限期改正而当事人已按期改正",
			rules.GroundNoPenaltyProvided: "该情形法律未设定处罚",
		}[s.Decision.Ground]
		if art == "" {
			art = "依法应当不予行政处罚"
		}
		return bar("本案依法应当不予行政处罚（"+GroundLabel(s.Decision.Ground)+"），不能给予处罚", art, "如认为事实认定有误，应退回承办人修改案情后重新评估", nil)
	}
	// A fine below the statutory minimum: a ground of Art. 30–32 and, where
	// the rule set asks for it, the legal review (Art. 58).
	inferred := false // the provision's tier is the engine's guess: its minimum is no bar (FineRangeError)
	if s := c.Suggestion; s != nil {
		for _, f := range s.Decision.SupervisorFlags {
			inferred = inferred || f.Code == "tier_inferred"
		}
	}
	if s := c.Suggestion; s != nil && !inferred && d.Fine != nil && s.Decision.StatutoryFine != nil && s.Decision.FineUnit == "" && *d.Fine < s.Decision.StatutoryFine.Min {
		min := s.Decision.StatutoryFine.Min
		if !s.Decision.ReductionAllowed {
			return bar(fmt.Sprintf("罚款 %s 元低于法定最低额 %s 元，本案没有应当或者可以减轻处罚的情节", d.Fine, min), "行政处罚法第三十条、第三十一条、第三十二条", "", nil)
		}
		if slices.Contains(rs.Params.LegalReviewTriggers.Value, rules.TriggerReduction) && !c.LegalPassed() {
			return bar(fmt.Sprintf("罚款 %s 元低于法定最低额 %s 元（依%s减轻处罚），按规则集须经法制审核", d.Fine, min, strings.Join(s.Decision.MitigationGrounds, "、")), "行政处罚法第五十八条", "请先送法制审核", nil)
		}
	}
	// The simple procedure has its own on-the-spot notice (Art. 52).
	if d.Procedure == rules.ProcedureSimple {
		return nil
	}
	day0 := day(at)
	n, ok := c.PriorNotice()
	if !ok {
		from := c.firstDecisionDay(at, at, per, hearingDue(c, d, rs))
		return bar("尚未送达行政处罚事先告知书，当事人未获陈述、申辩（及听证）的机会", "行政处罚法第四十四条、第六十二条",
			"请先送达事先告知书（fieldcase review notice）；今日送达的，最早可于 "+from.Format("2006-01-02")+" 作出决定", nil)
	}
	if p := n.Proposal; p != nil && p.heavier(d) {
		return bar(fmt.Sprintf("拟作出的处罚（%s）重于事先告知书所告知的（%s），不得因当事人陈述、申辩而加重处罚", dispText(d), p.Text()),
			"行政处罚法第四十四条、第四十五条第二款", "如因新的事实须加重，应重新送达事先告知书，再给予陈述、申辩（及听证）的机会", nil)
	}
	if hearingDue(c, d, rs) && !c.offersHearing(n) {
		return bar(fmt.Sprintf("拟作出的处罚（%s）应当告知听证权利，而事先告知书未告知", dispText(d)), "行政处罚法第六十三条、第六十四条", "应重新送达告知听证权利的事先告知书", nil)
	}
	var waits []string
	var from time.Time
	wait := func(why string, due workday.Count) {
		next := due.Due.AddDate(0, 0, 1)
		if !day0.After(due.Due) {
			waits = append(waits, why+"至 "+due.Due.Format("2006-01-02")+" 届满")
			if next.After(from) {
				from = next
			}
		}
	}
	// Statement and defence.
	sts := c.statementsSince(n.ServedAt)
	switch {
	case len(sts) > 0 && sts[len(sts)-1].Waived:
	case len(sts) > 0 && sts[len(sts)-1].Accepted == nil:
		return bar("当事人已提出陈述、申辩，尚未复核（采纳或者不采纳及理由）", "行政处罚法第四十五条第一款", "请先记录复核结果（fieldcase review statement --accepted|--rejected --reason）", nil)
	case len(sts) > 0:
	default:
		due, span, _ := n.statementDue(per)
		wait(fmt.Sprintf("陈述、申辩期限（送达后%s，告知书所定）", span), workday.Count{Due: due})
	}
	// Hearing.
	if c.offersHearing(n) {
		h := c.hearing(n)
		switch {
		case h.waived != nil, h.held != nil:
		case h.requested != nil:
			need := "请先安排听证（fieldcase review hearing --scheduled）"
			if h.scheduled != nil {
				need = "听证定于 " + h.scheduled.At.In(ChinaTime()).Format("2006-01-02 15:04") + "，举行后记录听证笔录（fieldcase review hearing --held --record）"
			}
			return bar("当事人已要求听证，听证尚未举行；听证结束后，应当根据听证笔录作出决定", "行政处罚法第六十三条、第六十五条", need, nil)
		default:
			wait(fmt.Sprintf("听证申请期限（送达后%d个工作日）", per.HearingRequest), wd(n.ServedAt, per.HearingRequest))
		}
	}
	if len(waits) > 0 {
		f := from
		return bar(strings.Join(waits, "；")+"，期限内不得作出决定（除非当事人明确放弃）", "行政处罚法第六十二条、第六十四条、第八十五条", "", &f)
	}
	return nil
}

// firstDecisionDay is the first day a decision is possible when the notice
// is served at served.
func (c Case) firstDecisionDay(_, served time.Time, per Periods, hearing bool) time.Time {
	due := wd(served, per.Statement).Due
	if hearing {
		if h := wd(served, per.HearingRequest).Due; h.After(due) {
			due = h
		}
	}
	return due.AddDate(0, 0, 1)
}

func dispText(d Disposition) string { return proposalOf(d).Text() }

// decisionOf is the disposition an event decides, or false when the event
// decides nothing (an approval that sends the case on to the head).
func (c Case) decisionOf(kind EventKind, payload []byte, pr ProcedureRules) (Disposition, bool) {
	rs := pr.ruleSet()
	switch kind {
	case EventHeadDecision:
		var h HeadDecision
		if json.Unmarshal(payload, &h) != nil {
			return Disposition{}, false
		}
		cc := c
		cc.Review.Decision = &h
		return cc.Disposition(rs), true
	case EventApproved:
		return c.Disposition(rs), true
	}
	return Disposition{}, false
}

// CheckStep says whether an event of kind with payload may be recorded on
// c at at: nil, a *ProcedureError (the law does not allow it now) or
// FieldErrors (the record itself is wrong). The store calls it for every
// procedure step and every decision; HQ calls it with the event's time.
// Authorize (who may act) is asked separately.
func CheckStep(c Case, kind EventKind, payload []byte, at time.Time, pr ProcedureRules) error {
	switch kind {
	case EventHeadDecision, EventApproved:
		if d, ok := c.decisionOf(kind, payload, pr); ok {
			if b := c.decisionBar(d, at, pr, kind); b != nil {
				return b
			}
		}
	case EventNoticeServed:
		var n Notice
		if err := json.Unmarshal(payload, &n); err != nil {
			return err
		}
		return c.checkNoticeStep(n, at)
	case EventStatement:
		var s Statement
		if err := json.Unmarshal(payload, &s); err != nil {
			return err
		}
		return c.checkStatement(s, at)
	case EventHearing:
		var h HearingStep
		if err := json.Unmarshal(payload, &h); err != nil {
			return err
		}
		return c.checkHearing(h, at, pr)
	case EventDecisionServed:
		var s Service
		if err := json.Unmarshal(payload, &s); err != nil {
			return err
		}
		return c.checkService(s, at)
	case EventPayment:
		var p Payment
		if err := json.Unmarshal(payload, &p); err != nil {
			return err
		}
		return c.checkPayment(p, at, pr)
	case EventClosed:
		var p ClosingPayload
		if len(payload) > 0 {
			if err := json.Unmarshal(payload, &p); err != nil {
				return err
			}
		}
		return c.checkClosing(p, at, pr)
	case EventBriefed:
		var b Briefing
		if err := json.Unmarshal(payload, &b); err != nil {
			return err
		}
		return c.checkBriefing(b, at)
	case EventDeferred:
		var d Deferral
		if err := json.Unmarshal(payload, &d); err != nil {
			return err
		}
		return c.checkDeferral(d, at, pr)
	case EventChallenge:
		var ch Challenge
		if err := json.Unmarshal(payload, &ch); err != nil {
			return err
		}
		return c.checkChallenge(ch, at)
	}
	return nil
}

func (c Case) checkDeferral(d Deferral, now time.Time, pr ProcedureRules) error {
	disp := c.Disposition(pr.ruleSet())
	sv, served := c.DecisionServed()
	if !disp.Penalty || disp.Fine == nil || !served {
		return &ProcedureError{Kind: EventDeferred, Reason: "本案没有已送达的罚款决定", Article: "行政处罚法第六十六条第二款"}
	}
	var es FieldErrors
	due := c.paymentDue(sv, PeriodsOf(pr.ruleSet()))
	switch {
	case d.Until.IsZero():
		es.add("until", "请填写暂缓或分期缴纳的最后期限")
	case !day(d.Until).After(due):
		es.add("until", "新的期限应晚于现在的缴纳期限 %s", due.Format("2006-01-02"))
	}
	if d.Instalments < 0 || d.Instalments > 36 {
		es.add("instalments", "分期数应为 0 至 36")
	}
	if c.Outstanding(now) <= 0.005 {
		es.add("until", "罚款已缴清")
	}
	checkText(&es, "reason", d.Reason, MaxNoteLen, true, "请写明当事人的申请及确有经济困难的情况")
	if len(es) > 0 {
		return es
	}
	return nil
}

// paymentDue is the last day to pay: 15 days after service, or the day an
// approved deferral set.
func (c Case) paymentDue(sv Service, per Periods) time.Time {
	due := PaymentDue(sv.ServedAt, per)
	if d := c.Proceedings.Deferral; d != nil && day(d.Until).After(due) {
		due = day(d.Until)
	}
	return due
}

// checkNoticeStep: a prior notice is served after it was issued and never
// in the future (Art. 47); one that proposes more than the last, after the
// party defended, says why (Art. 45 ¶2).
func (c Case) checkNoticeStep(n Notice, at time.Time) error {
	var es FieldErrors
	if n.Kind == NoticePrior {
		if d, ok := c.Document("notice"); ok && earlier(n.ServedAt, d.IssuedAt) {
			es.add("served_at", "送达时间 %s 早于告知书（%s）出具时间 %s：不能记录文书出具之前的送达（行政处罚法第四十七条，全过程记录）",
				n.ServedAt.In(ChinaTime()).Format("2006-01-02 15:04"), d.Number, d.IssuedAt.In(ChinaTime()).Format("2006-01-02 15:04"))
		}
		if c.Choice == nil && c.Suggestion == nil {
			es.add("kind", "尚无处理意见，事先告知书无可告知的拟处罚内容")
		}
		if n.Method != "" && !knownMethod(n.Method) {
			es.add("method", "送达方式应为：%s", methodList())
		}
		if prev, ok := c.PriorNotice(); ok && n.Proposal != nil && prev.Proposal != nil && len(c.statementsSince(prev.ServedAt)) > 0 {
			if prev.Proposal.heavier(Disposition{Penalty: n.Proposal.Penalty, Warning: n.Proposal.Warning, Fine: moneyOf(n.Proposal.Fine)}) && strings.TrimSpace(n.Note) == "" {
				return &ProcedureError{Kind: EventNoticeServed, Reason: fmt.Sprintf("当事人已陈述、申辩，新告知书拟作出的处罚（%s）重于前次告知（%s）", n.Proposal.Text(), prev.Proposal.Text()),
					Article: "行政处罚法第四十五条第二款：行政机关不得因当事人陈述、申辩而给予更重的处罚", Need: "如系发现新的违法事实，请在 --note 中写明新的事实和证据"}
			}
		}
	}
	if len(es) > 0 {
		return es
	}
	return nil
}

func yuanOf(m rules.Money) float64 { return float64(m) / float64(rules.Yuan) }

func moneyOf(f *float64) *rules.Money {
	if f == nil {
		return nil
	}
	m := yuan(*f)
	return &m
}

func (c Case) needNotice(kind EventKind) (Notice, error) {
	n, ok := c.PriorNotice()
	if !ok {
		return n, &ProcedureError{Kind: kind, Reason: "尚未送达行政处罚事先告知书", Article: "行政处罚法第四十四条", Need: "请先记录告知书送达（fieldcase review notice --kind prior_notice）"}
	}
	return n, nil
}

func (c Case) checkStatement(s Statement, now time.Time) error {
	n, err := c.needNotice(EventStatement)
	if err != nil {
		return err
	}
	var es FieldErrors
	switch {
	case s.At.IsZero():
		es.add("at", "请填写陈述、申辩（或放弃）的时间")
	case s.At.After(now.Add(clockSkew)):
		es.add("at", "时间不能晚于现在")
	case s.At.Before(n.ServedAt):
		es.add("at", "时间不能早于告知书送达时间 %s", n.ServedAt.In(ChinaTime()).Format("2006-01-02 15:04"))
	}
	switch {
	case s.Waived && (s.Summary != "" || s.Accepted != nil):
		es.add("waived", "明确放弃时不记录陈述内容或复核结果")
	case !s.Waived && s.Summary == "":
		es.add("summary", "请写明陈述、申辩的内容（或用 --waived 记录明确放弃）")
	case s.Accepted != nil && s.Reason == "":
		es.add("reason", "复核结论须写明理由（行政处罚法第四十五条第一款）")
	case s.Accepted == nil && s.Reason != "":
		es.add("reason", "只有给出复核结论（--accepted 或 --rejected）时才写理由")
	}
	checkText(&es, "summary", s.Summary, MaxNoteLen, false, "")
	checkText(&es, "evidence", s.Evidence, MaxNoteLen, false, "")
	checkText(&es, "reason", s.Reason, MaxNoteLen, false, "")
	if len(es) > 0 {
		return es
	}
	return nil
}

func (c Case) checkHearing(h HearingStep, now time.Time, pr ProcedureRules) error {
	n, err := c.needNotice(EventHearing)
	if err != nil {
		return err
	}
	per := PeriodsOf(pr.ruleSet())
	if !c.offersHearing(n) {
		return &ProcedureError{Kind: EventHearing, Reason: "事先告知书未告知听证权利（拟作出的处罚不属于第六十三条规定的情形）", Article: "行政处罚法第六十三条"}
	}
	var es FieldErrors
	if h.At.IsZero() {
		es.add("at", "请填写时间")
		return es
	}
	if h.Stage != HearingScheduled && h.At.After(now.Add(clockSkew)) {
		es.add("at", "时间不能晚于现在")
	}
	if h.At.Before(n.ServedAt) && h.Stage != HearingScheduled {
		es.add("at", "时间不能早于告知书送达时间 %s", n.ServedAt.In(ChinaTime()).Format("2006-01-02 15:04"))
	}
	st := c.hearing(n)
	switch h.Stage {
	case HearingRequested:
		due := wd(n.ServedAt, per.HearingRequest)
		if day(h.At).After(due.Due) {
			return &ProcedureError{Kind: EventHearing, Reason: fmt.Sprintf("听证申请期限已于 %s 届满（告知书送达后%d个工作日）", due.Due.Format("2006-01-02"), per.HearingRequest), Article: "行政处罚法第六十四条第（一）项、第八十五条"}
		}
		if st.requested != nil {
			es.add("stage", "已记录听证申请（%s）", st.requested.At.In(ChinaTime()).Format("2006-01-02"))
		}
	case HearingScheduled:
		if st.requested == nil {
			return &ProcedureError{Kind: EventHearing, Reason: "当事人未要求听证", Article: "行政处罚法第六十四条第（一）项", Need: "请先记录听证申请（--requested）"}
		}
		if h.Host == nil || h.Host.ID == "" {
			es.add("host", "请给出听证主持人（执法人员编号）")
		} else if c.IsOfficer(*h.Host) {
			return &ProcedureError{Kind: EventHearing, Reason: "听证主持人 " + h.Host.Name + " 是本案调查人员", Article: "行政处罚法第六十四条第（四）项：听证由行政机关指定的非本案调查人员主持"}
		}
		if h.NoticeServed == nil {
			es.add("notice_served", "请填写听证通知书送达时间")
		} else {
			if h.NoticeServed.After(now.Add(clockSkew)) {
				es.add("notice_served", "听证通知书送达时间不能晚于现在")
			}
			earliest := wd(*h.NoticeServed, per.HearingNotice)
			if day(h.At).Before(earliest.Due) {
				return &ProcedureError{Kind: EventHearing, Reason: fmt.Sprintf("听证通知书于 %s 送达，应当在举行听证的%d个工作日前通知", fmtDay(*h.NoticeServed), per.HearingNotice),
					Article: "行政处罚法第六十四条第（二）项、第八十五条", Need: "听证最早可定于 " + earliest.Due.Format("2006-01-02") + withWarning(earliest)}
			}
		}
	case HearingHeld:
		if st.scheduled == nil {
			return &ProcedureError{Kind: EventHearing, Reason: "尚未记录听证通知", Article: "行政处罚法第六十四条第（二）项", Need: "请先记录听证安排（--scheduled --host --notice-served）"}
		}
		if day(h.At).Before(day(st.scheduled.At)) {
			es.add("at", "举行时间早于通知的听证时间 %s", st.scheduled.At.In(ChinaTime()).Format("2006-01-02 15:04"))
		}
		if h.Record == "" {
			es.add("record", "请附听证笔录文件（--record）：听证应当制作笔录（第六十四条第（八）项）")
		}
	case HearingWaived:
	default:
		es.add("stage", "听证环节应为 requested、scheduled、held 或 waived")
	}
	if st.held != nil || st.waived != nil {
		es.add("stage", "本次告知的听证已经结束（已举行或已放弃）")
	}
	checkText(&es, "note", h.Note, MaxNoteLen, false, "")
	if len(es) > 0 {
		return es
	}
	return nil
}

func withWarning(c workday.Count) string {
	if w := c.Warning(); w != "" {
		return "（" + w + "）"
	}
	return ""
}

// DecidedAt is when the case was decided (the approval or head decision).
func (c Case) DecidedAt() (time.Time, bool) {
	if !Decided(c.Status) {
		return time.Time{}, false
	}
	switch {
	case c.Review.Decision != nil:
		return c.Review.Decision.At, true
	case c.Review.Approved != nil:
		return c.Review.Approved.At, true
	}
	return c.Review.Since, !c.Review.Since.IsZero()
}

// DecisionServed returns the service of the decision document, if recorded.
// An on-the-spot decision (简易程序) is handed over when issued (Art. 52).
func (c Case) DecisionServed() (Service, bool) {
	for _, s := range c.Proceedings.Served {
		if s.Doc == "decision" || s.Doc == "nopenalty" {
			return s, true
		}
	}
	if d, ok := c.Document("onsite"); ok && Decided(c.Status) {
		return Service{Doc: "onsite", ServedAt: d.IssuedAt, Method: "direct", Note: "当场交付（行政处罚法第五十二条）"}, true
	}
	return Service{}, false
}

func (c Case) checkService(s Service, now time.Time) error {
	var es FieldErrors
	if ServedDocLabel(s.Doc) == s.Doc {
		var codes []string
		for _, d := range ServedDocs {
			codes = append(codes, d.Code+" "+d.Label)
		}
		es.add("doc", "文书应为：%s", strings.Join(codes, "、"))
	}
	if !knownMethod(s.Method) {
		es.add("method", "送达方式应为：%s", methodList())
	}
	switch {
	case s.ServedAt.IsZero():
		es.add("served_at", "请填写送达时间")
	case s.ServedAt.After(now.Add(clockSkew)):
		es.add("served_at", "送达时间不能晚于现在")
	}
	if len(es) > 0 {
		return es
	}
	decided, _ := c.DecidedAt()
	if earlier(s.ServedAt, decided) {
		es.add("served_at", "送达时间早于作出决定的时间 %s", decided.In(ChinaTime()).Format("2006-01-02 15:04"))
	}
	switch s.Doc {
	case "decision", "nopenalty":
		d, ok := c.Document(s.Doc)
		if !ok {
			return &ProcedureError{Kind: EventDecisionServed, Reason: ServedDocLabel(s.Doc) + "尚未出具", Article: "行政处罚法第五十九条、第六十一条", Need: "请先出具文书（fieldcase doc " + s.Doc + "）"}
		}
		if earlier(s.ServedAt, d.IssuedAt) {
			es.add("served_at", "送达时间早于文书（%s）出具时间 %s", d.Number, d.IssuedAt.In(ChinaTime()).Format("2006-01-02 15:04"))
		}
		if _, ok := c.DecisionServed(); ok {
			es.add("doc", "决定书已记录送达")
		}
	case "reminder":
		sv, ok := c.DecisionServed()
		if !ok || !c.Disposition(nil).Penalty {
			return &ProcedureError{Kind: EventDecisionServed, Reason: "处罚决定书尚未送达", Article: "行政强制法第五十四条"}
		}
		if c.Outstanding(now) <= 0 {
			es.add("doc", "罚款已缴清，无须催告")
		}
		due := c.paymentDue(sv, PeriodsOf(nil))
		if !day(s.ServedAt).After(due) {
			f := due.AddDate(0, 0, 1)
			return &ProcedureError{Kind: EventDecisionServed, Reason: "缴纳罚款的期限至 " + due.Format("2006-01-02") + " 届满，期满前不得催告", Article: "行政处罚法第六十七条第三款、行政强制法第五十四条", From: &f}
		}
	}
	checkText(&es, "note", s.Note, MaxNoteLen, false, "")
	if len(es) > 0 {
		return es
	}
	return nil
}

// PaymentDue is the last day to pay: 15 days after service (Art. 67 ¶3).
func PaymentDue(served time.Time, per Periods) time.Time {
	return day(served).AddDate(0, 0, per.Payment)
}

// LateFee is the 加处罚款 owed at t: 3% of the fine for each day after the
// payment period, never more than the fine (Art. 72 ¶1(一)). Approved
// deferral is not modelled yet: the fee then runs from the original date.
func (c Case) LateFee(t time.Time) float64 {
	d := c.Disposition(nil)
	sv, ok := c.DecisionServed()
	if !d.Penalty || d.Fine == nil || !ok {
		return 0
	}
	fine := yuanOf(*d.Fine)
	late := daysBetween(c.paymentDue(sv, PeriodsOf(nil)), t)
	if late <= 0 {
		return 0
	}
	return math.Min(fine, math.Round(fine*0.03*float64(late)*100)/100)
}

// Paid is the total paid.
func (c Case) Paid() float64 {
	var sum float64
	for _, p := range c.Proceedings.Payments {
		sum += p.Amount
	}
	return sum
}

// Outstanding is what the party still owes at t: the fine and the late fee,
// less what was paid.
func (c Case) Outstanding(t time.Time) float64 {
	d := c.Disposition(nil)
	if !d.Penalty || d.Fine == nil || c.Revoked() {
		return 0
	}
	return math.Round((yuanOf(*d.Fine)+c.LateFee(t)-c.Paid())*100) / 100
}

func (c Case) checkPayment(p Payment, now time.Time, pr ProcedureRules) error {
	d := c.Disposition(pr.ruleSet())
	if !d.Penalty || d.Fine == nil {
		return &ProcedureError{Kind: EventPayment, Reason: "本案没有罚款决定", Article: "行政处罚法第六十七条"}
	}
	if c.Revoked() {
		return &ProcedureError{Kind: EventPayment, Reason: "处罚决定已被复议机关或人民法院撤销，不再缴纳"}
	}
	if c.Paid() > 0 && c.Outstanding(now) <= 0.005 {
		return &ProcedureError{Kind: EventPayment, Reason: "罚款（含加处罚款）已全部缴清", Article: "行政处罚法第六十七条"}
	}
	var es FieldErrors
	switch {
	case p.PaidAt.IsZero():
		es.add("paid_at", "请填写缴款时间")
	case p.PaidAt.After(now.Add(clockSkew)):
		es.add("paid_at", "缴款时间不能晚于现在")
	}
	if at, ok := c.DecidedAt(); ok && earlier(p.PaidAt, at) && !p.OnTheSpot {
		es.add("paid_at", "缴款时间早于作出决定的时间 %s", at.In(ChinaTime()).Format("2006-01-02 15:04"))
	}
	if p.Amount <= 0 || math.IsNaN(p.Amount) || math.IsInf(p.Amount, 0) {
		es.add("amount", "缴款数额应为正数")
	} else if owe := c.Outstanding(p.PaidAt); p.Amount > owe+0.005 {
		es.add("amount", "缴款 %g 元超过应缴数额 %g 元（罚款 %s 元，加处罚款 %g 元，已缴 %g 元）", p.Amount, owe, d.Fine, c.LateFee(p.PaidAt), c.Paid())
	}
	if p.OnTheSpot && p.Receipt == "" {
		es.add("receipt", "当场收缴罚款的，应当出具专用票据（行政处罚法第七十条），请填写票据号")
	}
	switch p.SpotGround {
	case "", "hard_to_enforce", "remote":
	default:
		es.add("spot_ground", "当场收缴的事由应为 hard_to_enforce（不当场收缴事后难以执行，第六十八条第（二）项）或 remote（边远、水上、交通不便地区，第六十九条）")
	}
	if max := pr.ruleSet().Params.OnTheSpotCollectionMax.Value; p.OnTheSpot && p.SpotGround == "" && *d.Fine > max {
		es.add("on_the_spot", "罚款 %s 元超过当场收缴的限额 %s 元（行政处罚法第六十八条第（一）项）；应由当事人到指定银行或者通过电子支付系统缴纳（第六十七条）", d.Fine, max)
	}
	checkText(&es, "receipt", p.Receipt, MaxNameLen, false, "")
	if len(es) > 0 {
		return es
	}
	return nil
}

func (c Case) checkClosing(p ClosingPayload, now time.Time, pr ProcedureRules) error {
	var es FieldErrors
	if ClosingReasonLabel(p.Reason) == p.Reason {
		var codes []string
		for _, r := range ClosingReasons {
			codes = append(codes, r.Code+" "+r.Label)
		}
		es.add("reason", "结案事由应为：%s", strings.Join(codes, "、"))
		return es
	}
	checkText(&es, "comment", p.Comment, MaxNoteLen, true, "请写明结案报告意见")
	if len(es) > 0 {
		return es
	}
	d := c.Disposition(pr.ruleSet())
	refuse := func(reason, article, need string) error {
		return &ProcedureError{Kind: EventClosed, Reason: reason, Article: article, Need: need}
	}
	switch p.Reason {
	case "executed":
		if !d.Penalty {
			return refuse("本案未作出处罚决定，不能以执行完毕结案", "", "")
		}
		if _, ok := c.DecisionServed(); !ok {
			return refuse("处罚决定书尚未送达", "行政处罚法第六十一条", "请先记录送达（fieldcase review serve --doc decision）")
		}
		if owe := c.Outstanding(now); owe > 0.005 {
			return refuse(fmt.Sprintf("罚款尚未缴清（尚欠 %g 元，含加处罚款 %g 元）", owe, c.LateFee(now)), "行政处罚法第六十七条、第七十二条", "请先记录缴款（fieldcase review pay）")
		}
	case "not_penalised":
		if d.Penalty || d.Referral || d.Ground == GroundNotEstablished {
			return refuse("本案决定不是不予行政处罚", "行政处罚法第五十七条第一款第（二）项", "")
		}
	case "not_established":
		if d.Ground != GroundNotEstablished {
			return refuse("本案决定不是违法事实不能成立", "行政处罚法第五十七条第一款第（三）项", "")
		}
	case "transferred":
		if !d.Referral {
			return refuse("本案决定不是移送司法机关", "行政处罚法第五十七条第一款第（四）项", "")
		}
	case "court_enforcement":
		w, ok := c.CourtWindow(PeriodsOf(pr.ruleSet()))
		if !ok || day(now).Before(w.From) {
			need := "须先送达催告书并满十日，且复议、诉讼期限届满"
			if ok {
				need = "最早可于 " + w.From.Format("2006-01-02") + " 申请"
			}
			return refuse("尚不能申请人民法院强制执行", "行政强制法第五十三条、第五十四条", need)
		}
	}
	return nil
}

func (c Case) checkBriefing(b Briefing, now time.Time) error {
	var es FieldErrors
	switch {
	case b.At.IsZero():
		es.add("at", "请填写告知时间")
	case b.At.After(now.Add(clockSkew)):
		es.add("at", "告知时间不能晚于现在")
	case b.At.Before(c.Content.OccurredAt):
		es.add("at", "告知时间不能早于违法行为发生时间")
	}
	if b.Waived == (strings.TrimSpace(b.Said) != "") {
		es.add("said", "请写明当事人的陈述、申辩，或记录当事人明确放弃（二者选一）")
	}
	checkText(&es, "said", b.Said, MaxNoteLen, false, "")
	if len(es) > 0 {
		return es
	}
	return nil
}

// Window is a period from one day to another, both included.
type Window struct {
	From, To time.Time
	Warning  string
}

// ReviewEnds is when the party may no longer seek 复议 (60 days) or sue (6
// months), counted from the service of the decision (行政复议法, 行政诉讼法).
func ReviewEnds(served time.Time) (review, suit time.Time) {
	d := day(served)
	return d.AddDate(0, 0, 60), d.AddDate(0, 6, 0)
}

// CourtWindow is when the agency may apply to the court for enforcement:
// after the reminder's ten days and the review and litigation periods,
// for three months (行政强制法 Art. 53–54). False while no reminder is served.
func (c Case) CourtWindow(per Periods) (Window, bool) {
	sv, ok := c.DecisionServed()
	if !ok || c.Revoked() {
		return Window{}, false
	}
	var reminder *Service
	for i := range c.Proceedings.Served {
		if c.Proceedings.Served[i].Doc == "reminder" {
			reminder = &c.Proceedings.Served[i]
		}
	}
	_, suit := ReviewEnds(sv.ServedAt)
	expiry := suit.AddDate(0, 0, 1)
	if reminder == nil {
		return Window{From: expiry, To: expiry.AddDate(0, 3, 0)}, false
	}
	from := expiry
	if r := day(reminder.ServedAt).AddDate(0, 0, per.Reminder+1); r.After(from) {
		from = r
	}
	return Window{From: from, To: expiry.AddDate(0, 3, 0)}, true
}

// hearingClosed reports whether the hearing request window no longer
// matters for the notice: requested, held or waived.
func (c Case) hearingClosed(n Notice) bool {
	h := c.hearing(n)
	return h.requested != nil || h.held != nil || h.waived != nil
}

// beforeDecision adds the statement period and a scheduled hearing.
func (c Case) beforeDecision(n Notice, now time.Time, per Periods, add func(code, label, basis string, due time.Time)) {
	if len(c.statementsSince(n.ServedAt)) == 0 {
		due, span, warn := n.statementDue(per)
		if warn != "" {
			warn = "（" + warn + "）"
		}
		add(DeadlineStatement, "陈述申辩", fmt.Sprintf("事先告知书送达于%s，陈述、申辩期限%s（告知书所定，机关设定，须与法制科确认；行政处罚法第四十五条、第六十二条）%s",
			day(n.ServedAt).Format("01-02"), span, warn), due)
	}
	h := c.hearing(n)
	if h.scheduled != nil && h.held == nil && h.waived == nil {
		add(DeadlineHearingDay, "举行听证", fmt.Sprintf("听证定于%s举行，主持人%s（行政处罚法第六十四条）", h.scheduled.At.In(ChinaTime()).Format("01-02 15:04"), h.scheduled.hostName()), day(h.scheduled.At))
	}
}

// afterDecision lists the open deadlines of a decided case.
func (c Case) afterDecision(now time.Time, per Periods) []Deadline {
	var out []Deadline
	collect := func(code, label, basis string, due time.Time) {
		out = append(out, Deadline{Code: code, Label: label, Due: due, Left: daysBetween(now, due), Basis: basis})
	}
	decided, ok := c.DecidedAt()
	d := c.Disposition(nil)
	if !ok || d.Referral {
		return nil
	}
	sv, served := c.DecisionServed()
	if !served {
		cnt := wd(decided, per.Service)
		collect(DeadlineService, "送达决定书", fmt.Sprintf("决定作出于%s，当事人不在场的，应当在七日（工作日）内送达（行政处罚法第六十一条、第八十五条）%s", day(decided).Format("01-02"), withWarning(cnt)), cnt.Due)
		return out
	}
	if !d.Penalty || d.Fine == nil || c.Outstanding(now) <= 0.005 {
		return out
	}
	due := c.paymentDue(sv, per)
	basis := fmt.Sprintf("决定书送达于%s，应当在十五日内缴纳罚款（行政处罚法第六十七条第三款）", day(sv.ServedAt).Format("01-02"))
	if df := c.Proceedings.Deferral; df != nil {
		basis += "；经批准暂缓（分期）缴纳至 " + day(df.Until).Format("2006-01-02") + "（第六十六条第二款）"
	}
	if fee := c.LateFee(now); fee > 0 {
		basis += fmt.Sprintf("；已逾期，加处罚款 %g 元（每日按罚款数额百分之三，不超过罚款数额，第七十二条）", fee)
	}
	collect(DeadlinePayment, "缴纳罚款", basis, due)
	if w, ok := c.CourtWindow(per); ok {
		collect(DeadlineCourt, "申请强制执行", fmt.Sprintf("催告书送达满十日且复议、诉讼期限届满后，自%s起三个月内申请人民法院强制执行（行政强制法第五十三条、第五十四条）", w.From.Format("2006-01-02")), w.To)
	}
	return out
}

// DocumentBar says why a document of kind may not be issued for c now, or
// nil: a decision document only for a decision the procedure allowed when
// it was made (Art. 44, 45, 62–65, 30–36), an on-the-spot decision only
// after the party was told and heard on the spot (Art. 52). Other kinds
// carry their own conditions (cases/docs).
func DocumentBar(kind string, c Case, now time.Time, pr ProcedureRules) error {
	switch kind {
	case "decision":
		at, ok := c.DecidedAt()
		if !ok {
			return nil // the document's own checks say the case is not decided
		}
		d := c.Disposition(pr.ruleSet())
		if b := c.decisionBar(d, at, pr, EventDocumentIssued); b != nil {
			b.Reason = "本案的决定作出时不符合法定程序：" + b.Reason
			b.From, b.Need = nil, "应退回重新履行告知、陈述申辩（听证）程序后再作决定"
			return b
		}
	case "onsite":
		d := c.Disposition(pr.ruleSet())
		if d.Penalty && d.Procedure == rules.ProcedureSimple && c.Proceedings.Briefing == nil {
			return &ProcedureError{Kind: EventDocumentIssued, Reason: "当场作出行政处罚决定前，应当向当事人说明违法事实、理由和依据，告知陈述、申辩权利并听取意见，本案尚未记录",
				Article: "行政处罚法第五十二条、第四十四条", Need: "请先记录当场告知（fieldcase review brief --at 时间 --said 当事人陈述|--waived）"}
		}
	}
	return nil
}

// procedureNotes are the case log's lines under a procedure event.
func procedureNotes(e Event) []string {
	cn := ChinaTime()
	when := func(t time.Time) string { return t.In(cn).Format("2006-01-02 15:04") }
	switch e.Kind {
	case EventStatement:
		var s Statement
		if json.Unmarshal(e.Payload, &s) != nil {
			return nil
		}
		if s.Waived {
			return []string{when(s.At) + " 当事人明确放弃陈述、申辩"}
		}
		out := []string{when(s.At) + " 当事人陈述、申辩：" + s.Summary}
		if s.Evidence != "" {
			out = append(out, "提出证据："+s.Evidence)
		}
		switch {
		case s.Accepted == nil:
			out = append(out, "待复核")
		case *s.Accepted:
			out = append(out, "复核：理由成立，予以采纳。"+s.Reason)
		default:
			out = append(out, "复核：理由不成立，不予采纳。"+s.Reason)
		}
		return out
	case EventHearing:
		var h HearingStep
		if json.Unmarshal(e.Payload, &h) != nil {
			return nil
		}
		var line string
		switch h.Stage {
		case HearingRequested:
			line = when(h.At) + " 当事人要求听证"
		case HearingScheduled:
			line = "听证定于 " + when(h.At) + " 举行"
			if h.Host != nil {
				line += "，主持人 " + h.Host.Name
			}
			if h.NoticeServed != nil {
				line += "，听证通知书送达于 " + when(*h.NoticeServed)
			}
			if h.Public != nil && !*h.Public {
				line += "，不公开举行"
			}
		case HearingHeld:
			line = when(h.At) + " 举行听证，听证笔录 " + h.RecordName + "（SHA-256 " + h.Record + "）"
		case HearingWaived:
			line = when(h.At) + " 当事人放弃听证"
		}
		out := []string{line}
		if h.Note != "" {
			out = append(out, "说明："+h.Note)
		}
		return out
	case EventDecisionServed:
		var s Service
		if json.Unmarshal(e.Payload, &s) != nil {
			return nil
		}
		out := []string{ServedDocLabel(s.Doc) + "，" + ServiceMethodLabel(s.Method) + "，送达时间 " + when(s.ServedAt)}
		if s.Note != "" {
			out = append(out, "说明："+s.Note)
		}
		return out
	case EventPayment:
		var p Payment
		if json.Unmarshal(e.Payload, &p) != nil {
			return nil
		}
		line := fmt.Sprintf("%s 缴纳 %g 元", when(p.PaidAt), p.Amount)
		if p.OnTheSpot {
			line += "（当场收缴）"
		}
		if p.Receipt != "" {
			line += "，票据 " + p.Receipt
		}
		return []string{line}
	case EventDeferred:
		var d Deferral
		if json.Unmarshal(e.Payload, &d) != nil {
			return nil
		}
		line := "批准延期缴纳至 " + d.Until.In(cn).Format("2006-01-02")
		if d.Instalments > 1 {
			line += fmt.Sprintf("，分 %d 期", d.Instalments)
		}
		return []string{line, "当事人申请及理由：" + d.Reason}
	case EventChallenge:
		return challengeNotes(e)
	case EventBriefed:
		var b Briefing
		if json.Unmarshal(e.Payload, &b) != nil {
			return nil
		}
		if b.Waived {
			return []string{when(b.At) + " 当场告知，当事人明确放弃陈述、申辩"}
		}
		return []string{when(b.At) + " 当场告知，当事人陈述：" + b.Said}
	}
	return nil
}
