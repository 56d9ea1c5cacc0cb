package cases

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"fieldcase/rules"
)

var (
	wang    = Actor{ID: "wangwu", Name: "王五", Cert: "50010001", Role: RoleOfficer}  // records the case
	zhao    = Actor{ID: "zhaoliu", Name: "赵六", Cert: "50010002", Role: RoleOfficer} // second officer, listed by cert only
	sun     = Actor{ID: "sunqi", Name: "孙七", Cert: "50010003", Role: RoleOfficer}   // not on the case
	li      = Actor{ID: "lihua", Name: "李华", Cert: "50010011", Role: RoleSupervisor}
	liOwn   = Actor{ID: "qianba", Name: "钱八", Cert: "50010012", Role: RoleSupervisor} // a supervisor who is the case's second officer
	chen    = Actor{ID: "chenjing", Name: "陈静", Cert: "50010021", Role: RoleLegal}
	zhou    = Actor{ID: "zhoumin", Name: "周敏", Cert: "50010031", Role: RoleHead}
	cnTZ    = ChinaTime()
	filedAt = time.Date(2026, 11, 20, 10, 0, 0, 0, cnTZ) // a Friday
)

// reviewCase builds a case in a status with the review facts a test needs.
func reviewCase(st Status, mods ...func(*Case)) Case {
	at := filedAt
	c := Case{
		ID: "c1", Status: st, CreatedBy: wang, SubmittedAt: &at,
		Content: Content{
			Violation: "CG01", Facts: "在人行道摆摊",
			OccurredAt: filedAt.Add(-time.Hour),
			Officers:   []Officer{{ID: "wangwu", Name: "王五", Cert: "50010001"}, {Name: "赵六", Cert: "50010002"}},
		},
		Suggestion: &Suggestion{Decision: rules.Decision{Outcome: rules.Punishable, Procedure: rules.ProcedureOrdinary}, FirstOffence: FirstOffenceBasis{Given: true}, MadeAt: filedAt},
		Choice:     &Choice{Follow: true},
		Review:     Review{Round: 1},
	}
	for _, m := range mods {
		m(&c)
	}
	return c
}

func needsLegal(c *Case)      { c.Suggestion.Decision.LegalReview = true }
func needsCollective(c *Case) { c.Suggestion.Decision.CollectiveDiscussion = true }
func legalPassed(c *Case) {
	c.Review.Legal = &LegalOpinion{Pass: true, Checklist: NewChecklist(), By: chen, At: filedAt}
}
func discussed(c *Case) {
	c.Review.Discussion = &Discussion{Date: filedAt, Participants: []string{"周敏", "吴九"}, Conclusion: "同意"}
}
func withSecondOfficer(a Actor) func(*Case) {
	return func(c *Case) { c.Content.Officers[1] = Officer{ID: a.ID, Name: a.Name, Cert: a.Cert} }
}

var (
	three = DefaultReviewPolicy()
	two   = ReviewPolicy{Chain: ChainTwoLevel, StaleIndexDays: DefaultStaleIndexDays}
)

