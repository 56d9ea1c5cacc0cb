package cases

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"fieldcase/rules"
)

func at(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, cnTZ) }

// fineCase is a person's case with a statutory range of 50–10,000 yuan and
// the officer's proposed fine, pending the head's approval.
func fineCase(fine float64, mods ...func(*Case)) Case {
	return reviewCase(StatusPendingApproval, append([]func(*Case){func(c *Case) {
		c.Content.Party = Party{Kind: PartyPerson, Name: "张三"}
		c.Suggestion.Decision.StatutoryFine = &rules.FineRange{Min: rules.YuanAmount(50), Max: rules.YuanAmount(10000)}
		c.Choice = &Choice{Outcome: "fine", Fine: &fine, Reason: "按裁量基准"}
	}}, mods...)...)
}

// served adds a prior notice, prepared from the case as it stands.
func served(t time.Time) func(*Case) {
	return func(c *Case) {
		n := c.PrepareNotice(Notice{Kind: NoticePrior, ServedAt: t, Method: "direct"}, ProcedureRules{})
		c.Review.Notices = append(c.Review.Notices, n)
	}
}

func statement(s Statement) func(*Case) {
	return func(c *Case) { c.Proceedings.Statements = append(c.Proceedings.Statements, s) }
}

func hearingStep(h HearingStep) func(*Case) {
	return func(c *Case) { c.Proceedings.Hearing = append(c.Proceedings.Hearing, h) }
}

func approve(c Case, when time.Time) error {
	return CheckStep(c, EventApproved, []byte(`{}`), when, ProcedureRules{})
}

func decide(c Case, d HeadDecision, when time.Time) error {
	b, _ := json.Marshal(d)
	return CheckStep(c, EventHeadDecision, b, when, ProcedureRules{})
}

func wantBar(t *testing.T, err error, article, from string) {
	t.Helper()
	var pe *ProcedureError
	if !errors.As(err, &pe) {
		t.Fatalf("want a ProcedureError naming %s, got %v", article, err)
	}
	if !strings.Contains(pe.Error(), article) {
		t.Errorf("refusal does not name %s: %s", article, pe.Error())
	}
	switch {
	case from == "" && pe.From != nil:
		t.Errorf("unexpected first date %s: %s", pe.From.Format("2006-01-02"), pe.Error())
	case from != "" && (pe.From == nil || pe.From.Format("2006-01-02") != from) && !strings.Contains(pe.Need, from):
		t.Errorf("first possible date should be %s: %s", from, pe.Error())
	}
}

func fine(v float64) *float64 { return &v }

// TestDecisionRefusedArt44and62 reproduces the reported decisions the law
// forbids: each must be refused with the article and the first date.
func TestDecisionRefusedArt44and62(t *testing.T) {
	mon := at(2026, 11, 23, 10) // a Monday
	waived := statement(Statement{At: mon.Add(time.Hour), Waived: true})

	// Art. 44, 62: decide with no notice served. Served today, the three
	// working days run Tue–Thu: first possible Friday 11-27.
	wantBar(t, approve(fineCase(300), mon), "第四十四条", "2026-11-27")

	// Art. 62: a decision the same day the notice was served, while the
	// notice gave 3 working days.
	wantBar(t, approve(fineCase(300, served(mon)), mon.Add(2*time.Hour)), "第六十二条", "2026-11-27")
	// … allowed once the period is over, or once the party waived.
	if err := approve(fineCase(300, served(mon)), at(2026, 11, 27, 9)); err != nil {
		t.Errorf("after the statement period: %v", err)
	}
	if err := approve(fineCase(300, served(mon), waived), mon.Add(2*time.Hour)); err != nil {
		t.Errorf("after an explicit waiver (Art. 62 proviso): %v", err)
	}
	// A statement not yet reviewed (复核) holds the decision (Art. 45).
	wantBar(t, approve(fineCase(300, served(mon), statement(Statement{At: mon.Add(time.Hour), Summary: "摊位是临时的"})), at(2026, 12, 1, 9)), "第四十五条", "")
	ok := true
	if err := approve(fineCase(300, served(mon), statement(Statement{At: mon.Add(time.Hour), Summary: "摊位是临时的", Accepted: &ok, Reason: "属实"})), mon.Add(3*time.Hour)); err != nil {
		t.Errorf("after the 复核: %v", err)
	}

	// Art. 45 ¶2: notified 300, decided 500 — and notified 4,000 (no
	// hearing right), decided 8,000 (hearing right).
	c := fineCase(300, served(mon), waived)
	c.Choice.Fine = fine(500)
	wantBar(t, approve(c, at(2026, 12, 1, 9)), "第四十五条第二款", "")
	c = fineCase(4000, served(mon), waived)
	wantBar(t, decide(c, HeadDecision{Ruling: "penalty", Fine: fine(8000), Comment: "情节严重"}, at(2026, 12, 1, 9)), "第四十五条第二款", "")
	// A lighter decision needs no new notice.
	if err := decide(c, HeadDecision{Ruling: "penalty", Fine: fine(3000), Comment: "从轻"}, at(2026, 12, 1, 9)); err != nil {
		t.Errorf("lighter than notified: %v", err)
	}
}

