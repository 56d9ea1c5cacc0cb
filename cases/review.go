package cases

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"fieldcase/rules"
)

// The review workflow: who may do what to a submitted case, and the record
// each act leaves. The chain is 承办 → 审核 → 审批 by default (three levels:
// the supervisor reviews, the head approves); a device may run two levels
// (the supervisor's approval is final). Whatever the chain, a case that
// needs legal review (Art. 58) is not decided before the review passed, and
// a case that needs collective discussion (Art. 57 ¶2) is decided by the
// head after the discussion is on record. Nobody reviews a case they
// recorded or took part in.

// Chain is how many levels sign a case off.
type Chain string

const (
	ChainTwoLevel   Chain = "two"   // 承办 → 审核：审核人同意即为批准
	ChainThreeLevel Chain = "three" // 承办 → 审核 → 审批：审核人同意后由负责人审批
)

// Label is the chain in Chinese.
func (c Chain) Label() string {
	switch c {
	case ChainTwoLevel:
		return "两级审批：承办、审核"
	case ChainThreeLevel:
		return "三级审批：承办、审核、审批"
	}
	return string(c)
}

// ParseChain accepts two/three, 2/3, or the Chinese 两级/三级.
func ParseChain(s string) (Chain, error) {
	switch strings.TrimSpace(s) {
	case "two", "2", "两级", "二级":
		return ChainTwoLevel, nil
	case "three", "3", "三级":
		return ChainThreeLevel, nil
	}
	return "", fmt.Errorf("审批层级 %q 无效，应为 two（两级：承办、审核）或 three（三级：承办、审核、审批）", s)
}

// ReviewPolicy is the device's review settings, kept in the store and, once
// sync exists, pushed by HQ.
type ReviewPolicy struct {
	Chain Chain `json:"chain"`
	// LegalTriggers are flag codes (see LegalTriggerCodes) that send a case
	// to legal review on top of what the rules engine requires: HQ's 法制审核目录.
	LegalTriggers []string `json:"legal_triggers,omitempty"`
	// StaleIndexDays: a first-violation judgement made on a party index
	// older than this is flagged as unconfirmed.
	StaleIndexDays int `json:"stale_index_days"`
}

// Default review settings.
const DefaultStaleIndexDays = 7

// DefaultReviewPolicy is three levels, no extra legal triggers, a week.
func DefaultReviewPolicy() ReviewPolicy {
	return ReviewPolicy{Chain: ChainThreeLevel, StaleIndexDays: DefaultStaleIndexDays}
}

// LegalTriggerCodes are the flags a device may add to the legal-review
// triggers, with what each means.
var LegalTriggerCodes = []struct{ Code, Label string }{
	{FlagDeparture, "承办人未采纳系统建议"},
	{FlagFirstUnconfirmed, "是否初次违法无法确认"},
	{FlagSupervisorDecides, "首违可不罚但不在免罚清单"},
	{FlagHearingRight, "应告知听证权利"},
	{FlagCollective, "需集体讨论"},
	{FlagUSCCOverride, "统一社会信用代码校验未通过"},
}

func legalTriggerLabel(code string) string {
	for _, t := range LegalTriggerCodes {
		if t.Code == code {
			return t.Label
		}
	}
	return code
}

// CheckPolicy validates review settings.
func CheckPolicy(p ReviewPolicy) FieldErrors {
	var es FieldErrors
	if p.Chain != ChainTwoLevel && p.Chain != ChainThreeLevel {
		es.add("chain", "审批层级应为 two 或 three")
	}
	seen := map[string]bool{}
	for _, t := range p.LegalTriggers {
		known := false
		for _, k := range LegalTriggerCodes {
			known = known || k.Code == t
		}
		switch {
		case !known:
			var codes []string
			for _, k := range LegalTriggerCodes {
				codes = append(codes, k.Code+" "+k.Label)
			}
			es.add("legal_triggers", "未知的触发条件 %q（可用：%s）", t, strings.Join(codes, "、"))
		case seen[t]:
			es.add("legal_triggers", "触发条件 %q 重复", t)
		}
		seen[t] = true
	}
	if p.StaleIndexDays < 1 || p.StaleIndexDays > 365 {
		es.add("stale_index_days", "违法记录同步时效应为 1 至 365 天")
	}
	return es
}

// Signoff is one reviewer's act: who, when, and what they wrote.
type Signoff struct {
	By      Actor     `json:"by"`
	At      time.Time `json:"at"`
	Comment string    `json:"comment,omitempty"`
}