// TestAuthorizeRoles is the table of who may do what: each row one actor,
// one act, one case, and whether it is allowed — and if not, what the
// refusal must say.
func TestAuthorizeRoles(t *testing.T) {
	type row struct {
		name   string
		p      ReviewPolicy
		a      Actor
		c      Case
		kind   EventKind
		ok     bool
		reason string // part of the refusal (ForbiddenError) or "" for a TransitionError
	}
	sub := reviewCase(StatusSubmitted)
	subLegal := reviewCase(StatusSubmitted, needsLegal)
	subCollective := reviewCase(StatusSubmitted, needsCollective)
	inLegal := reviewCase(StatusLegalReview, needsLegal)
	pending := reviewCase(StatusPendingApproval)
	pendingLegalOK := reviewCase(StatusPendingApproval, needsLegal, legalPassed)
	pendingCollective := reviewCase(StatusPendingApproval, needsCollective)
	pendingDiscussed := reviewCase(StatusPendingApproval, needsCollective, discussed)
	returned := reviewCase(StatusReturned)
	ownSub := reviewCase(StatusSubmitted, withSecondOfficer(liOwn))
	approved := reviewCase(StatusApproved)
	rows := []row{
		// Officers: their own case in their hands; never a reviewer's act.
		{"officer edits a returned case", three, wang, returned, EventContentSet, true, ""},
		{"second officer (by cert) resubmits", three, zhao, returned, EventSubmitted, true, ""},
		{"other officer may not edit", three, sun, returned, EventContentSet, false, "只有本案承办人"},
		{"supervisor may not edit facts", three, li, returned, EventContentSet, false, "只有本案承办人"},
		{"officer may not edit a submitted case", three, wang, sub, EventContentSet, false, ""},
		{"officer records a notice in review", three, wang, sub, EventNoticeServed, true, ""},
		{"officer may not approve", three, wang, sub, EventReviewed, false, "只有审核人"},
		{"officer may not return", three, sun, sub, EventReturned, false, "只有审核人"},

		// Supervisor, three levels: review, return, send to legal.
		{"supervisor reviews (3 levels)", three, li, sub, EventReviewed, true, ""},
		{"supervisor may not approve finally (3 levels)", three, li, sub, EventApproved, false, "三级审批"},
		{"supervisor returns", three, li, sub, EventReturned, true, ""},
		{"supervisor sends to legal", three, li, sub, EventLegalReviewRequired, true, ""},
		{"supervisor may not review own case", three, liOwn, ownSub, EventReviewed, false, "回避"},
		{"supervisor may not return own case", three, liOwn, ownSub, EventReturned, false, "回避"},
		{"supervisor may not give a legal opinion", three, li, inLegal, EventLegalPassed, false, "只有法制审核员"},
		{"supervisor may not decide", three, li, pending, EventHeadDecision, false, "只有负责人"},
		{"supervisor may not approve in the head's stage", three, li, pending, EventApproved, false, "只有负责人"},
		{"supervisor may not return in the head's stage", three, li, pending, EventReturned, false, "只有负责人"},

		// Supervisor, two levels: the approval is final.
		{"supervisor approves (2 levels)", two, li, sub, EventApproved, true, ""},
		{"review step absent (2 levels)", two, li, sub, EventReviewed, false, "两级审批"},
		{"collective cases go to the head even in 2 levels", two, li, subCollective, EventApproved, false, "集体讨论"},
		{"collective case: supervisor reviews (2 levels)", two, li, subCollective, EventReviewed, true, ""},
		{"supervisor approves after legal (2 levels)", two, li, pendingLegalOK, EventApproved, true, ""},
		{"head is not the approver (2 levels)", two, zhou, pendingLegalOK, EventApproved, false, "只有审核人"},

		// Legal review blocks every approval until it passed.
		{"no review before legal (3 levels)", three, li, subLegal, EventReviewed, false, "第五十八条"},
		{"no approval before legal (2 levels)", two, li, subLegal, EventApproved, false, "第五十八条"},
		{"send the case to legal", three, li, subLegal, EventLegalReviewRequired, true, ""},
		{"legal reviewer passes", three, chen, inLegal, EventLegalPassed, true, ""},
		{"legal reviewer fails", three, chen, inLegal, EventLegalFailed, true, ""},
		{"head may not give a legal opinion", three, zhou, inLegal, EventLegalPassed, false, "只有法制审核员"},
		{"nobody returns during legal review", three, li, inLegal, EventReturned, false, "法制审核中"},
		{"nobody approves during legal review", three, zhou, inLegal, EventApproved, false, ""},
		{"head approves after legal", three, zhou, pendingLegalOK, EventApproved, true, ""},
		{"no second legal review in a round", three, zhou, pendingLegalOK, EventLegalReviewRequired, false, "已通过法制审核"},
		{"legal reviewer may not approve", three, chen, pendingLegalOK, EventApproved, false, "只有负责人"},

		// Head: approval, discussion, decision.
		{"head approves", three, zhou, pending, EventApproved, true, ""},
		{"head returns", three, zhou, pending, EventReturned, true, ""},
		{"head sends to legal", three, zhou, pending, EventLegalReviewRequired, true, ""},
		{"head decides", three, zhou, pending, EventHeadDecision, true, ""},
		{"head may not review at the first level", three, zhou, sub, EventReviewed, false, "只有审核人"},
		{"no approval before collective discussion", three, zhou, pendingCollective, EventApproved, false, "集体讨论"},
		{"no decision before collective discussion", three, zhou, pendingCollective, EventHeadDecision, false, "第五十七条"},
		{"head records the discussion", three, zhou, pendingCollective, EventDiscussed, true, ""},
		{"only the head records the discussion", three, li, pendingCollective, EventDiscussed, false, "只有负责人"},
		{"head decides after discussion", three, zhou, pendingDiscussed, EventHeadDecision, true, ""},
		{"head approves after discussion", three, zhou, pendingDiscussed, EventApproved, true, ""},

		// After the decision.
		{"officer may not close: the head approves the closing report", three, wang, approved, EventClosed, false, "负责人"},
		{"head closes", three, zhou, approved, EventClosed, true, ""},
		{"legal reviewer may not close", three, chen, approved, EventClosed, false, "结案"},
		{"nothing is approved twice", three, zhou, approved, EventApproved, false, ""},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			err := Authorize(r.p, r.a, r.c, r.kind)
			if r.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("allowed")
			}
			var fe *ForbiddenError
			var te *TransitionError
			switch {
			case r.reason == "":
				if !errors.As(err, &te) {
					t.Fatalf("err = %v, want a TransitionError", err)
				}
			case !errors.As(err, &fe):
				t.Fatalf("err = %v (%T), want a ForbiddenError", err, err)
			case !strings.Contains(err.Error(), r.reason):
				t.Fatalf("refusal %q does not say %q", err, r.reason)
			}
		})
	}
}