// TestHearingWindowArt63and64: a 6,000-yuan fine carries the hearing
// right; the decision waits for the five working days (Art. 64(一), 85),
// for a requested hearing to be held (Art. 65), and never counts through
// the National Day holiday as if it were worked.
func TestHearingWindowArt63and64(t *testing.T) {
	sep30 := at(2026, 9, 30, 15)
	c := fineCase(6000, served(sep30), statement(Statement{At: sep30, Waived: true}))
	if n, _ := c.PriorNotice(); !n.HearingRight {
		t.Fatal("a 6,000-yuan fine on a person must carry the hearing right (Art. 63)")
	}
	// The window: 10-08, 10-09, 10-10 (worked Saturday), 10-12, 10-13.
	wantBar(t, approve(c, at(2026, 10, 8, 9)), "第六十四条", "2026-10-14")
	wantBar(t, approve(c, at(2026, 10, 13, 17)), "第六十四条", "2026-10-14")
	if err := approve(c, at(2026, 10, 14, 9)); err != nil {
		t.Errorf("after the hearing window: %v", err)
	}
	var hearing *Deadline
	for _, d := range c.Deadlines(at(2026, 10, 8, 9)) {
		if d.Code == DeadlineHearing {
			hearing = &d
		}
	}
	if hearing == nil || hearing.Due.Format("2006-01-02") != "2026-10-13" {
		t.Errorf("hearing deadline across National Day 2026: %+v", hearing)
	}

	// Requested and not yet held: no decision (Art. 63, 65).
	req := fineCase(6000, served(sep30), statement(Statement{At: sep30, Waived: true}), hearingStep(HearingStep{Stage: HearingRequested, At: at(2026, 10, 9, 10)}))
	wantBar(t, approve(req, at(2026, 11, 1, 9)), "第六十五条", "")
	held := fineCase(6000, served(sep30), statement(Statement{At: sep30, Waived: true}),
		hearingStep(HearingStep{Stage: HearingRequested, At: at(2026, 10, 9, 10)}),
		hearingStep(HearingStep{Stage: HearingScheduled, At: at(2026, 10, 22, 9), Host: &sun, NoticeServed: ptr(at(2026, 10, 12, 9))}),
		hearingStep(HearingStep{Stage: HearingHeld, At: at(2026, 10, 22, 9), Record: "ab12"}))
	if err := approve(held, at(2026, 10, 23, 9)); err != nil {
		t.Errorf("after the hearing was held: %v", err)
	}
	// An absent party waives (Art. 64(八)).
	if err := approve(fineCase(6000, served(sep30), statement(Statement{At: sep30, Waived: true}), hearingStep(HearingStep{Stage: HearingWaived, At: at(2026, 10, 8, 9)})), at(2026, 10, 8, 10)); err != nil {
		t.Errorf("after the hearing was waived: %v", err)
	}
}

func ptr(t time.Time) *time.Time { return &t }

