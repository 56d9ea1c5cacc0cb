package cases

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The party's legal challenge of a served decision: 行政复议 (60 days from
// service) or 行政诉讼 (6 months from service), and later its outcome.
// Filing does not stop enforcement (行政处罚法 Art. 73); a decision the
// review body or the court revokes owes nothing any more, so its payment
// and enforcement deadlines end. docs/procedure.md §3 and §5.

// EventChallenge records the filing of a challenge or its outcome.
const EventChallenge EventKind = "legal_challenge" // 申请行政复议、提起行政诉讼及其结果

// Challenge kinds.
const (
	ChallengeReconsideration = "reconsideration" // 行政复议
	ChallengeLitigation      = "litigation"      // 行政诉讼
)

// ChallengeKindLabel is a kind in Chinese.
func ChallengeKindLabel(k string) string {
	switch k {
	case ChallengeReconsideration:
		return "行政复议"
	case ChallengeLitigation:
		return "行政诉讼"
	}
	return k
}

// ChallengeOutcomes are the results a review body or court gives.
var ChallengeOutcomes = []struct{ Code, Label string }{
	{"upheld", "维持（驳回）"},
	{"changed", "变更"},
	{"revoked", "撤销"},
	{"confirmed_illegal", "确认违法"},
	{"withdrawn", "当事人撤回申请（起诉）"},
}

// ChallengeOutcomeLabel is an outcome in Chinese.
func ChallengeOutcomeLabel(code string) string {
	for _, o := range ChallengeOutcomes {
		if o.Code == code {
			return o.Label
		}
	}
	return code
}

// Challenge is one 复议 or 诉讼. The filing event carries Kind, Filed and
// Body; the outcome event carries Kind, Outcome and Decided, and completes
// the open challenge of that kind.
type Challenge struct {
	Kind    string     `json:"kind"`
	Filed   time.Time  `json:"filed,omitzero"`
	Body    string     `json:"body,omitempty"` // 复议机关或人民法院
	Outcome string     `json:"outcome,omitempty"`
	Decided *time.Time `json:"decided,omitempty"`
	Note    string     `json:"note,omitempty"`
	// Late is set when the filing came after the period counted from
	// service; the body decides whether to accept it, so it is recorded.
	Late     bool      `json:"late,omitempty"`
	By       Actor     `json:"by,omitzero"`
	Recorded time.Time `json:"recorded,omitzero"`
}

// Open reports whether the challenge awaits its outcome.
func (ch Challenge) Open() bool { return ch.Outcome == "" }

// ChallengeDue is the last day to file a challenge of kind after service.
func ChallengeDue(kind string, served time.Time) time.Time {
	review, suit := ReviewEnds(served)
	if kind == ChallengeLitigation {
		return suit
	}
	return review
}

func (c Case) openChallenge(kind string) int {
	for i := len(c.Proceedings.Challenges) - 1; i >= 0; i-- {
		if ch := c.Proceedings.Challenges[i]; ch.Kind == kind && ch.Open() {
			return i
		}
	}
	return -1
}

// InChallenge reports whether a 复议 or 诉讼 of the decision is pending.
func (c Case) InChallenge() bool {
	for _, ch := range c.Proceedings.Challenges {
		if ch.Open() {
			return true
		}
	}
	return false
}

// Revoked reports whether a review body or court revoked the decision:
// nothing is owed under it any more.
func (c Case) Revoked() bool {
	for _, ch := range c.Proceedings.Challenges {
		if ch.Outcome == "revoked" {
			return true
		}
	}
	return false
}

func applyChallenge(c *Case, e Event) error {
	var ch Challenge
	if err := json.Unmarshal(e.Payload, &ch); err != nil {
		return fmt.Errorf("事件 %d 复议诉讼记录无法解析：%w", e.Index, err)
	}
	p := &c.Proceedings
	if ch.Outcome == "" {
		ch.By, ch.Recorded = e.Actor, e.At
		sv, ok := c.DecisionServed() // the mark is the log's dates, never the payload's word
		ch.Late = ok && day(ch.Filed).After(ChallengeDue(ch.Kind, sv.ServedAt))
		p.Challenges = append(p.Challenges, ch)
		return nil
	}
	i := c.openChallenge(ch.Kind)
	if i < 0 {
		return fmt.Errorf("事件 %d 记录%s结果，但没有待决的%s", e.Index, ChallengeKindLabel(ch.Kind), ChallengeKindLabel(ch.Kind))
	}
	// A new slice: the case before this event (kept by the figures' Deltas)
	// must not see the outcome.
	p.Challenges = append([]Challenge(nil), p.Challenges...)
	o := &p.Challenges[i]
	o.Outcome, o.Decided = ch.Outcome, ch.Decided
	if ch.Note != "" {
		o.Note = ch.Note
	}
	return nil
}