func TestApprovalKindFollowsTheChain(t *testing.T) {
	sub := reviewCase(StatusSubmitted)
	if k := three.ApprovalKind(sub); k != EventReviewed {
		t.Errorf("three levels, submitted: %s", k)
	}
	if k := two.ApprovalKind(sub); k != EventApproved {
		t.Errorf("two levels, submitted: %s", k)
	}
	if k := two.ApprovalKind(reviewCase(StatusSubmitted, needsCollective)); k != EventReviewed {
		t.Errorf("two levels, collective: %s", k)
	}
	if k := three.ApprovalKind(reviewCase(StatusPendingApproval)); k != EventApproved {
		t.Errorf("three levels, pending: %s", k)
	}
	if got := three.Allowed(li, sub); !slices.Equal(got, []Act{ActApprove, ActReturn, ActSendLegal}) {
		t.Errorf("supervisor's acts = %v", got)
	}
	if got := three.Allowed(zhou, reviewCase(StatusPendingApproval, needsCollective)); !slices.Equal(got, []Act{ActReturn, ActSendLegal, ActDiscuss}) {
		t.Errorf("head's acts before discussion = %v", got)
	}
	if got := three.Allowed(chen, reviewCase(StatusLegalReview)); !slices.Equal(got, []Act{ActLegal}) {
		t.Errorf("legal reviewer's acts = %v", got)
	}
}

func TestPolicyTriggersLegalReview(t *testing.T) {
	c := reviewCase(StatusSubmitted, func(c *Case) { c.Choice = &Choice{Follow: false, Outcome: "warning", Reason: "当事人当场改正"} })
	if c.LegalRequired(three) {
		t.Fatal("a departure needs legal review without a trigger")
	}
	p := three
	p.LegalTriggers = []string{FlagDeparture}
	if !c.LegalRequired(p) {
		t.Fatal("the departure trigger did not require legal review")
	}
	err := Authorize(p, li, c, EventReviewed)
	if err == nil || !strings.Contains(err.Error(), "承办人未采纳系统建议") {
		t.Fatalf("err = %v, want the trigger named", err)
	}
	if es := CheckPolicy(ReviewPolicy{Chain: "four", LegalTriggers: []string{"nonsense"}, StaleIndexDays: 0}); len(es) != 3 {
		t.Fatalf("CheckPolicy = %v", es)
	}
	if es := CheckPolicy(p); len(es) != 0 {
		t.Fatalf("CheckPolicy(valid) = %v", es)
	}
}

// event builds the next event of a log.
func event(c *Case, kind EventKind, a Actor, at time.Time, payload any) Event {
	b, _ := json.Marshal(payload)
	e := Event{ID: string(kind), CaseID: "c1", Index: c.Events + 1, Actor: a, At: at, Kind: kind, Payload: b, Prev: c.Head}
	e.Hash = e.ComputeHash()
	return e
}

func mustApply(t *testing.T, c *Case, e Event) {
	t.Helper()
	if err := Apply(c, e); err != nil {
		t.Fatalf("%s: %v", e.Kind, err)
	}
}