// TestHearingStepsArt64 checks the hearing's own steps.
func TestHearingStepsArt64(t *testing.T) {
	sep30 := at(2026, 9, 30, 15)
	now := at(2026, 11, 30, 9)
	c := fineCase(6000, served(sep30))
	step := func(c Case, h HearingStep) error {
		b, _ := json.Marshal(h)
		return CheckStep(c, EventHearing, b, now, ProcedureRules{})
	}
	// Art. 64(一): a request after the five working days is refused.
	wantBar(t, step(c, HearingStep{Stage: HearingRequested, At: at(2026, 10, 14, 9)}), "第六十四条第（一）项", "")
	if err := step(c, HearingStep{Stage: HearingRequested, At: at(2026, 10, 13, 16)}); err != nil {
		t.Errorf("request on the last day: %v", err)
	}
	req := fineCase(6000, served(sep30), hearingStep(HearingStep{Stage: HearingRequested, At: at(2026, 10, 13, 16)}))
	// Art. 64(四): the host is not an investigator of the case.
	wantBar(t, step(req, HearingStep{Stage: HearingScheduled, At: at(2026, 11, 20, 9), Host: &wang, NoticeServed: ptr(at(2026, 11, 2, 9))}), "第六十四条第（四）项", "")
	// Art. 64(二), 85: notice served seven working days before. Served
	// Mon 11-09, the seventh working day after is Wed 11-18.
	wantBar(t, step(req, HearingStep{Stage: HearingScheduled, At: at(2026, 11, 17, 9), Host: &sun, NoticeServed: ptr(at(2026, 11, 9, 9))}), "第六十四条第（二）项", "2026-11-18")
	if err := step(req, HearingStep{Stage: HearingScheduled, At: at(2026, 11, 18, 9), Host: &sun, NoticeServed: ptr(at(2026, 11, 9, 9))}); err != nil {
		t.Errorf("hearing seven working days after the notice: %v", err)
	}
	// A hearing offered no hearing right is refused (Art. 63).
	wantBar(t, step(fineCase(300, served(sep30)), HearingStep{Stage: HearingRequested, At: at(2026, 10, 9, 9)}), "第六十三条", "")
}

// TestMandatoryGroundsArt30to36: a penalty the law forbids is refused
// whoever decides it, and a fine below the minimum needs its ground and
// the legal review.
func TestMandatoryGroundsArt30to36(t *testing.T) {
	mon := at(2026, 11, 23, 10)
	later := at(2026, 12, 1, 9)
	for _, tc := range []struct {
		ground  rules.Ground
		article string
	}{
		{rules.GroundAge, "第三十条"},
		{rules.GroundCapacity, "第三十一条"},
		{rules.GroundMinorNoHarm, "第三十三条第一款"},
		{rules.GroundNoFault, "第三十三条第二款"},
		{rules.GroundTimeLimit, "第三十六条"},
	} {
		c := fineCase(300, served(mon), func(c *Case) {
			c.Suggestion.Decision.Outcome, c.Suggestion.Decision.Ground = rules.NotPunishable, tc.ground
			c.Choice = &Choice{Follow: true}
		})
		wantBar(t, decide(c, HeadDecision{Ruling: "penalty", Fine: fine(300), Comment: "予以处罚"}, later), tc.article, "")
		if err := decide(c, HeadDecision{Ruling: "no_penalty", Comment: "不予处罚"}, later); err != nil {
			t.Errorf("%s: no_penalty refused: %v", tc.ground, err)
		}
	}
	// A 16-year-old notified 250, decided 30: below the 50-yuan minimum,
	// Art. 30 allows 减轻, the rule set sends 减轻 to legal review (Art. 58).
	minor := func(c *Case) {
		c.Suggestion.Decision.Outcome = rules.Mitigated
		c.Suggestion.Decision.ReductionAllowed = true
		c.Suggestion.Decision.MitigationGrounds = []string{"已满十四周岁不满十八周岁（第三十条）"}
	}
	c := fineCase(250, served(mon), statement(Statement{At: mon, Waived: true}), minor)
	wantBar(t, decide(c, HeadDecision{Ruling: "penalty", Fine: fine(30), Comment: "减轻"}, later), "第五十八条", "")
	legalPassed(&c)
	if err := decide(c, HeadDecision{Ruling: "penalty", Fine: fine(30), Comment: "减轻"}, later); err != nil {
		t.Errorf("reduction after legal review: %v", err)
	}
	// Without any ground of Art. 30–32, below the minimum is refused.
	c = fineCase(250, served(mon), statement(Statement{At: mon, Waived: true}))
	legalPassed(&c)
	wantBar(t, decide(c, HeadDecision{Ruling: "penalty", Fine: fine(30), Comment: "减轻"}, later), "第三十二条", "")
}

