package cases

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// servedFine is a decided 1,000-yuan fine whose decision was served on
// 2026-11-02: 复议 runs to 2027-01-01, 诉讼 to 2027-05-02.
func servedFine() Case {
	return fineCase(1000, func(c *Case) {
		c.Status = StatusApproved
		c.Review.Approved = &Signoff{At: at(2026, 11, 2, 9)}
		c.Proceedings.Served = []Service{{Doc: "decision", ServedAt: at(2026, 11, 2, 10), Method: "direct"}}
	})
}

func challengeEvent(t *testing.T, c *Case, ch Challenge, when time.Time) error {
	t.Helper()
	b, _ := json.Marshal(ch)
	if err := CheckStep(*c, EventChallenge, b, when, ProcedureRules{}); err != nil {
		return err
	}
	return Apply(c, Event{Kind: EventChallenge, Payload: b, At: when, Index: 9})
}

// TestChallengeStepsArt73 exercises the recording of 行政复议 and 行政诉讼:
// only after the decision is served (periods run from service, 行政处罚法
// Art. 61), a late filing recorded and flagged (60 days / 6 months, as
// docs/procedure.md §3 states them), an outcome only after filing.
func TestChallengeStepsArt73(t *testing.T) {
	d := func(y int, m time.Month, dd int) *time.Time { v := at(y, m, dd, 0); return &v }
	unserved := fineCase(1000, func(c *Case) { c.Status = StatusApproved; c.Review.Approved = &Signoff{At: at(2026, 11, 2, 9)} })
	b, _ := json.Marshal(Challenge{Kind: ChallengeReconsideration, Filed: at(2026, 11, 5, 0), Body: "区人民政府"})
	var pe *ProcedureError
	if err := CheckStep(unserved, EventChallenge, b, at(2026, 11, 6, 9), ProcedureRules{}); !errors.As(err, &pe) || !strings.Contains(err.Error(), "第六十一条") {
		t.Fatalf("a challenge before service: %v", err)
	}
	for _, tc := range []struct {
		name  string
		ch    Challenge
		field string // "" accepted
	}{
		{"filed before service", Challenge{Kind: ChallengeReconsideration, Filed: at(2026, 11, 1, 0), Body: "区人民政府"}, "filed"},
		{"filed in the future", Challenge{Kind: ChallengeReconsideration, Filed: at(2026, 12, 30, 0), Body: "区人民政府"}, "filed"},
		{"no body", Challenge{Kind: ChallengeLitigation, Filed: at(2026, 11, 5, 0)}, "body"},
		{"unknown kind", Challenge{Kind: "appeal", Filed: at(2026, 11, 5, 0), Body: "x"}, "kind"},
		{"outcome without filing", Challenge{Kind: ChallengeLitigation, Outcome: "upheld", Decided: d(2026, 11, 20)}, "procedure"},
		{"in time", Challenge{Kind: ChallengeReconsideration, Filed: at(2026, 11, 5, 0), Body: "区人民政府"}, ""},
	} {
		b, _ := json.Marshal(tc.ch)
		err := CheckStep(servedFine(), EventChallenge, b, at(2026, 11, 20, 9), ProcedureRules{})
		var fe FieldErrors
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: refused: %v", tc.name, err)
		case tc.field == "procedure" && !errors.As(err, &pe):
			t.Errorf("%s: want a procedure refusal, got %v", tc.name, err)
		case tc.field != "" && tc.field != "procedure" && (!errors.As(err, &fe) || !hasField(fe, tc.field)):
			t.Errorf("%s: want a %s error, got %v", tc.name, tc.field, err)
		}
	}

	c := servedFine()
	if err := challengeEvent(t, &c, Challenge{Kind: ChallengeReconsideration, Filed: at(2027, 1, 2, 0), Body: "区人民政府"}, at(2027, 1, 3, 9)); err != nil {
		t.Fatal(err)
	}
	if ch := c.Proceedings.Challenges[0]; !ch.Late || !c.InChallenge() {
		t.Errorf("a filing on day 61 is recorded and flagged late: %+v", ch)
	}
	// The same day is inside the six months of 诉讼; the late mark is the
	// log's dates, never what the payload says.
	if err := challengeEvent(t, &c, Challenge{Kind: ChallengeLitigation, Filed: at(2027, 1, 2, 0), Body: "南岸区人民法院", Late: true}, at(2027, 1, 3, 9)); err != nil {
		t.Fatal(err)
	}
	if ch := c.Proceedings.Challenges[1]; ch.Late {
		t.Errorf("a suit on day 61 is within six months: %+v", ch)
	}
	if err := challengeEvent(t, &c, Challenge{Kind: ChallengeLitigation, Outcome: "withdrawn", Decided: d(2027, 1, 3)}, at(2027, 1, 3, 9)); err != nil {
		t.Fatal(err)
	}
	if err := challengeEvent(t, &c, Challenge{Kind: ChallengeReconsideration, Filed: at(2027, 1, 3, 0), Body: "x"}, at(2027, 1, 3, 9)); err == nil {
		t.Error("a second pending 复议 was accepted")
	}
	// Art. 73: a pending challenge does not stop the payment deadline.
	if !hasDeadline(c.Deadlines(at(2027, 1, 3, 9)), DeadlinePayment) {
		t.Error("filing stopped the payment deadline (行政处罚法第七十三条: 不停止执行)")
	}
	if err := challengeEvent(t, &c, Challenge{Kind: ChallengeReconsideration, Outcome: "revoked", Decided: d(2027, 1, 1)}, at(2027, 3, 3, 9)); err == nil {
		t.Error("an outcome before the filing was accepted")
	}
	if err := challengeEvent(t, &c, Challenge{Kind: ChallengeReconsideration, Outcome: "revoked", Decided: d(2027, 3, 1)}, at(2027, 3, 3, 9)); err != nil {
		t.Fatal(err)
	}
	if c.InChallenge() || !c.Revoked() || c.Outstanding(at(2027, 3, 3, 9)) != 0 {
		t.Errorf("revoked: in challenge %v, owed %g", c.InChallenge(), c.Outstanding(at(2027, 3, 3, 9)))
	}
	if _, ok := c.CourtWindow(PeriodsOf(nil)); ok || len(c.Deadlines(at(2027, 3, 3, 9))) != 0 {
		t.Errorf("a revoked decision keeps deadlines: %+v", c.Deadlines(at(2027, 3, 3, 9)))
	}
	tl := c.Timeline(at(2027, 3, 3, 9), ProcedureRules{})
	var notes []string
	for _, s := range tl.Steps {
		notes = append(notes, s.Code+"="+s.State+":"+s.Note)
	}
	all := strings.Join(notes, "\n")
	for _, want := range []string{"challenge_reconsideration=done", "已超过期限", "结果：撤销", "payment=skipped"} {
		if !strings.Contains(all, want) {
			t.Errorf("timeline lacks %q:\n%s", want, all)
		}
	}
	b, _ = json.Marshal(Payment{Amount: 10, PaidAt: at(2027, 3, 3, 9)})
	if err := CheckStep(c, EventPayment, b, at(2027, 3, 3, 9), ProcedureRules{}); err == nil {
		t.Error("a payment under a revoked decision was accepted")
	}
}

func hasDeadline(ds []Deadline, code string) bool {
	for _, d := range ds {
		if d.Code == code {
			return true
		}
	}
	return false
}

func hasField(es FieldErrors, field string) bool {
	for _, e := range es {
		if e.Field == field {
			return true
		}
	}
	return false
}