func TestResubmissionSaysWhatChanged(t *testing.T) {
	var c Case
	content := reviewCase(StatusDraft).Content
	at := filedAt
	mustApply(t, &c, event(&c, EventCreated, wang, at, ContentPayload{Content: content}))
	mustApply(t, &c, event(&c, EventDecisionMade, wang, at, DecisionPayload{Choice: Choice{Follow: true}}))
	mustApply(t, &c, event(&c, EventSubmitted, wang, at, CommentPayload{}))
	if c.Review.Round != 1 || c.Review.Since != at {
		t.Fatalf("after the first submission: %+v", c.Review)
	}
	mustApply(t, &c, event(&c, EventReturned, li, at.Add(time.Hour), CommentPayload{Comment: "补充现场照片"}))
	if c.Review.Returned == nil || c.Review.Returned.Comment != "补充现场照片" || c.Review.Returned.By.ID != li.ID {
		t.Fatalf("return not on record: %+v", c.Review.Returned)
	}
	content.Facts = "在人行道摆摊销售水果，占道约3平方米"
	mustApply(t, &c, event(&c, EventContentSet, wang, at.Add(2*time.Hour), ContentPayload{Content: content}))
	mustApply(t, &c, event(&c, EventDecisionMade, wang, at.Add(2*time.Hour), DecisionPayload{Choice: Choice{Follow: false, Outcome: "warning", Reason: "已改正"}}))
	sub := event(&c, EventSubmitted, wang, at.Add(3*time.Hour), CommentPayload{})
	mustApply(t, &c, sub)
	if c.Review.Round != 2 || !slices.Equal(c.Review.Changed, []string{"违法事实", choiceField}) {
		t.Fatalf("round %d changed %v", c.Review.Round, c.Review.Changed)
	}
	if !c.SubmittedAt.Equal(at) {
		t.Fatalf("立案 moved to the resubmission: %v", c.SubmittedAt)
	}
	notes := ReviewNotes(c, sub)
	if len(notes) != 1 || !strings.Contains(notes[0], "第2次提交") || !strings.Contains(notes[0], "违法事实、承办人决定") {
		t.Fatalf("notes = %v", notes)
	}
	var flagged bool
	for _, f := range c.Flags() {
		flagged = flagged || f.Code == FlagResubmitted && strings.Contains(f.Label, "违法事实")
	}
	if !flagged {
		t.Fatalf("flags do not show the resubmission: %v", c.Flags())
	}
	// Returned again and resubmitted unchanged.
	mustApply(t, &c, event(&c, EventReturned, li, at.Add(4*time.Hour), CommentPayload{Comment: "再查"}))
	mustApply(t, &c, event(&c, EventSubmitted, wang, at.Add(5*time.Hour), CommentPayload{}))
	if c.Review.Round != 3 || len(c.Review.Changed) != 0 {
		t.Fatalf("unchanged resubmission: %+v", c.Review)
	}
}

func TestLegalFailureReturnsAndNewRoundForgetsOpinions(t *testing.T) {
	var c Case
	content := reviewCase(StatusDraft).Content
	at := filedAt
	mustApply(t, &c, event(&c, EventCreated, wang, at, ContentPayload{Content: content}))
	mustApply(t, &c, event(&c, EventSubmitted, wang, at, CommentPayload{}))
	mustApply(t, &c, event(&c, EventLegalReviewRequired, li, at, CommentPayload{Comment: "请审"}))
	if c.Status != StatusLegalReview || c.Review.LegalSent == nil {
		t.Fatalf("sent: %s %+v", c.Status, c.Review)
	}
	fail := LegalOpinion{Checklist: NewChecklist("facts"), Comment: "证据不足"}
	mustApply(t, &c, event(&c, EventLegalFailed, chen, at, fail))
	if c.Status != StatusReturned || c.Review.Legal == nil || c.Review.Legal.Pass || c.Review.Returned.Comment != "证据不足" {
		t.Fatalf("failed: %s %+v", c.Status, c.Review)
	}
	if f := c.Review.Legal.Failed(); !slices.Equal(f, []string{LegalCheckLabel("facts")}) {
		t.Fatalf("failed points = %v", f)
	}
	mustApply(t, &c, event(&c, EventSubmitted, wang, at, CommentPayload{}))
	if c.Review.Legal != nil || c.Review.LegalSent != nil {
		t.Fatalf("the new round kept the old opinions: %+v", c.Review)
	}
	mustApply(t, &c, event(&c, EventLegalReviewRequired, li, at, CommentPayload{}))
	mustApply(t, &c, event(&c, EventLegalPassed, chen, at, LegalOpinion{Checklist: NewChecklist()}))
	if c.Status != StatusPendingApproval || !c.LegalPassed() {
		t.Fatalf("passed: %s %+v", c.Status, c.Review.Legal)
	}
	mustApply(t, &c, event(&c, EventDiscussed, zhou, at, Discussion{Date: at, Participants: []string{"周敏", "吴九", "郑十"}, Conclusion: "同意罚款"}))
	fine := 3000.0
	mustApply(t, &c, event(&c, EventHeadDecision, zhou, at, HeadDecision{Ruling: "penalty", Fine: &fine, Comment: "集体讨论决定"}))
	if c.Status != StatusApproved || c.Review.Decision == nil || c.Review.Decision.By.ID != zhou.ID || c.Review.Discussion.By.ID != zhou.ID {
		t.Fatalf("decided: %s %+v", c.Status, c.Review)
	}
}

