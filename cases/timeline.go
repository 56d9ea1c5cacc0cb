package cases

import (
	"fmt"
	"time"

	"fieldcase/rules"
)

// The case's procedure as a timeline: every step the law asks of this case,
// done or due, with its deadline and basis, and the next legal step. The
// CLI (case timeline) and the TUI show it; the queue flags are Deadlines.

// Step states.
const (
	StepDone    = "done"    // recorded
	StepDue     = "due"     // the next thing to do, or running
	StepLater   = "later"   // after an earlier step
	StepLapsed  = "lapsed"  // a period that ran out with nothing recorded (the party did not state, did not ask)
	StepSkipped = "skipped" // not required in this case
)

// TimelineStep is one step of the procedure.
type TimelineStep struct {
	Code    string     `json:"code"`
	Label   string     `json:"label"`
	State   string     `json:"state"`
	At      *time.Time `json:"at,omitempty"`  // when it was done
	Due     *time.Time `json:"due,omitempty"` // the last day (00:00 China time)
	Basis   string     `json:"basis"`
	Note    string     `json:"note,omitempty"`
	Warning string     `json:"warning,omitempty"` // a deadline counted in a year the holiday calendar does not cover
}

// Timeline is the case's procedure at a moment.
type Timeline struct {
	CaseID string         `json:"case_id"`
	Status Status         `json:"status"`
	Steps  []TimelineStep `json:"steps"`
	// Next is the next legal step (nil when the case is closed).
	Next *TimelineStep `json:"next,omitempty"`
	// Flags are the open deadlines, soonest first, as the queue shows them.
	Flags []Deadline `json:"flags"`
}

func tptr(t time.Time) *time.Time { return &t }

// Timeline lays out the case's procedure at now under pr.
func (c Case) Timeline(now time.Time, pr ProcedureRules) Timeline {
	rs := pr.ruleSet()
	per := PeriodsOf(rs)
	tl := Timeline{CaseID: c.ID, Status: c.Status, Flags: c.Deadlines(now)}
	if tl.Flags == nil {
		tl.Flags = []Deadline{}
	}
	add := func(s TimelineStep) { tl.Steps = append(tl.Steps, s) }
	d := c.Disposition(rs)
	decidedAt, decided := c.DecidedAt()

	filed := TimelineStep{Code: "filing", Label: "立案", State: StepDue, Basis: "首次提交即立案；作出决定的期限自此起算（行政处罚法第五十四条、第六十条）"}
	if c.SubmittedAt != nil {
		filed.State, filed.At = StepDone, c.SubmittedAt
	}
	add(filed)

	simple := d.Procedure == rules.ProcedureSimple && d.Penalty
	switch {
	case simple:
		b := TimelineStep{Code: "briefing", Label: "当场告知", State: StepDue, Basis: "当场作出处罚决定前，告知违法事实、理由、依据及陈述、申辩权利，听取当事人意见（行政处罚法第五十二条）"}
		if br := c.Proceedings.Briefing; br != nil {
			b.State, b.At = StepDone, tptr(br.At)
			b.Note = "当事人陈述：" + br.Said
			if br.Waived {
				b.Note = "当事人明确放弃陈述、申辩"
			}
		} else if decided {
			b.State, b.Note = StepLapsed, "决定前未记录当场告知"
		}
		add(b)
	case d.Penalty:
		c.noticeSteps(now, per, add)
	}
	if c.LegalRequired(pr.Policy) {
		s := TimelineStep{Code: "legal_review", Label: "法制审核", State: StepLater, Basis: "行政处罚法第五十八条"}
		if c.LegalPassed() {
			s.State, s.At = StepDone, tptr(c.Review.Legal.At)
		}
		add(s)
	}
	if c.CollectiveRequired() {
		s := TimelineStep{Code: "discussion", Label: "集体讨论", State: StepLater, Basis: "行政处罚法第五十七条第二款"}
		if dd := c.Review.Discussion; dd != nil {
			s.State, s.At = StepDone, tptr(dd.At)
		}
		add(s)
	}
	dec := TimelineStep{Code: "decision", Label: "作出决定", State: StepLater, Basis: "行政处罚法第五十七条"}
	if decided {
		dec.State, dec.At = StepDone, tptr(decidedAt)
		if h := c.Review.Decision; h != nil {
			dec.Note = h.Text()
		} else {
			dec.Note = dispText(d)
		}
	} else if c.SubmittedAt != nil && !simple {
		days, _ := c.stepDays("case_filing", 90, false)
		dec.Due = tptr(day(*c.SubmittedAt).AddDate(0, 0, days))
		dec.Basis = fmt.Sprintf("自立案之日起%d日内作出决定（行政处罚法第六十条）", days)
		if b := c.decisionBar(d, now, pr, EventApproved); b != nil {
			dec.Note = b.Reason
			if b.From != nil {
				dec.Note += "；最早可于 " + b.From.Format("2006-01-02") + " 作出"
			} else if b.Need != "" {
				dec.Note += "；" + b.Need
			}
		}
	}
	add(dec)
	if !d.Referral {
		c.afterDecisionSteps(now, per, d, decided, decidedAt, add)
	}
	cl := TimelineStep{Code: "closing", Label: "结案", State: StepLater, Basis: "结案报告经负责人批准"}
	if k := c.Proceedings.Closing; k != nil {
		cl.State, cl.At = StepDone, tptr(k.At)
		cl.Note = ClosingReasonLabel(k.Reason)
	} else if c.Status == StatusClosed {
		cl.State = StepDone
	}
	add(cl)
	// The next step: the first one neither done, lapsed nor skipped.
	for i := range tl.Steps {
		s := &tl.Steps[i]
		if s.State == StepLater || s.State == StepDue {
			s.State = StepDue
			tl.Next = s
			for j := i + 1; j < len(tl.Steps); j++ {
				if tl.Steps[j].State == StepDue {
					tl.Steps[j].State = StepLater
				}
			}
			break
		}
	}
	if tl.Next != nil {
		n := *tl.Next
		tl.Next = &n
	}
	return tl
}