// Review is a case's record in the review chain. Round counts submissions;
// each resubmission after a return starts a new round, so opinions given
// on an earlier version of the case never approve a later one.
type Review struct {
	Round int       `json:"round,omitempty"`
	Since time.Time `json:"since,omitzero"` // when the case entered its status
	// Changed names the parts the officer changed between the last return
	// and this round's submission (empty on a resubmission without changes).
	Changed    []string      `json:"changed_since_return,omitempty"`
	Reviewed   *Signoff      `json:"reviewed,omitempty"`   // 审核同意 (three levels)
	LegalSent  *Signoff      `json:"legal_sent,omitempty"` // 送法制审核
	Legal      *LegalOpinion `json:"legal,omitempty"`      // this round's legal opinion
	Discussion *Discussion   `json:"discussion,omitempty"` // this round's collective discussion
	Decision   *HeadDecision `json:"decision,omitempty"`   // 负责人决定
	Approved   *Signoff      `json:"approved,omitempty"`   // 批准
	Returned   *Signoff      `json:"returned,omitempty"`   // the latest return, kept across rounds
	// returned_digest fingerprints the case's parts at the latest return,
	// so the next submission can tell what changed.
	ReturnedDigest map[string]string `json:"returned_digest,omitempty"`
	Notices        []Notice          `json:"notices,omitempty"` // notices served, in order
}

func (r *Review) startRound(c *Case) {
	r.Round++
	r.Changed = nil
	if r.ReturnedDigest != nil {
		now := digests(*c)
		for _, k := range digestOrder() {
			if now[k] != r.ReturnedDigest[k] {
				r.Changed = append(r.Changed, k)
			}
		}
		r.ReturnedDigest = nil
	}
	r.Reviewed, r.LegalSent, r.Legal, r.Discussion, r.Decision, r.Approved = nil, nil, nil, nil, nil, nil
}

func (r *Review) returned(c *Case, e Event) {
	comment := c.ReviewComment
	r.Returned = &Signoff{By: e.Actor, At: e.At, Comment: comment}
	r.ReturnedDigest = digests(*c)
}

// choiceField names the officer's decision among the parts that may change.
const choiceField = "承办人决定"

func digestOrder() []string {
	out := make([]string, 0, len(contentFields)+1)
	for _, f := range contentFields {
		out = append(out, f.label)
	}
	return append(out, choiceField)
}

func digests(c Case) map[string]string {
	sum := func(v any) string {
		b, _ := json.Marshal(v)
		h := sha256.Sum256(b)
		return hex.EncodeToString(h[:8])
	}
	out := make(map[string]string, len(contentFields)+1)
	for _, f := range contentFields {
		out[f.label] = sum(f.get(c.Content))
	}
	out[choiceField] = sum(c.Choice)
	return out
}

// Legal review (法制审核, Art. 58). The checklist is 国办发〔2018〕118号's
// (docs/legal.md §7.3).

// LegalChecks are the points a legal reviewer checks, in the order of the
// 法制审核意见书.
var LegalChecks = []struct{ Code, Label string }{
	{"authority", "执法主体合法、执法人员具备执法资格"},
	{"procedure", "程序合法"},
	{"facts", "事实清楚、证据合法充分"},
	{"law", "适用法律准确、裁量基准运用适当"},
	{"competence", "未超越法定权限"},
	{"documents", "文书完备规范"},
	{"referral", "不涉嫌犯罪，无需移送司法机关"},
}