func TestCheckOpinion(t *testing.T) {
	tests := []struct {
		name string
		o    LegalOpinion
		want string
	}{
		{"pass", LegalOpinion{Pass: true, Checklist: NewChecklist()}, ""},
		{"fail with reasons", LegalOpinion{Checklist: NewChecklist("procedure"), Comment: "未告知陈述申辩权利"}, ""},
		{"fail without reasons", LegalOpinion{Checklist: NewChecklist("procedure")}, "写明理由"},
		{"pass with a failed point", LegalOpinion{Pass: true, Checklist: NewChecklist("law")}, "不能审核通过"},
		{"missing point", LegalOpinion{Pass: true, Checklist: NewChecklist()[1:]}, "缺少审核要点"},
		{"unknown point", LegalOpinion{Pass: true, Checklist: append(NewChecklist(), CheckResult{Code: "mood", OK: true})}, "未知的审核要点"},
	}
	for _, tt := range tests {
		es := CheckOpinion(tt.o)
		if tt.want == "" && len(es) > 0 || tt.want != "" && !strings.Contains(es.Error(), tt.want) {
			t.Errorf("%s: %v", tt.name, es)
		}
	}
}

func TestCheckDiscussionDecisionNotice(t *testing.T) {
	c := reviewCase(StatusPendingApproval, func(c *Case) {
		max := rules.YuanAmount(20000)
		c.Suggestion.Decision.StatutoryFine = &rules.FineRange{Min: rules.YuanAmount(2000), Max: max}
	})
	now := filedAt.Add(48 * time.Hour)
	ok := Discussion{Date: now, Participants: []string{"周敏", "吴九"}, Conclusion: "同意"}
	if es := CheckDiscussion(ok, c, now); len(es) > 0 {
		t.Fatalf("valid discussion: %v", es)
	}
	bad := Discussion{Date: filedAt.AddDate(0, 0, -3), Participants: []string{"周敏", "周敏"}}
	es := CheckDiscussion(bad, c, now)
	for _, f := range []string{"date", "participants", "conclusion"} {
		if !strings.Contains(es.Error(), f) {
			t.Errorf("discussion errors %v do not name %s", es, f)
		}
	}
	fine := 30000.0
	if es := CheckHeadDecision(HeadDecision{Ruling: "penalty", Fine: &fine, Comment: "x"}, c); len(es) == 0 || !strings.Contains(es.Error(), "法定上限") {
		t.Errorf("a fine above the maximum: %v", es)
	}
	if es := CheckHeadDecision(HeadDecision{Ruling: "referral", Fine: &fine, Comment: "x"}, c); len(es) == 0 {
		t.Error("a fine with a referral was accepted")
	}
	if es := CheckHeadDecision(HeadDecision{Ruling: "pardon"}, c); len(es) != 2 {
		t.Errorf("unknown ruling, no reasons: %v", es)
	}
	served := filedAt.Add(time.Hour)
	if es := CheckNotice(Notice{Kind: NoticeCorrection, ServedAt: served}, c, now); len(es) == 0 || !strings.Contains(es.Error(), "改正期限") {
		t.Errorf("correction without a deadline: %v", es)
	}
	if es := CheckNotice(Notice{Kind: NoticePrior, ServedAt: now.Add(24 * time.Hour)}, c, now); len(es) == 0 {
		t.Error("a notice served tomorrow was accepted")
	}
}