// noticeSteps: the prior notice, the statement and the hearing.
func (c Case) noticeSteps(now time.Time, per Periods, add func(TimelineStep)) {
	n, ok := c.PriorNotice()
	s := TimelineStep{Code: "notice", Label: "事先告知", State: StepDue, Basis: "作出行政处罚决定之前，告知拟作出的处罚内容及事实、理由、依据和陈述、申辩、要求听证等权利（行政处罚法第四十四条）"}
	if !ok {
		add(s)
		add(TimelineStep{Code: "statement", Label: "陈述申辩", State: StepLater, Basis: fmt.Sprintf("告知书送达后%d个工作日（%s）", per.Statement, per.StatementSetting)})
		return
	}
	s.State, s.At = StepDone, tptr(n.ServedAt)
	if n.Proposal != nil {
		s.Note = "拟" + n.Proposal.Text()
	}
	if n.Method != "" {
		s.Note += "，" + ServiceMethodLabel(n.Method)
	}
	add(s)
	st := TimelineStep{Code: "statement", Label: "陈述申辩", Basis: "行政处罚法第四十五条、第六十二条"}
	due, span, warn := n.statementDue(per)
	st.Due, st.Warning = tptr(due), warn
	st.Basis = fmt.Sprintf("告知书送达后%s内（告知书所定，机关设定，须与法制科确认；行政处罚法第四十五条、第六十二条）", span)
	sts := c.statementsSince(n.ServedAt)
	switch {
	case len(sts) > 0:
		last := sts[len(sts)-1]
		st.State, st.At = StepDone, tptr(last.At)
		switch {
		case last.Waived:
			st.Note = "当事人明确放弃陈述、申辩"
		case last.Accepted == nil:
			st.State, st.Note = StepDue, "当事人已陈述、申辩，待复核"
		case *last.Accepted:
			st.Note = "复核：采纳。" + last.Reason
		default:
			st.Note = "复核：不予采纳。" + last.Reason
		}
	case day(now).After(due):
		st.State, st.Note = StepLapsed, "期限届满，当事人未陈述、申辩"
	default:
		st.State = StepDue
	}
	add(st)
	if !c.offersHearing(n) {
		return
	}
	h := c.hearing(n)
	hc := wd(n.ServedAt, per.HearingRequest)
	hs := TimelineStep{Code: "hearing", Label: "听证", Due: tptr(hc.Due), Warning: hc.Warning(),
		Basis: fmt.Sprintf("告知书送达后%d个工作日内要求听证；听证七个工作日前通知；决定依听证笔录作出（行政处罚法第六十三条至第六十五条、第八十五条）", per.HearingRequest)}
	switch {
	case h.held != nil:
		hs.State, hs.At, hs.Note = StepDone, tptr(h.held.At), "已举行，笔录 "+h.held.RecordName
	case h.waived != nil:
		hs.State, hs.At, hs.Note = StepDone, tptr(h.waived.At), "当事人放弃听证"
	case h.scheduled != nil:
		hs.State, hs.Due = StepDue, tptr(day(h.scheduled.At))
		hs.Note = "定于 " + h.scheduled.At.In(ChinaTime()).Format("2006-01-02 15:04") + " 举行，主持人 " + h.scheduled.hostName()
	case h.requested != nil:
		hs.State, hs.Note = StepDue, "当事人已要求听证，待安排（听证通知书须在听证七个工作日前送达）"
		hs.Due = nil
	case day(now).After(hc.Due):
		hs.State, hs.Note = StepLapsed, "申请期限届满，当事人未要求听证"
	default:
		hs.State = StepDue
	}
	add(hs)
}

