package report_test

import (
	"encoding/json"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/report"
)

// TestChallengeFigures: a 复议 filed before the period and decided after it
// is in review at the period's end without being counted as filed in it;
// once its outcome is in, it is in review no longer and its outcome counts
// on the day decided (行政处罚法 Art. 73 lets the case be enforced meanwhile;
// the figure is what HQ's report lists as cases in review or litigation).
func TestChallengeFigures(t *testing.T) {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, cn) }
	base := cases.Case{ID: "C1", Status: cases.StatusApproved}
	filed := base
	filed.Proceedings.Challenges = []cases.Challenge{{Kind: cases.ChallengeReconsideration, Filed: day(10, 20), Body: "区人民政府"}}
	decided := filed
	dd := day(12, 10)
	decided.Proceedings.Challenges = []cases.Challenge{filed.Proceedings.Challenges[0]}
	decided.Proceedings.Challenges[0].Outcome, decided.Proceedings.Challenges[0].Decided = "revoked", &dd
	payload, _ := json.Marshal(cases.Challenge{})

	l := report.NewLedger()
	l.Count(base, filed, cases.Event{Kind: cases.EventChallenge, At: day(10, 21), Payload: payload})
	nov := func() report.Figures {
		f, err := report.Compute(l, 20261101, 20261130, day(12, 31), nil)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	if f := nov(); f.InChallenge != 1 || f.Reconsiderations != 0 {
		t.Errorf("November, filed in October and pending: in review %d, filed %d", f.InChallenge, f.Reconsiderations)
	}
	l.Count(filed, decided, cases.Event{Kind: cases.EventChallenge, At: day(12, 11), Payload: payload})
	if f := nov(); f.InChallenge != 1 {
		t.Errorf("November, decided in December: in review %d", f.InChallenge)
	}
	f, err := report.Compute(l, 20261001, 20261231, day(12, 31), nil)
	if err != nil {
		t.Fatal(err)
	}
	revoked := int64(-1)
	for _, o := range f.ChallengeOutcomes {
		if o.Code == "revoked" {
			revoked = o.Count
		}
	}
	if f.InChallenge != 0 || f.Reconsiderations != 1 || f.Litigations != 0 || revoked != 1 {
		t.Errorf("October to December: in review %d, filed %d/%d, revoked %d", f.InChallenge, f.Reconsiderations, f.Litigations, revoked)
	}
}