func TestDeadlines(t *testing.T) {
	served := time.Date(2026, 11, 27, 15, 0, 0, 0, cnTZ) // a Friday
	corrBy := time.Date(2026, 12, 5, 0, 0, 0, 0, cnTZ)
	c := reviewCase(StatusPendingApproval, func(c *Case) {
		c.Suggestion.Decision.HearingRight = true
		c.Suggestion.Decision.NextSteps = []rules.NextStep{{Action: "case_filing", Days: 90}, {Action: "hearing_notice", Days: 5, WorkingDays: true}}
		c.Review.Notices = []Notice{{Kind: NoticePrior, ServedAt: served}, {Kind: NoticeCorrection, ServedAt: served, Deadline: &corrBy}}
	})
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, cnTZ) // Tuesday
	ds := c.Deadlines(now)
	if len(ds) != 4 {
		t.Fatalf("deadlines = %+v", ds)
	}
	byCode := map[string]Deadline{}
	for _, d := range ds {
		byCode[d.Code] = d
	}
	// 5 working days after Friday 11-27: Mon 30, Tue 1, Wed 2, Thu 3, Fri 4.
	if h := byCode[DeadlineHearing]; h.Due.Format("2006-01-02") != "2026-12-04" || h.Left != 3 || h.Countdown() != "剩3天" {
		t.Errorf("hearing = %+v %s", h, h.Countdown())
	}
	// 90 days from 2026-11-20.
	if d := byCode[DeadlineDecision]; d.Due.Format("2006-01-02") != "2027-02-18" || d.Left != 79 {
		t.Errorf("decision = %+v", d)
	}
	if d := byCode[DeadlineCorrection]; d.Left != 4 || d.Urgent() {
		t.Errorf("correction = %+v", d)
	}
	// The statement period (3 working days, the agency's setting): Mon 30, Tue 1, Wed 2.
	if d := byCode[DeadlineStatement]; d.Due.Format("2006-01-02") != "2026-12-02" {
		t.Errorf("statement = %+v", d)
	}
	if ds[0].Code != DeadlineStatement || ds[1].Code != DeadlineHearing {
		t.Errorf("not soonest first: %+v", ds)
	}
	later := time.Date(2026, 12, 7, 9, 0, 0, 0, cnTZ)
	for _, d := range c.Deadlines(later) {
		switch d.Code {
		case DeadlineHearing:
			if d.Countdown() != "已届满" || d.Urgent() {
				t.Errorf("hearing after the period: %s urgent=%v", d.Countdown(), d.Urgent())
			}
		case DeadlineCorrection:
			if d.Countdown() != "已届满" || d.Urgent() {
				t.Errorf("correction past: %s urgent=%v", d.Countdown(), d.Urgent())
			}
		}
	}
	// A decided case counts only what follows the decision: its service (Art. 61).
	decided := reviewCase(StatusApproved, func(c *Case) { c.Review.Approved = &Signoff{At: filedAt} })
	if ds := decided.Deadlines(now); len(ds) != 1 || ds[0].Code != DeadlineService || ds[0].Due.Format("2006-01-02") != "2026-12-01" {
		t.Errorf("a decided case counts down: %v", ds)
	}
	simple := reviewCase(StatusSubmitted, func(c *Case) { c.Suggestion.Decision.Procedure = rules.ProcedureSimple })
	if ds := simple.Deadlines(now); len(ds) != 0 {
		t.Errorf("the simple procedure has no 90-day countdown: %v", ds)
	}
}