// TestNoticeServiceArt47: the record never says the party was told before
// the notice existed.
func TestNoticeServiceArt47(t *testing.T) {
	c := fineCase(300, func(c *Case) {
		c.Documents = []IssuedDocument{{Kind: "notice", Number: "渝城告〔2026〕1号", IssuedAt: at(2026, 11, 23, 10)}}
	})
	n := c.PrepareNotice(Notice{Kind: NoticePrior, ServedAt: at(2026, 11, 20, 10), Method: "direct"}, ProcedureRules{})
	b, _ := json.Marshal(n)
	var es FieldErrors
	if err := CheckStep(c, EventNoticeServed, b, at(2026, 11, 23, 12), ProcedureRules{}); !errors.As(err, &es) || !strings.Contains(err.Error(), "第四十七条") {
		t.Errorf("service before issue: %v", err)
	}
	n.ServedAt = at(2026, 11, 23, 11)
	b, _ = json.Marshal(n)
	if err := CheckStep(c, EventNoticeServed, b, at(2026, 11, 23, 12), ProcedureRules{}); err != nil {
		t.Errorf("service after issue: %v", err)
	}
	if n.Proposal == nil || n.Proposal.Fine == nil || *n.Proposal.Fine != 300 || n.HearingRight || n.StatementDays != 3 {
		t.Errorf("the notice must fix the proposed penalty, rights and period: %+v", n)
	}
}

// TestLateFeeArt72: 3% a day after the fifteen days, never above the fine.
func TestLateFeeArt72(t *testing.T) {
	c := fineCase(1000, func(c *Case) {
		c.Status = StatusApproved
		c.Review.Approved = &Signoff{At: at(2026, 11, 2, 9)}
		c.Proceedings.Served = []Service{{Doc: "decision", ServedAt: at(2026, 11, 2, 10), Method: "direct"}}
	})
	for _, tc := range []struct {
		when time.Time
		fee  float64
	}{
		{at(2026, 11, 17, 20), 0},  // the fifteenth day
		{at(2026, 11, 18, 9), 30},  // one day late
		{at(2026, 11, 27, 9), 300}, // ten days
		{at(2027, 3, 1, 9), 1000},  // capped at the fine
	} {
		if got := c.LateFee(tc.when); got != tc.fee {
			t.Errorf("late fee at %s = %g, want %g", tc.when.Format("2006-01-02"), got, tc.fee)
		}
	}
	// Art. 66 ¶2: an approved deferral moves the last day; the fee runs after it.
	until := at(2026, 12, 31, 0)
	b, _ := json.Marshal(Deferral{Until: until, Instalments: 2, Reason: "当事人失业，书面申请分两期缴纳"})
	if err := CheckStep(c, EventDeferred, b, at(2026, 11, 10, 9), ProcedureRules{}); err != nil {
		t.Fatalf("deferral: %v", err)
	}
	b, _ = json.Marshal(Deferral{Until: at(2026, 11, 12, 0), Reason: "x"})
	if err := CheckStep(c, EventDeferred, b, at(2026, 11, 10, 9), ProcedureRules{}); err == nil {
		t.Error("a deferral ending before the fifteen days was accepted")
	}
	c.Proceedings.Deferral = &Deferral{Until: until}
	if got := c.LateFee(at(2026, 12, 31, 20)); got != 0 {
		t.Errorf("late fee inside the deferral: %g", got)
	}
	if got := c.LateFee(at(2027, 1, 1, 9)); got != 30 {
		t.Errorf("late fee a day after the deferral: %g", got)
	}
}