// LegalCheckLabel is a checklist point in Chinese.
func LegalCheckLabel(code string) string {
	for _, c := range LegalChecks {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}

// CheckResult is one checklist point and whether it holds.
type CheckResult struct {
	Code string `json:"code"`
	OK   bool   `json:"ok"`
}

// LegalOpinion is a legal reviewer's 法制审核意见.
type LegalOpinion struct {
	Pass      bool          `json:"pass"`
	Checklist []CheckResult `json:"checklist"`
	Comment   string        `json:"comment,omitempty"` // 审核意见；不通过时写明理由
	By        Actor         `json:"by,omitzero"`
	At        time.Time     `json:"at,omitzero"`
}

// Failed lists the checklist points that do not hold, in Chinese.
func (o LegalOpinion) Failed() []string {
	var out []string
	for _, r := range o.Checklist {
		if !r.OK {
			out = append(out, LegalCheckLabel(r.Code))
		}
	}
	return out
}

// NewChecklist marks every point as holding except the codes in failed.
func NewChecklist(failed ...string) []CheckResult {
	out := make([]CheckResult, len(LegalChecks))
	for i, c := range LegalChecks {
		out[i] = CheckResult{Code: c.Code, OK: !slices.Contains(failed, c.Code)}
	}
	return out
}

// CheckOpinion validates an opinion: every point answered once, a pass
// with every point holding, a failure with its reasons written.
func CheckOpinion(o LegalOpinion) FieldErrors {
	var es FieldErrors
	seen := map[string]bool{}
	bad := 0
	for _, r := range o.Checklist {
		known := false
		for _, c := range LegalChecks {
			known = known || c.Code == r.Code
		}
		switch {
		case !known:
			es.add("checklist", "未知的审核要点 %q", r.Code)
		case seen[r.Code]:
			es.add("checklist", "审核要点 %q 重复", r.Code)
		}
		seen[r.Code] = true
		if !r.OK {
			bad++
		}
	}
	for _, c := range LegalChecks {
		if !seen[c.Code] {
			es.add("checklist", "缺少审核要点：%s", c.Label)
		}
	}
	if o.Pass && bad > 0 {
		es.add("checklist", "有 %d 项审核要点不合格，不能审核通过；请选择不通过并写明理由", bad)
	}
	checkText(&es, "comment", o.Comment, MaxNoteLen, !o.Pass, "审核不通过时须写明理由")
	return es
}

// Collective discussion (集体讨论, Art. 57 ¶2).

// MinParticipants is the smallest collective: a discussion of one is a
// decision by one. Local rules may ask for more.
const MinParticipants = 2

// Discussion is the record of a collective discussion by the agency's heads.
type Discussion struct {
	Date         time.Time `json:"date"` // the day it was held (00:00 China time)
	Participants []string  `json:"participants"`
	Conclusion   string    `json:"conclusion"`
	By           Actor     `json:"by,omitzero"`
	At           time.Time `json:"at,omitzero"`
}

// CheckDiscussion validates a discussion record against the case it is for.
func CheckDiscussion(d Discussion, c Case, now time.Time) FieldErrors {
	var es FieldErrors
	switch {
	case d.Date.IsZero():
		es.add("date", "请填写讨论日期")
	case d.Date.After(now.Add(clockSkew)):
		es.add("date", "讨论日期不能晚于今天")
	case c.SubmittedAt != nil && day(d.Date).Before(day(*c.SubmittedAt)):
		es.add("date", "讨论日期不能早于立案日期 %s", day(*c.SubmittedAt).Format("2006-01-02"))
	}
	seen := map[string]bool{}
	for _, p := range d.Participants {
		switch {
		case p == "":
			es.add("participants", "参加人员姓名不能为空")
		case seen[p]:
			es.add("participants", "参加人员 %s 重复", p)
		case len([]rune(p)) > MaxNameLen:
			es.add("participants", "参加人员姓名过长")
		}
		seen[p] = true
	}
	if len(d.Participants) < MinParticipants {
		es.add("participants", "集体讨论的参加人员至少 %d 人", MinParticipants)
	}
	checkText(&es, "conclusion", d.Conclusion, MaxNoteLen, true, "请填写讨论结论")
	return es
}

// The head's decision (Art. 57 ¶1).

// Rulings are what the head may decide, in the order of Art. 57 ¶1.
var Rulings = []struct{ Code, Label string }{
	{"penalty", "给予行政处罚"},
	{"no_penalty", "违法行为轻微，依法不予行政处罚"},
	{"not_established", "违法事实不能成立，不予行政处罚"},
	{"referral", "涉嫌犯罪，移送司法机关"},
}

// RulingLabel is a ruling in Chinese.
func RulingLabel(code string) string {
	for _, r := range Rulings {
		if r.Code == code {
			return r.Label
		}
	}
	return code
}

// HeadDecision is what the head decided (after collective discussion where
// required).
type HeadDecision struct {
	Ruling  string    `json:"ruling"`
	Fine    *float64  `json:"fine,omitempty"` // yuan, for a penalty with a fine
	Comment string    `json:"comment"`        // 决定理由
	By      Actor     `json:"by,omitzero"`
	At      time.Time `json:"at,omitzero"`
}

// Text says the decision in one line.
func (d HeadDecision) Text() string {
	s := RulingLabel(d.Ruling)
	if d.Fine != nil {
		s += fmt.Sprintf("，罚款 %g 元", *d.Fine)
	}
	return s
}

// CheckHeadDecision validates a decision: a known ruling, a fine only with
// a penalty and inside the provision's range (FineRangeError), and its reasons.
func CheckHeadDecision(d HeadDecision, c Case) FieldErrors {
	var es FieldErrors
	known := false
	for _, r := range Rulings {
		known = known || r.Code == d.Ruling
	}
	if !known {
		es.add("ruling", "请选择决定：penalty 给予行政处罚、no_penalty 不予行政处罚、not_established 违法事实不能成立、referral 移送司法机关")
	}
	if d.Fine != nil {
		switch {
		case d.Ruling != "penalty":
			es.add("fine", "只有给予行政处罚时才写罚款数额")
		case *d.Fine <= 0:
			es.add("fine", "罚款数额应为正数")
		case c.Suggestion != nil:
			if msg := FineRangeError(*d.Fine, c.Suggestion.Decision); msg != "" {
				es.add("fine", "%s", msg)
			}
		}
	}
	checkText(&es, "comment", d.Comment, MaxNoteLen, true, "请写明决定理由")
	return es
}

// Notices served to the party, for the countdowns of the queue.

// Notice kinds.
const (
	NoticePrior      = "prior_notice"     // 行政处罚事先告知书 (Art. 44)，有听证权利的同时告知 (Art. 63–64)
	NoticeCorrection = "correction_order" // 责令（限期）改正通知书 (Art. 28)
)

// NoticeKinds lists the kinds with their names.
var NoticeKinds = []struct{ Code, Label string }{
	{NoticePrior, "行政处罚事先告知书"},
	{NoticeCorrection, "责令（限期）改正通知书"},
}

// NoticeLabel is a notice kind in Chinese.
func NoticeLabel(code string) string {
	for _, k := range NoticeKinds {
		if k.Code == code {
			return k.Label
		}
	}
	return code
}

// Notice is one document served on the party.
type Notice struct {
	Kind     string    `json:"kind"`
	ServedAt time.Time `json:"served_at"`
	Method   string    `json:"method,omitempty"` // 送达方式 (procedure.go ServiceMethods)
	// A prior notice fixes what it proposes and the rights it offers
	// (Art. 44, 63); set by PrepareNotice when the service is recorded.
	Proposal      *Proposal `json:"proposal,omitempty"`
	HearingRight  bool      `json:"hearing_right,omitempty"`
	StatementDays int       `json:"statement_days,omitempty"`
	// StatementCalendar: the notice gave the statement period in calendar
	// days (the agency's setting), not working days.
	StatementCalendar bool       `json:"statement_calendar,omitempty"`
	Deadline          *time.Time `json:"deadline,omitempty"` // correction order: 改正期限 (the last day)
	Note              string     `json:"note,omitempty"`
	By                Actor      `json:"by,omitzero"`
	At                time.Time  `json:"at,omitzero"`
}

// CheckNotice validates a notice.
func CheckNotice(n Notice, c Case, now time.Time) FieldErrors {
	var es FieldErrors
	if n.Kind != NoticePrior && n.Kind != NoticeCorrection {
		es.add("kind", "文书种类应为 prior_notice（事先告知书）或 correction_order（责令改正通知书）")
	}
	switch {
	case n.ServedAt.IsZero():
		es.add("served_at", "请填写送达时间")
	case n.ServedAt.After(now.Add(clockSkew)):
		es.add("served_at", "送达时间不能晚于现在")
	case n.ServedAt.Before(c.Content.OccurredAt):
		es.add("served_at", "送达时间不能早于违法行为发生时间")
	}
	switch {
	case n.Kind == NoticeCorrection && n.Deadline == nil:
		es.add("deadline", "责令限期改正须写明改正期限")
	case n.Kind != NoticeCorrection && n.Deadline != nil:
		es.add("deadline", "只有责令改正通知书有改正期限")
	case n.Deadline != nil && !n.ServedAt.IsZero() && day(*n.Deadline).Before(day(n.ServedAt)):
		es.add("deadline", "改正期限不能早于送达日期")
	}
	checkText(&es, "note", n.Note, MaxNoteLen, false, "")
	return es
}

// CheckComment validates a reviewer's comment.
func CheckComment(comment string, required bool, missing string) FieldErrors {
	var es FieldErrors
	checkText(&es, "comment", comment, MaxNoteLen, required, missing)
	return es
}

// Who may do what.

// ForbiddenError says why the acting user may not do something to a case.
// Nothing is recorded when it is returned.
type ForbiddenError struct {
	Kind   EventKind
	Reason string
}

func (e *ForbiddenError) Error() string {
	return "不能" + e.Kind.Label() + "：" + e.Reason
}

func forbid(kind EventKind, format string, args ...any) error {
	return &ForbiddenError{Kind: kind, Reason: fmt.Sprintf(format, args...)}
}

// IsOfficer reports whether a took part in the case: recorded it, or is one
// of its officers (by officer id or 执法证号). Such a person may edit and
// submit the case, and may never review it.
func (c Case) IsOfficer(a Actor) bool {
	if a.ID != "" && c.CreatedBy.ID == a.ID {
		return true
	}
	for _, o := range c.Content.Officers {
		if a.ID != "" && o.ID == a.ID || a.Cert != "" && o.Cert == a.Cert {
			return true
		}
	}
	return false
}

// CollectiveRequired: Art. 57 ¶2, as the rules engine judged it.
func (c Case) CollectiveRequired() bool {
	return c.Suggestion != nil && c.Suggestion.Decision.CollectiveDiscussion
}

// LegalReasons says why the case needs legal review under p; empty when it
// does not.
func (c Case) LegalReasons(p ReviewPolicy) []string {
	var out []string
	if s := c.Suggestion; s != nil && s.Decision.LegalReview {
		why := "规则判断须经法制审核（第五十八条）"
		for _, f := range s.Decision.SupervisorFlags {
			if f.Code == FlagLegalReview {
				why = strings.TrimPrefix(f.Text, "须经法制审核：") + "（第五十八条）"
			}
		}
		out = append(out, why)
	}
	if len(p.LegalTriggers) > 0 {
		for _, f := range c.baseFlags(p.StaleIndexDays) {
			if slices.Contains(p.LegalTriggers, f.Code) {
				out = append(out, "按本设备法制审核目录："+legalTriggerLabel(f.Code))
			}
		}
	}
	if s := c.Review.LegalSent; s != nil {
		out = append(out, "由"+s.By.Name+"送法制审核")
	}
	return out
}

// LegalRequired reports whether the case needs legal review before a decision.
func (c Case) LegalRequired(p ReviewPolicy) bool { return len(c.LegalReasons(p)) > 0 }

// LegalPassed reports whether this round's legal review passed.
func (c Case) LegalPassed() bool { return c.Review.Legal != nil && c.Review.Legal.Pass }

// FinalApprover is the role whose approval decides the case: the head in a
// three-level chain and wherever collective discussion is required, the
// supervisor otherwise.
func (p ReviewPolicy) FinalApprover(c Case) Role {
	if p.Chain == ChainTwoLevel && !c.CollectiveRequired() {
		return RoleSupervisor
	}
	return RoleHead
}

// WaitingFor is the role that acts next on the case, "" when none does.
func (p ReviewPolicy) WaitingFor(c Case) Role {
	switch c.Status {
	case StatusDraft, StatusReturned:
		return RoleOfficer
	case StatusSubmitted:
		return RoleSupervisor
	case StatusLegalReview:
		return RoleLegal
	case StatusPendingApproval:
		return p.FinalApprover(c)
	}
	return ""
}

// ApprovalKind is what "approve" records on c: 审核同意 where the head
// still has to approve, 批准 where this approval decides.
func (p ReviewPolicy) ApprovalKind(c Case) EventKind {
	if c.Status == StatusSubmitted && p.FinalApprover(c) == RoleHead {
		return EventReviewed
	}
	return EventApproved
}

func roleNames(rs ...Role) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = r.Label()
	}
	return strings.Join(names, "或")
}