func TestFirstViolationFlags(t *testing.T) {
	synced := filedAt.AddDate(0, 0, -10)
	fresh := filedAt.AddDate(0, 0, -1)
	tests := []struct {
		name  string
		basis FirstOffenceBasis
		days  int
		want  string
	}{
		{"never synced", FirstOffenceBasis{NeverSynced: true}, 7, "从未同步"},
		{"stale index", FirstOffenceBasis{IndexAsOf: &synced}, 7, "最后同步于 2026-11-10，已超过 7 天"},
		{"stale under a longer setting", FirstOffenceBasis{IndexAsOf: &synced}, 30, ""},
		{"fresh index", FirstOffenceBasis{IndexAsOf: &fresh}, 7, ""},
		{"stated by the officer", FirstOffenceBasis{Given: true, NeverSynced: true}, 7, ""},
	}
	for _, tt := range tests {
		c := reviewCase(StatusSubmitted, func(c *Case) { c.Suggestion.FirstOffence = tt.basis })
		p := three
		p.StaleIndexDays = tt.days
		var got string
		for _, f := range c.FlagsWith(p) {
			if f.Code == FlagFirstUnconfirmed {
				got = f.Label
			}
		}
		if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("%s: flag %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestQueueItemSaysWhyBlocked(t *testing.T) {
	it := NewQueueItem(three, li, reviewCase(StatusSubmitted, needsLegal), filedAt)
	if !slices.Equal(it.Acts, []Act{ActReturn, ActSendLegal}) || it.WaitingFor != RoleSupervisor {
		t.Fatalf("acts %v waiting %s", it.Acts, it.WaitingFor)
	}
	own := NewQueueItem(three, liOwn, reviewCase(StatusSubmitted, withSecondOfficer(liOwn)), filedAt)
	if len(own.Acts) != 0 || !strings.Contains(own.Blocked, "回避") {
		t.Fatalf("own case: acts %v blocked %q", own.Acts, own.Blocked)
	}
	var codes []string
	for _, f := range it.Flags {
		codes = append(codes, f.Code)
	}
	if !slices.Contains(codes, FlagLegalReview) {
		t.Fatalf("flags %v lack legal review", codes)
	}
}

// TestFineKeepsToTheStatutoryRange is R21 (行政处罚法第五条、第三十二条) for the
// fines people decide: the head's decision and the officer's departure.
func TestFineKeepsToTheStatutoryRange(t *testing.T) {
	rng := &rules.FineRange{Min: rules.YuanAmount(2000), Max: rules.YuanAmount(20000)}
	plain := rules.Decision{Outcome: rules.Punishable, StatutoryFine: rng}
	mitigated := rules.Decision{Outcome: rules.Mitigated, StatutoryFine: rng, ReductionAllowed: true}
	inferred := rules.Decision{Outcome: rules.Punishable, StatutoryFine: rng, SupervisorFlags: []rules.Flag{{Code: "tier_inferred"}}}
	daily := rules.Decision{Outcome: rules.Punishable, StatutoryFine: &rules.FineRange{Min: rules.YuanAmount(50), Max: rules.YuanAmount(50)}, FineUnit: "per_day"}
	tests := []struct {
		name string
		fine float64
		d    rules.Decision
		want string // "" = accepted
	}{
		{"Art5 最低额", 2000, plain, ""},
		{"Art5 最高额", 20000, plain, ""},
		{"Art5 超过最高额", 20000.01, plain, "法定上限"},
		{"Art5 无减轻情形不得低于最低额", 1000, plain, "低于法定最低额"},
		{"Art5 差一分也低于最低额", 1999.99, plain, "低于法定最低额"},
		{"Art32 有减轻情形可以低于最低额", 1000, mitigated, ""},
		{"Art32 减轻也不得超过最高额", 30000, mitigated, "法定上限"},
		{"档次系推定时最低额由决定人判断", 1000, inferred, ""},
		{"按日计罚不按幅度核对", 500, daily, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := reviewCase(StatusPendingApproval, func(c *Case) { c.Suggestion.Decision = tt.d })
			fine := tt.fine
			head := CheckHeadDecision(HeadDecision{Ruling: "penalty", Fine: &fine, Comment: "经集体讨论决定"}, c)
			officer := CheckChoiceAgainst(Choice{Outcome: "fine", Fine: &fine, Reason: "x"}, tt.d)
			for who, es := range map[string]FieldErrors{"head decision": head, "officer's choice": officer} {
				switch {
				case tt.want == "" && len(es) > 0:
					t.Errorf("%s: fine %g refused: %v", who, fine, es)
				case tt.want != "" && !strings.Contains(es.Error(), tt.want):
					t.Errorf("%s: fine %g: errors %v, want one saying %q", who, fine, es, tt.want)
				}
			}
		})
	}
	if es := CheckChoiceAgainst(Choice{Follow: true}, plain); len(es) > 0 {
		t.Errorf("following the suggestion: %v", es)
	}
}