// afterDecisionSteps: service, payment, reminder and court application.
func (c Case) afterDecisionSteps(now time.Time, per Periods, d Disposition, decided bool, decidedAt time.Time, add func(TimelineStep)) {
	sv := TimelineStep{Code: "service", Label: "送达决定书", State: StepLater, Basis: "决定书当场交付；当事人不在场的，七日（工作日）内送达（行政处罚法第六十一条、第八十五条）"}
	served, ok := c.DecisionServed()
	if ok {
		sv.State, sv.At = StepDone, tptr(served.ServedAt)
		sv.Note = ServiceMethodLabel(served.Method)
		rv, suit := ReviewEnds(served.ServedAt)
		sv.Note += fmt.Sprintf("；申请行政复议至 %s，提起行政诉讼至 %s", rv.Format("2006-01-02"), suit.Format("2006-01-02"))
	} else if decided {
		cnt := wd(decidedAt, per.Service)
		sv.Due, sv.Warning = tptr(cnt.Due), cnt.Warning()
	}
	add(sv)
	if ok {
		c.challengeSteps(add)
	}
	if !d.Penalty || d.Fine == nil {
		return
	}
	pay := TimelineStep{Code: "payment", Label: "缴纳罚款", State: StepLater, Basis: "自收到决定书之日起十五日内缴纳；逾期每日加处罚款数额百分之三，不超过罚款数额（行政处罚法第六十七条、第七十二条）；申请复议、提起诉讼的不停止执行（第七十三条）"}
	if ok {
		pay.Due = tptr(c.paymentDue(served, per))
		if df := c.Proceedings.Deferral; df != nil {
			pay.Basis += "；经批准暂缓（分期）缴纳至 " + day(df.Until).Format("2006-01-02")
		}
	}
	owe := c.Outstanding(now)
	switch {
	case c.Revoked():
		pay.State, pay.Due, pay.Note = StepSkipped, nil, "处罚决定已被撤销，不再缴纳"
	case c.Paid() > 0 && owe <= 0.005:
		last := c.Proceedings.Payments[len(c.Proceedings.Payments)-1]
		pay.State, pay.At = StepDone, tptr(last.PaidAt)
		pay.Note = fmt.Sprintf("已缴 %g 元", c.Paid())
	case ok:
		pay.Note = fmt.Sprintf("应缴 %g 元", owe)
		if fee := c.LateFee(now); fee > 0 {
			pay.Note += fmt.Sprintf("（含加处罚款 %g 元）", fee)
		}
	}
	add(pay)
	if !ok || pay.State != StepLater && pay.State != StepDue || !day(now).After(c.paymentDue(served, per)) {
		return
	}
	rem := TimelineStep{Code: "reminder", Label: "催告", State: StepDue, Basis: "申请人民法院强制执行前，应当催告当事人履行义务（行政强制法第五十四条）"}
	for _, s := range c.Proceedings.Served {
		if s.Doc == "reminder" {
			rem.State, rem.At = StepDone, tptr(s.ServedAt)
		}
	}
	add(rem)
	if w, wok := c.CourtWindow(per); wok {
		add(TimelineStep{Code: "court", Label: "申请强制执行", State: StepLater, Due: tptr(w.To),
			Basis: "催告书送达十日后仍未履行，且复议、诉讼期限届满之日起三个月内申请人民法院强制执行（行政强制法第五十三条、第五十四条）",
			Note:  "可申请期间 " + w.From.Format("2006-01-02") + " 至 " + w.To.Format("2006-01-02")})
	}
}