func officerNames(c Case) string {
	var names []string
	add := func(n string) {
		if n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	add(c.CreatedBy.Name)
	for _, o := range c.Content.Officers {
		add(o.Name)
	}
	return strings.Join(names, "、")
}

// Authorize says whether a may record an event of kind on c under the
// device's review settings p: nil when allowed, a *TransitionError when the
// case's status does not allow it, a *ForbiddenError saying why otherwise.
// The store calls it for every event it records, so the command line, the
// TUI and anything else meet the same rules.
func Authorize(p ReviewPolicy, a Actor, c Case, kind EventKind) error {
	if _, err := Transition(c.Status, kind); err != nil {
		return err
	}
	role := func(allowed ...Role) error {
		if slices.Contains(allowed, a.Role) {
			return nil
		}
		return forbid(kind, "只有%s可以%s，您登记的角色是%s", roleNames(allowed...), kind.Label(), a.Role.Label())
	}
	own := func() error {
		if c.IsOfficer(a) {
			return forbid(kind, "本案由您承办，依回避要求不能由您审核或审批（承办人：%s）", officerNames(c))
		}
		return nil
	}
	legal := func() error {
		if c.LegalRequired(p) && !c.LegalPassed() {
			return forbid(kind, "本案须经法制审核（%s）；未经法制审核或者审核未通过的，不得作出决定（行政处罚法第五十八条）。请先送法制审核", strings.Join(c.LegalReasons(p), "；"))
		}
		return nil
	}
	discussed := func() error {
		if c.CollectiveRequired() && c.Review.Discussion == nil {
			return forbid(kind, "本案属情节复杂或者重大违法行为，应当由负责人集体讨论决定（行政处罚法第五十七条第二款）。请先记录集体讨论")
		}
		return nil
	}
	final := p.FinalApprover(c)
	switch kind {
	case EventCreated:
		return nil
	case EventContentSet, EventEvidence, EventDecisionMade, EventSubmitted, EventNoticeServed, EventVoided, EventReplied:
		if !c.IsOfficer(a) {
			return forbid(kind, "只有本案承办人（%s）可以%s；审核、审批人员只能审核、退回或批准", officerNames(c), kind.Label())
		}
		return nil
	case EventClosed, EventDeferred:
		// 结案报告、暂缓或分期缴纳经负责人批准.
		return role(RoleHead)
	case EventBriefed:
		if !c.IsOfficer(a) {
			return forbid(kind, "只有本案承办人（%s）可以记录当场告知", officerNames(c))
		}
		return nil
	case EventStatement, EventHearing, EventDecisionServed, EventPayment, EventChallenge:
		if c.IsOfficer(a) || a.Role == RoleSupervisor || a.Role == RoleHead || a.Role == RoleLegal {
			return nil
		}
		return forbid(kind, "只有本案承办人、审核人、法制审核员或负责人可以%s", kind.Label())
	case EventDocumentIssued, EventDisclosed, EventDisclosureWithheld:
		// Records of documents and disclosure (records.go) carry their own
		// preconditions; they move no case through the review chain.
		return nil
	case EventLegalPassed, EventLegalFailed:
		return first(role(RoleLegal), own())
	case EventDiscussed:
		return first(role(RoleHead), own())
	case EventHeadDecision:
		return first(role(RoleHead), own(), legal(), discussed())
	case EventReviewed:
		if err := first(role(RoleSupervisor), own()); err != nil {
			return err
		}
		if final != RoleHead {
			return forbid(kind, "本设备实行%s，审核人同意即为批准", p.Chain.Label())
		}
		return legal()
	case EventApproved:
		if c.Status == StatusSubmitted {
			if err := first(role(RoleSupervisor), own()); err != nil {
				return err
			}
			if final != RoleSupervisor {
				if c.CollectiveRequired() {
					return forbid(kind, "本案须经负责人集体讨论决定，审核人审核同意后报负责人审批")
				}
				return forbid(kind, "本设备实行%s，审核人审核同意后报负责人审批", p.Chain.Label())
			}
			return legal()
		}
		return first(role(final), own(), legal(), discussed())
	case EventReturned:
		switch c.Status {
		case StatusSubmitted:
			return first(role(RoleSupervisor), own())
		case StatusPendingApproval:
			return first(role(final), own())
		}
		return forbid(kind, "案件在法制审核中，由法制审核员出具审核意见；审核不通过的，案件自动退回承办人")
	case EventLegalReviewRequired:
		var err error
		if c.Status == StatusSubmitted {
			err = first(role(RoleSupervisor), own())
		} else {
			err = first(role(final), own())
		}
		if err != nil {
			return err
		}
		if c.LegalPassed() {
			return forbid(kind, "本案本轮已通过法制审核（%s，%s）", c.Review.Legal.By.Name, c.Review.Legal.At.In(ChinaTime()).Format("2006-01-02"))
		}
		return nil
	}
	return forbid(kind, "未知的操作")
}

func first(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Act is a reviewer's action as the command line and the TUI offer it.
type Act string

const (
	ActApprove   Act = "approve"    // 审核同意 or 批准, as ApprovalKind says
	ActReturn    Act = "return"     // 退回补正
	ActSendLegal Act = "send_legal" // 送法制审核
	ActLegal     Act = "legal"      // 出具法制审核意见
	ActDiscuss   Act = "discuss"    // 记录集体讨论
	ActDecide    Act = "decide"     // 负责人决定
)

// Acts lists the reviewer's actions in the order the screens show them.
var Acts = []Act{ActApprove, ActReturn, ActSendLegal, ActLegal, ActDiscuss, ActDecide}

// Kind is the event an act records on c.
func (p ReviewPolicy) Kind(act Act, c Case) EventKind {
	switch act {
	case ActApprove:
		return p.ApprovalKind(c)
	case ActReturn:
		return EventReturned
	case ActSendLegal:
		return EventLegalReviewRequired
	case ActLegal:
		return EventLegalPassed
	case ActDiscuss:
		return EventDiscussed
	case ActDecide:
		return EventHeadDecision
	}
	return ""
}

// Label is an act in Chinese, as a button says it on c.
func (p ReviewPolicy) Label(act Act, c Case) string {
	switch act {
	case ActApprove:
		if p.ApprovalKind(c) == EventReviewed {
			return "审核同意，报请审批"
		}
		return "批准"
	case ActLegal:
		return "出具法制审核意见"
	}
	return p.Kind(act, c).Label()
}

// Allowed lists the acts a may take on c now.
func (p ReviewPolicy) Allowed(a Actor, c Case) []Act {
	var out []Act
	for _, act := range Acts {
		if Authorize(p, a, c, p.Kind(act, c)) == nil {
			out = append(out, act)
		}
	}
	return out
}

// Deadlines counted for the queue (Art. 60, 64, 85; the correction order).

// Deadline codes.
const (
	DeadlineDecision   = "decision"        // 作出决定期限：立案之日起九十日 (Art. 60)
	DeadlineHearing    = "hearing_request" // 听证申请期：告知后五个工作日 (Art. 64(一), 85)
	DeadlineCorrection = "correction"      // 责令改正期限
	DeadlineStatement  = "statement"       // 陈述申辩期限：告知后若干工作日（机关设定）
	DeadlineHearingDay = "hearing_date"    // 听证举行日 (Art. 64(二))
	DeadlineService    = "service"         // 决定书送达：七个工作日 (Art. 61, 85)
	DeadlinePayment    = "payment"         // 缴纳罚款：送达后十五日 (Art. 67)
	DeadlineCourt      = "court"           // 申请法院强制执行：期限届满后三个月 (行政强制法 Art. 53)
)

// overdueAlarms are the countdowns that stay urgent once past: something
// the agency (or the party) failed to do in time.
var overdueAlarms = []string{DeadlineDecision, DeadlineService, DeadlinePayment, DeadlineCourt}

// Deadline is one countdown of a case.
type Deadline struct {
	Code  string    `json:"code"`
	Label string    `json:"label"`
	Due   time.Time `json:"due"`       // the last day (00:00 China time)
	Left  int       `json:"days_left"` // days from today to the last day; negative once past
	Basis string    `json:"basis"`
}

// Countdown says the time left in a few characters.
func (d Deadline) Countdown() string {
	switch {
	case d.Left > 0:
		return fmt.Sprintf("剩%d天", d.Left)
	case d.Left == 0:
		return "今日到期"
	case !slices.Contains(overdueAlarms, d.Code):
		return "已届满"
	}
	return fmt.Sprintf("逾期%d天", -d.Left)
}

// Urgent reports whether the countdown needs attention: three days or less
// left, or, for the decision, past. A hearing period or a correction
// deadline that has run out is no alarm: the decision may now be made, the
// correction checked.
func (d Deadline) Urgent() bool {
	if slices.Contains(overdueAlarms, d.Code) {
		return d.Left <= 3
	}
	return d.Left >= 0 && d.Left <= 3
}

// day is the calendar day of t in China, at 00:00.
func day(t time.Time) time.Time {
	y, m, dd := t.In(ChinaTime()).Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, ChinaTime())
}

func daysBetween(from, to time.Time) int {
	return int(math.Round(day(to).Sub(day(from)).Hours() / 24))
}

// stepDays finds a next step of the suggestion by action, for its days.
func (c Case) stepDays(action string, def int, defWorking bool) (int, bool) {
	if c.Suggestion != nil {
		for _, s := range c.Suggestion.Decision.NextSteps {
			if s.Action == action && s.Days > 0 {
				return s.Days, s.WorkingDays
			}
		}
	}
	return def, defWorking
}

// Deadlines are the case's running countdowns at now, soonest first. 立案 is
// the first submission (SubmittedAt): the device records no separate 立案
// act. Nothing runs once the case is decided or before it is submitted.
func (c Case) Deadlines(now time.Time) []Deadline {
	if c.SubmittedAt == nil || c.Status == StatusClosed {
		return nil
	}
	var out []Deadline
	add := func(code, label, basis string, due time.Time) {
		out = append(out, Deadline{Code: code, Label: label, Due: due, Left: daysBetween(now, due), Basis: basis})
	}
	if c.Status == StatusApproved {
		out = c.afterDecision(now, PeriodsOf(nil))
		slices.SortStableFunc(out, func(a, b Deadline) int { return a.Due.Compare(b.Due) })
		return out
	}
	if c.Suggestion == nil || c.Suggestion.Decision.Procedure != rules.ProcedureSimple {
		days, _ := c.stepDays("case_filing", 90, false)
		add(DeadlineDecision, "作出决定", fmt.Sprintf("自立案（%s首次提交）之日起%d日内作出决定（行政处罚法第六十条）", day(*c.SubmittedAt).Format("2006-01-02"), days),
			day(*c.SubmittedAt).AddDate(0, 0, days))
	}
	hearing := c.Suggestion != nil && c.Suggestion.Decision.HearingRight
	prior, hasPrior := c.PriorNotice()
	if hasPrior {
		hearing = hearing || prior.HearingRight
		c.beforeDecision(prior, now, PeriodsOf(nil), add)
	}
	hearingFrom := func(at time.Time, what string) {
		if hasPrior && c.hearingClosed(prior) {
			return
		}
		days, working := c.stepDays("hearing_notice", 5, true)
		due, unit, warn := day(at).AddDate(0, 0, days), "日", ""
		if working {
			cnt := wd(at, days)
			due, unit, warn = cnt.Due, "个工作日", withWarning(cnt)
		}
		add(DeadlineHearing, "听证申请", fmt.Sprintf("%s%s，当事人应在告知后%d%s内要求听证（第六十四条第（一）项、第八十五条）%s", what, day(at).Format("01-02"), days, unit, warn), due)
	}
	correctionBy := func(at, by time.Time, what string) {
		add(DeadlineCorrection, "责令改正", fmt.Sprintf("%s%s，限%s前改正", what, day(at).Format("01-02"), day(by).Format("01-02")), day(by))
	}
	served := map[string]bool{}
	for _, n := range c.Review.Notices {
		switch {
		case n.Kind == NoticePrior && hearing:
			hearingFrom(n.ServedAt, "事先告知书送达于")
		case n.Kind == NoticeCorrection && n.Deadline != nil:
			correctionBy(n.ServedAt, *n.Deadline, "责令改正通知书送达于")
		}
		served[n.Kind] = true
	}
	// Documents printed on the device (records.go) count from their issue
	// where no service was recorded: in the field they are handed over at once.
	for _, d := range c.Documents {
		switch {
		case d.Kind == "notice" && hearing && !served[NoticePrior]:
			hearingFrom(d.IssuedAt, "事先告知书（"+d.Number+"）出具于")
		case d.Kind == "correction" && d.Deadline != nil && !served[NoticeCorrection]:
			correctionBy(d.IssuedAt, *d.Deadline, "责令改正通知书（"+d.Number+"）出具于")
		}
	}
	slices.SortStableFunc(out, func(a, b Deadline) int { return a.Due.Compare(b.Due) })
	return out
}

// The queue.

// QueueItem is one case in a reviewer's queue: what to look at, what runs
// out when, who acts next and what the asking user may do.
type QueueItem struct {
	Case       Case       `json:"case"`
	WaitingFor Role       `json:"waiting_for"`
	Flags      []Flag     `json:"flags"`
	Deadlines  []Deadline `json:"deadlines"`
	Acts       []Act      `json:"acts"`
	// Blocked says why the user may do nothing, when the case waits for
	// their role (their own case, a legal review still missing).
	Blocked string `json:"blocked,omitempty"`
}

// NewQueueItem describes c for a's queue at now.
func NewQueueItem(p ReviewPolicy, a Actor, c Case, now time.Time) QueueItem {
	it := QueueItem{Case: c, WaitingFor: p.WaitingFor(c), Flags: c.FlagsWith(p), Deadlines: c.Deadlines(now), Acts: p.Allowed(a, c)}
	if len(it.Acts) == 0 && it.WaitingFor == a.Role && a.Role != RoleOfficer {
		act := ActApprove
		if a.Role == RoleLegal {
			act = ActLegal
		}
		if err := Authorize(p, a, c, p.Kind(act, c)); err != nil {
			var fe *ForbiddenError
			if errors.As(err, &fe) {
				it.Blocked = fe.Reason
			} else {
				it.Blocked = err.Error()
			}
		}
	}
	return it
}

// Deadline returns the countdown to show first: the first urgent one, else
// the soonest still running, else nil.
func (it QueueItem) Deadline() *Deadline {
	for i := range it.Deadlines {
		if it.Deadlines[i].Urgent() {
			return &it.Deadlines[i]
		}
	}
	for i := range it.Deadlines {
		if it.Deadlines[i].Left >= 0 {
			return &it.Deadlines[i]
		}
	}
	return nil
}

// Tags are the flags in a few characters each, with where the legal review
// and the discussion stand, for a queue row.
func (it QueueItem) Tags() []string {
	var out []string
	for _, f := range it.Flags {
		s := FlagShort(f.Code)
		switch {
		case s == "":
			continue
		case f.Code == FlagLegalReview && it.Case.LegalPassed():
			s = "法审已过"
		case f.Code == FlagLegalReview && it.Case.Status == StatusLegalReview:
			s = "法审中"
		case f.Code == FlagLegalReview && it.Case.Review.Legal != nil:
			s = "法审未过"
		case f.Code == FlagCollective && it.Case.Review.Discussion != nil:
			s = "已讨论"
		}
		out = append(out, s)
	}
	return out
}

// What the case log says about review events.

// ReviewNotes are the lines the case log shows under a review event; c is
// the case as it stands after the event. Nil for the officer's own events
// (except a submission, which says the round and what changed).
func ReviewNotes(c Case, e Event) []string {
	cn := ChinaTime()
	comment := func(prefix string) []string {
		var p CommentPayload
		if len(e.Payload) > 0 && json.Unmarshal(e.Payload, &p) == nil && p.Comment != "" {
			return []string{prefix + p.Comment}
		}
		return nil
	}
	switch e.Kind {
	case EventSubmitted:
		r := c.Review
		if r.Round <= 1 {
			return []string{"首次提交，即立案（作出决定的期限自此起算）"}
		}
		line := fmt.Sprintf("第%d次提交（退回补正后重新提交）；", r.Round)
		if len(r.Changed) == 0 {
			return []string{line + "自退回以来未作修改"}
		}
		return []string{line + "自退回以来修改了：" + strings.Join(r.Changed, "、")}
	case EventNoticeServed:
		var n Notice
		if json.Unmarshal(e.Payload, &n) != nil {
			return nil
		}
		line := NoticeLabel(n.Kind) + "，送达时间 " + n.ServedAt.In(cn).Format("2006-01-02 15:04")
		if n.Method != "" {
			line += "，" + ServiceMethodLabel(n.Method)
		}
		if p := n.Proposal; p != nil {
			line += "；拟" + p.Text()
			if n.HearingRight {
				line += "，告知听证权利"
			}
		}
		if n.Deadline != nil {
			line += "，改正期限 " + n.Deadline.In(cn).Format("2006-01-02")
		}
		out := []string{line}
		if n.Note != "" {
			out = append(out, "说明："+n.Note)
		}
		return out
	case EventReviewed:
		return append([]string{"审核同意，报请负责人审批"}, comment("意见：")...)
	case EventApproved:
		return comment("意见：")
	case EventLegalReviewRequired:
		return comment("送审意见：")
	case EventReturned:
		return comment("退回意见：")
	case EventClosed:
		var p ClosingPayload
		if len(e.Payload) > 0 && json.Unmarshal(e.Payload, &p) == nil && p.Reason != "" {
			return []string{"结案事由：" + ClosingReasonLabel(p.Reason), "意见：" + p.Comment}
		}
		return comment("意见：")
	case EventStatement, EventHearing, EventDecisionServed, EventPayment, EventBriefed, EventDeferred, EventChallenge:
		return procedureNotes(e)
	case EventVoided, EventReplied:
		var p ReasonPayload
		if json.Unmarshal(e.Payload, &p) != nil || p.Text == "" {
			return nil
		}
		if e.Kind == EventVoided {
			return []string{"作废理由：" + p.Text}
		}
		return []string{"答复：" + p.Text}
	case EventLegalPassed, EventLegalFailed:
		var o LegalOpinion
		if json.Unmarshal(e.Payload, &o) != nil {
			return nil
		}
		out := []string{"审核结论：通过"}
		if e.Kind == EventLegalFailed {
			out = []string{"审核结论：不通过，退回承办人"}
			if f := o.Failed(); len(f) > 0 {
				out = append(out, "不合格要点："+strings.Join(f, "；"))
			}
		}
		if o.Comment != "" {
			out = append(out, "审核意见："+o.Comment)
		}
		return out
	case EventDiscussed:
		var d Discussion
		if json.Unmarshal(e.Payload, &d) != nil {
			return nil
		}
		return []string{
			"讨论日期 " + d.Date.In(cn).Format("2006-01-02") + "；参加人员：" + strings.Join(d.Participants, "、"),
			"讨论结论：" + d.Conclusion,
		}
	case EventHeadDecision:
		var d HeadDecision
		if json.Unmarshal(e.Payload, &d) != nil {
			return nil
		}
		return []string{"决定：" + d.Text(), "理由：" + d.Comment}
	}
	return nil
}