// TestNewNoticeAfterDefenceArt45: once the party has defended, a new
// notice proposing more says which new facts justify it (Art. 45 ¶2).
func TestNewNoticeAfterDefenceArt45(t *testing.T) {
	mon := at(2026, 11, 23, 10)
	c := fineCase(300, served(mon), statement(Statement{At: mon.Add(time.Hour), Summary: "初次摆摊", Accepted: new(bool), Reason: "不成立"}))
	c.Choice.Fine = fine(800)
	n := c.PrepareNotice(Notice{Kind: NoticePrior, ServedAt: at(2026, 11, 25, 10), Method: "direct"}, ProcedureRules{})
	b, _ := json.Marshal(n)
	wantBar(t, CheckStep(c, EventNoticeServed, b, at(2026, 11, 25, 11), ProcedureRules{}), "第四十五条第二款", "")
	n.Note = "复查发现当事人另有两处占道经营，补充现场笔录"
	b, _ = json.Marshal(n)
	if err := CheckStep(c, EventNoticeServed, b, at(2026, 11, 25, 11), ProcedureRules{}); err != nil {
		t.Errorf("a heavier notice on new facts: %v", err)
	}
	// With the new notice served, 800 is no longer heavier than notified.
	c.Review.Notices = append(c.Review.Notices, n)
	c.Proceedings.Statements = append(c.Proceedings.Statements, Statement{At: at(2026, 11, 25, 12), Waived: true})
	if err := approve(c, at(2026, 11, 25, 13)); err != nil {
		t.Errorf("decision after the new notice and a waiver: %v", err)
	}
}

// TestOnTheSpotCollectionArt68: cash taken on the spot needs its receipt
// and stays within the rule set's on-the-spot ceiling.
func TestOnTheSpotCollectionArt68(t *testing.T) {
	c := fineCase(300, func(c *Case) {
		c.Status = StatusApproved
		c.Review.Approved = &Signoff{At: at(2026, 11, 2, 9)}
		c.Proceedings.Served = []Service{{Doc: "decision", ServedAt: at(2026, 11, 2, 10), Method: "direct"}}
	})
	pay := func(p Payment) error {
		b, _ := json.Marshal(p)
		return CheckStep(c, EventPayment, b, at(2026, 11, 3, 9), ProcedureRules{})
	}
	if err := pay(Payment{Amount: 300, PaidAt: at(2026, 11, 2, 11), OnTheSpot: true}); err == nil || !strings.Contains(err.Error(), "第七十条") {
		t.Errorf("on-the-spot without a receipt: %v", err)
	}
	if err := pay(Payment{Amount: 300, PaidAt: at(2026, 11, 2, 11), OnTheSpot: true, Receipt: "渝财罚0001"}); err == nil || !strings.Contains(err.Error(), "第六十八条") {
		t.Errorf("300 yuan collected on the spot (ceiling 100): %v", err)
	}
	if err := pay(Payment{Amount: 300, PaidAt: at(2026, 11, 2, 11), OnTheSpot: true, Receipt: "渝财罚0002", SpotGround: "remote"}); err != nil {
		t.Errorf("on the spot in a remote area (Art. 69): %v", err)
	}
	if err := pay(Payment{Amount: 300, PaidAt: at(2026, 11, 2, 11), Receipt: "工行转账0001"}); err != nil {
		t.Errorf("bank payment: %v", err)
	}
	// Paid in full (Art. 67): a further payment is refused as a step, not
	// as a wrong amount.
	c.Proceedings.Payments = []Payment{{Amount: 300, PaidAt: at(2026, 11, 2, 11), Receipt: "工行转账0001"}}
	var pe *ProcedureError
	if err := pay(Payment{Amount: 1, PaidAt: at(2026, 11, 3, 8), Receipt: "工行转账0002"}); !errors.As(err, &pe) || !strings.Contains(err.Error(), "已全部缴清") {
		t.Errorf("a payment after the fine was paid in full: %v", err)
	}
}

// TestLegacyNoticeArt63: a notice recorded before notices fixed their
// content is read as offering what the rules engine said: its hearing
// window runs, and a decision inside it is refused.
func TestLegacyNoticeArt63(t *testing.T) {
	mon := at(2026, 11, 23, 10)
	c := fineCase(6000, func(c *Case) {
		c.Suggestion.Decision.HearingRight = true
		c.Review.Notices = []Notice{{Kind: NoticePrior, ServedAt: mon}}
		c.Proceedings.Statements = []Statement{{At: mon, Waived: true}}
	})
	wantBar(t, approve(c, at(2026, 11, 26, 9)), "第六十四条", "2026-12-01")
	if err := approve(c, at(2026, 12, 1, 9)); err != nil {
		t.Errorf("after the window: %v", err)
	}
}