// checkChallenge: only a served decision is challenged; a filing needs its
// body and date (a late one is recorded and flagged, the body decides);
// an outcome needs a pending challenge of its kind and a date after filing.
func (c Case) checkChallenge(ch Challenge, now time.Time) error {
	sv, ok := c.DecisionServed()
	if !ok {
		return &ProcedureError{Kind: EventChallenge, Reason: "处罚决定书尚未送达，复议、诉讼期限自送达之日起计算", Article: "行政处罚法第六十一条", Need: "请先记录送达（fieldcase review serve --doc decision）"}
	}
	var es FieldErrors
	if ch.Kind != ChallengeReconsideration && ch.Kind != ChallengeLitigation {
		es.add("kind", "类型应为 reconsideration（行政复议）或 litigation（行政诉讼）")
		return es
	}
	cn := ChinaTime()
	if ch.Outcome == "" {
		switch {
		case ch.Filed.IsZero():
			es.add("filed", "请填写申请（起诉）日期")
		case ch.Filed.After(now.Add(clockSkew)):
			es.add("filed", "申请（起诉）日期不能晚于现在")
		case day(ch.Filed).Before(day(sv.ServedAt)):
			es.add("filed", "申请（起诉）日期早于决定书送达日期 %s", day(sv.ServedAt).Format("2006-01-02"))
		}
		checkText(&es, "body", ch.Body, MaxNameLen, true, "请写明复议机关或受理的人民法院")
		if ch.Decided != nil {
			es.add("decided", "结果日期与 --outcome 一起记录")
		}
		if c.openChallenge(ch.Kind) >= 0 {
			es.add("kind", "本案已有待决的%s，请先记录其结果", ChallengeKindLabel(ch.Kind))
		}
		if c.Revoked() {
			return &ProcedureError{Kind: EventChallenge, Reason: "处罚决定已被撤销", Article: ""}
		}
	} else {
		i := c.openChallenge(ch.Kind)
		if i < 0 {
			return &ProcedureError{Kind: EventChallenge, Reason: "本案没有待决的" + ChallengeKindLabel(ch.Kind), Need: "请先记录申请（fieldcase review challenge --kind " + ch.Kind + " --filed 日期 --body 机关）"}
		}
		if ChallengeOutcomeLabel(ch.Outcome) == ch.Outcome {
			var codes []string
			for _, o := range ChallengeOutcomes {
				codes = append(codes, o.Code+" "+o.Label)
			}
			es.add("outcome", "结果应为：%s", strings.Join(codes, "、"))
		}
		filed := c.Proceedings.Challenges[i].Filed
		switch {
		case ch.Decided == nil || ch.Decided.IsZero():
			es.add("decided", "请填写作出结果的日期")
		case ch.Decided.After(now.Add(clockSkew)):
			es.add("decided", "结果日期不能晚于现在")
		case day(*ch.Decided).Before(day(filed)):
			es.add("decided", "结果日期早于申请（起诉）日期 %s", filed.In(cn).Format("2006-01-02"))
		}
		if ch.Body != "" || !ch.Filed.IsZero() {
			es.add("body", "记录结果时不再填写申请日期和机关")
		}
	}
	checkText(&es, "note", ch.Note, MaxNoteLen, false, "")
	if len(es) > 0 {
		return es
	}
	return nil
}

// challengeSteps are the timeline's steps of the challenges on record.
func (c Case) challengeSteps(add func(TimelineStep)) {
	sv, _ := c.DecisionServed()
	for _, ch := range c.Proceedings.Challenges {
		due := ChallengeDue(ch.Kind, sv.ServedAt)
		s := TimelineStep{Code: "challenge_" + ch.Kind, Label: ChallengeKindLabel(ch.Kind), State: StepDone, At: tptr(ch.Filed),
			Basis: "当事人不服处罚决定，申请行政复议或者提起行政诉讼的，行政处罚不停止执行，法律另有规定的除外（行政处罚法第七十三条）"}
		s.Note = ch.Body + "，申请（起诉）于 " + fmtDay(ch.Filed)
		if ch.Late {
			s.Note += fmt.Sprintf("；已超过期限（%s 届满，行政复议法、行政诉讼法），由%s决定是否受理", due.Format("2006-01-02"), ch.Body)
		}
		if ch.Open() {
			s.Note += "；待决，决定不停止执行"
		} else {
			s.Note += "；结果：" + ChallengeOutcomeLabel(ch.Outcome)
			if ch.Decided != nil {
				s.Note += "（" + fmtDay(*ch.Decided) + "）"
			}
			switch ch.Outcome {
			case "revoked":
				s.Note += "，处罚决定已撤销，不再缴纳或执行"
			case "changed":
				s.Note += "，按变更后的决定执行（请记录变更后的内容）"
			}
		}
		add(s)
	}
}

func challengeNotes(e Event) []string {
	var ch Challenge
	if json.Unmarshal(e.Payload, &ch) != nil {
		return nil
	}
	var out []string
	if ch.Outcome == "" {
		out = []string{fmt.Sprintf("%s 当事人%s，%s", fmtDay(ch.Filed), map[string]string{ChallengeReconsideration: "申请行政复议", ChallengeLitigation: "提起行政诉讼"}[ch.Kind], ch.Body)}
	} else {
		when := ""
		if ch.Decided != nil {
			when = fmtDay(*ch.Decided) + " "
		}
		out = []string{when + ChallengeKindLabel(ch.Kind) + "结果：" + ChallengeOutcomeLabel(ch.Outcome)}
	}
	if ch.Note != "" {
		out = append(out, "说明："+ch.Note)
	}
	return out
}
