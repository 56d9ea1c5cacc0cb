package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/cases/disclosure"
	"fieldcase/cases/report"
	"fieldcase/rules"
	"fieldcase/sync/hq"
	"fieldcase/sync/proto"
)

// District builds, on each of three devices, random case histories —
// persons and organisations, on-the-spot fines, warnings and no-penalty
// decisions, hearings requested and held, fines paid (some in two parts),
// returns, documents, drafts, violations changed after recording, cases
// left undecided — over several weeks, and pushes them to HQ. It returns the devices (whose Logs are their own cases).
// HQ's clock must be at least DistrictClock: the histories run for months
// after Start.
func District(t *testing.T, h *hq.HQ, seed uint64) []*Sim {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	teams := []struct {
		name  string
		users []cases.User
	}{
		{"南坪中队-01", []cases.User{Wang, Li}},
		{"弹子石中队-01", []cases.User{Zhao, Chen}},
		{"铜元局中队-01", []cases.User{Sun, Zhou, Li}},
	}
	var sims []*Sim
	n, held := 0, false
	for _, tm := range teams {
		s := NewSim(t, h, tm.name, tm.users...)
		sims = append(sims, s)
		officers := []cases.User{}
		var reviewer cases.User
		for _, u := range tm.users {
			if u.Role == cases.RoleOfficer {
				officers = append(officers, u)
			} else {
				reviewer = u
			}
		}
		for range 6 + rng.IntN(8) {
			n++
			s.Now = s.Now.Add(time.Duration(1+rng.IntN(60)) * time.Hour)
			officer := officers[rng.IntN(len(officers))]
			c := randomContent(rng, n, s.Now, officer)
			var ops []proto.Op
			e, op := s.Make(t, "", officer, cases.EventCreated, cases.ContentPayload{Content: c})
			ops = append(ops, op)
			id := e.CaseID
			if rng.IntN(5) == 0 { // the officer picks another catalog item
				c.Violation = []string{"CG01", "CG03", "CG09"}[rng.IntN(3)]
				_, op = s.Make(t, id, officer, cases.EventContentSet, cases.ContentPayload{Content: c})
				ops = append(ops, op)
			}
			if rng.IntN(8) == 0 { // left a draft
				s.MustPush(t, h, ops...)
				continue
			}
			dec := Decision(t, c, nil, s.Now)
			if r := dec.Suggestion.Decision.Fine; r != nil && c.Circumstances.ProposedFine != nil {
				// The officer proposes the least fine the law allows: HQ refuses
				// a decision below the range without a mitigating ground (Art. 30–32).
				c.Circumstances.ProposedFine = fineOf(float64(r.Min))
				_, op = s.Make(t, id, officer, cases.EventContentSet, cases.ContentPayload{Content: c})
				ops = append(ops, op)
				dec = Decision(t, c, nil, s.Now)
			}
			_, op = s.Make(t, id, officer, cases.EventDecisionMade, dec)
			ops = append(ops, op)
			_, op = s.Make(t, id, officer, cases.EventSubmitted, cases.CommentPayload{})
			ops = append(ops, op)
			// The procedure before a penalty (Art. 44, 62–64): the notice is
			// served and the party waives its statement; a hearing is asked
			// for and held only where the notice offers one.
			if o := dec.Suggestion.Decision.Outcome; o == rules.Punishable || o == rules.Mitigated {
				notice := s.Projection(t, id).PrepareNotice(cases.Notice{Kind: cases.NoticePrior, ServedAt: s.Now, Method: "direct"}, cases.ProcedureRules{})
				_, op = s.Make(t, id, officer, cases.EventNoticeServed, notice)
				ops = append(ops, op)
				_, op = s.Make(t, id, officer, cases.EventStatement, cases.Statement{At: s.Now, Waived: true})
				ops = append(ops, op)
				if notice.HearingRight {
					if rng.IntN(4) == 0 || !held { // the party asks for a hearing; most are held, and one surely
						_, op = s.Make(t, id, officer, cases.EventHearing, cases.HearingStep{Stage: cases.HearingRequested, At: s.Now})
						ops = append(ops, op)
						if rng.IntN(3) > 0 || !held {
							held = true
							// Notified three weeks ahead (at least seven working
							// days, Art. 64(二)), hosted by the reviewer, who did
							// not investigate the case.
							served, host := s.Now, reviewer.Actor()
							at := s.Now.AddDate(0, 0, 21)
							_, op = s.Make(t, id, officer, cases.EventHearing, cases.HearingStep{Stage: cases.HearingScheduled, At: at, Host: &host, NoticeServed: &served, Place: "区局听证室"})
							ops = append(ops, op)
							s.Now = at.Add(time.Duration(rng.IntN(3)) * time.Hour)
							_, op = s.Make(t, id, officer, cases.EventHearing, cases.HearingStep{Stage: cases.HearingHeld, At: s.Now, Place: "区局听证室",
								Record: fmt.Sprintf("%064x", n), RecordName: "听证笔录.pdf"})
							ops = append(ops, op)
						}
					} else {
						_, op = s.Make(t, id, officer, cases.EventHearing, cases.HearingStep{Stage: cases.HearingWaived, At: s.Now})
						ops = append(ops, op)
					}
				}
			}
			s.Now = s.Now.Add(time.Duration(rng.IntN(72)) * time.Hour)
			switch rng.IntN(6) {
			case 0: // left in review
			case 1: // returned for correction
				_, op = s.Make(t, id, reviewer, cases.EventReturned, cases.CommentPayload{Comment: "补充现场照片"})
				ops = append(ops, op)
			default:
				_, op = s.Make(t, id, reviewer, cases.EventApproved, cases.CommentPayload{Comment: "同意"})
				ops = append(ops, op)
				if f := c.Circumstances.ProposedFine; f != nil && rng.IntN(3) > 0 { // paid, perhaps in two parts
					parts := []float64{*f}
					if rng.IntN(2) == 0 {
						parts = []float64{*f - 30.5, 30.5}
					}
					for _, amount := range parts {
						s.Now = s.Now.Add(time.Duration(1+rng.IntN(100)) * time.Hour)
						_, op = s.Make(t, id, officer, cases.EventPayment, cases.Payment{Amount: amount, PaidAt: s.Now, Receipt: fmt.Sprintf("SK%06d", n)})
						ops = append(ops, op)
					}
				}
				if rng.IntN(3) > 0 {
					s.Now = s.Now.Add(time.Duration(rng.IntN(30)) * time.Hour)
					doc := cases.IssuedDocument{Kind: agency.KindDecision, Number: fmt.Sprintf("南城管罚决字〔2026〕第%04d号", n), Seq: uint64(n), IssuedAt: s.Now}
					_, op = s.Make(t, id, officer, cases.EventDocumentIssued, cases.DocumentPayload{Document: doc})
					ops = append(ops, op)
					if rng.IntN(2) == 0 { // served, and perhaps challenged (复议、诉讼) and decided
						s.Now = s.Now.Add(time.Duration(1+rng.IntN(5)) * time.Hour)
						_, op = s.Make(t, id, officer, cases.EventDecisionServed, cases.Service{Doc: "decision", ServedAt: s.Now, Method: "direct"})
						ops = append(ops, op)
						if rng.IntN(2) == 0 {
							kind := []string{cases.ChallengeReconsideration, cases.ChallengeLitigation}[rng.IntN(2)]
							s.Now = s.Now.Add(time.Duration(24+rng.IntN(240)) * time.Hour)
							_, op = s.Make(t, id, officer, cases.EventChallenge, cases.Challenge{Kind: kind, Filed: s.Now, Body: "南岸区人民政府"})
							ops = append(ops, op)
							if rng.IntN(2) == 0 {
								s.Now = s.Now.Add(time.Duration(24+rng.IntN(480)) * time.Hour)
								decided := s.Now
								outcome := cases.ChallengeOutcomes[rng.IntN(len(cases.ChallengeOutcomes))].Code
								_, op = s.Make(t, id, officer, cases.EventChallenge, cases.Challenge{Kind: kind, Outcome: outcome, Decided: &decided})
								ops = append(ops, op)
							}
						}
					}
				}
			}
			for _, r := range s.MustPush(t, h, ops...) {
				if r.Status != proto.Applied {
					t.Fatalf("%s: HQ did not apply %d: %s", s.Name, r.Seq, describe([]proto.Result{r}))
				}
			}
		}
	}
	return sims
}

// randomContent is a case whose outcome the rules settle without legal
// review: a small on-the-spot fine, a warning or no penalty, of a person
// or an organisation, each party its own.
func randomContent(rng *rand.Rand, n int, at time.Time, officer cases.User) cases.Content {
	c := Content(fmt.Sprintf("当事人%d", n), ResidentID(n), at.Add(-time.Hour), officer)
	c.Violation = []string{"CG01", "CG03", "CG09"}[rng.IntN(3)]
	switch rng.IntN(4) {
	case 0:
		c.Circumstances = cases.Circumstances{Harm: cases.HarmMinor, ProposedFine: fineOf(100)}
	case 1:
		c.Circumstances = cases.Circumstances{Minor: true, Corrected: true, Harm: cases.HarmNone}
	case 2:
		c.Circumstances = cases.Circumstances{Corrected: true, Harm: cases.HarmNone, NoFaultProven: true}
	}
	if rng.IntN(3) == 0 {
		c.Party = cases.Party{Kind: cases.PartyOrg, Name: fmt.Sprintf("重庆市南岸区第%d商贸有限公司", n), USCC: USCC(n), LegalRep: "刘德明"}
	}
	return c
}

func fineOf(v float64) *float64 { return &v }

// USCC is a valid 统一社会信用代码 unique to n.
func USCC(n int) string {
	org := fmt.Sprintf("MA%06d", n%1000000)
	oc, err := cases.OrgCodeCheckChar(org)
	if err != nil {
		panic(err)
	}
	first17 := "91500108" + org + string(oc)
	c, err := cases.USCCCheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(c)
}

// ResidentID is a valid resident ID number unique to n (below 1000).
func ResidentID(n int) string {
	first17 := fmt.Sprintf("50010819800101%03d", n%1000)
	check, err := cases.ResidentIDCheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(check)
}

// deviceFigures are a device's own figures: its logs replayed as the
// device store counts them.
func deviceFigures(t *testing.T, s *Sim, from, to report.Day, asOf time.Time) report.Figures {
	t.Helper()
	l := report.NewLedger()
	for _, log := range s.Logs {
		if _, err := l.Replay(log); err != nil {
			t.Fatal(err)
		}
	}
	f, err := report.Compute(l, from, to, asOf, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// fen reads a sum of money as rules.Money prints it (12500, 12500.5, 0.05).
func fen(yuan string) int64 {
	whole, frac, _ := strings.Cut(yuan, ".")
	var y, f int64
	fmt.Sscanf(whole, "%d", &y)
	frac = (frac + "00")[:2]
	fmt.Sscanf(frac, "%d", &f)
	return y*100 + f
}

// additive are the figures that add up across devices.
func additive(f report.Figures) map[string]int64 {
	out := map[string]int64{
		"recorded": f.Recorded, "filed": f.Filed, "reviewed": f.Reviewed, "returned": f.Returned,
		"legal": f.LegalSent + f.LegalReviews, "collective": f.Collective, "decided": f.Decided,
		"penalized": f.Penalized, "warnings": f.Warnings, "fined": f.Fined, "fines": fen(f.FinesYuan),
		"not_penalized": f.NotPenalized, "simple": f.Simple, "ordinary": f.Ordinary,
		"org_decided": f.Org.Decided, "org_penalized": f.Org.Penalized, "org_not_penalized": f.Org.NotPenalized,
		"org_fines": fen(f.Org.FinesYuan), "pending": int64(f.Pending), "overdue": int64(len(f.Overdue)),
		"handling": f.HandlingCases, "disclosed": f.Disclosed, "withheld": f.Withheld,
		"hearings_requested": f.HearingsAsked, "hearings_held": f.HearingsHeld, "payments": f.Payments,
		"collected": fen(f.CollectedYuan), "reconsiderations": f.Reconsiderations, "litigations": f.Litigations,
		"in_challenge": f.InChallenge,
	}
	for _, c := range f.ChallengeOutcomes {
		out["challenge_outcome/"+c.Code] = c.Count
	}
	for _, c := range f.ByGround {
		out["ground/"+c.Code] = c.Count
	}
	for _, c := range f.Org.ByGround {
		out["org_ground/"+c.Code] = c.Count
	}
	for _, c := range f.Documents {
		out["doc/"+c.Code] = c.Count
	}
	for _, v := range f.ByViolation {
		out["violation_recorded/"+v.Code] = v.Recorded
		out["violation_decided/"+v.Code] = v.Decided
	}
	for _, m := range f.ByMonth {
		out["month_recorded/"+m.Month] = m.Recorded
		out["month_decided/"+m.Month] = m.Decided
		out["month_not_penalized/"+m.Month] = m.NotPenalized
	}
	return out
}

// SumFigures adds the figures that add up across devices, by name.
func SumFigures(fs []report.Figures) map[string]int64 {
	total := map[string]int64{}
	for _, f := range fs {
		for k, v := range additive(f) {
			total[k] += v
		}
	}
	return total
}

// testDistrictFigures: over random case histories from three devices,
// HQ's figures are the sum of the devices' own figures, each team's group
// is exactly its device's figures, and the groups by officer and by
// violation add up to the total.
func testDistrictFigures(t *testing.T, open Open) {
	ctx := context.Background()
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			h := NewHQAt(t, open, DistrictClock)
			sims := District(t, h, seed)
			from, to := report.DayOf(Start), report.DayOf(Start.AddDate(0, 2, 0))
			asOf := Start.AddDate(0, 6, 0)
			var devs []report.Figures
			for _, s := range sims {
				devs = append(devs, deviceFigures(t, s, from, to, asOf))
			}
			d, err := h.Report(ctx, hq.ReportQuery{From: from, To: to, AsOf: asOf, By: report.ByTeam})
			if err != nil {
				t.Fatal(err)
			}
			want, got := SumFigures(devs), SumFigures([]report.Figures{d.Figures})
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s: HQ %d, devices' sum %d", k, got[k], v)
				}
			}
			if d.Figures.Recorded == 0 || d.Figures.Decided == 0 || d.Figures.Org.Decided == 0 || d.Figures.HearingsHeld == 0 || d.Figures.Payments == 0 || d.Figures.Reconsiderations+d.Figures.Litigations == 0 {
				t.Fatalf("the histories decided nothing: %+v", d.Figures)
			}
			if len(d.Groups) != len(sims) {
				t.Fatalf("%d team groups for %d devices", len(d.Groups), len(sims))
			}
			for _, g := range d.Groups {
				var dev report.Figures
				for i, s := range sims {
					if s.Name == g.Label {
						dev = devs[i]
					}
				}
				a, _ := json.Marshal(g.Figures)
				b, _ := json.Marshal(dev)
				if string(a) != string(b) {
					t.Errorf("team %s: HQ\n%s\ndevice\n%s", g.Label, a, b)
				}
			}
			for _, by := range []string{report.ByOfficer, report.ByViolation, report.ByMonth} {
				d, err := h.Report(ctx, hq.ReportQuery{From: from, To: to, AsOf: asOf, By: by})
				if err != nil {
					t.Fatal(err)
				}
				var gs []report.Figures
				for _, g := range d.Groups {
					gs = append(gs, g.Figures)
				}
				sum := SumFigures(gs)
				for _, k := range []string{"recorded", "decided", "fines", "not_penalized", "org_decided"} {
					if sum[k] != want[k] {
						t.Errorf("by %s: groups add up to %s %d, total %d", by, k, sum[k], want[k])
					}
				}
			}
		})
	}
}

// testDisclosureRecord: HQ publishes each decision once, corrects a
// published decision whose record changed, withdraws one withheld after
// publication, keeps all of it in the store, and flags late publications.
func testDisclosureRecord(t *testing.T, open Open) {
	ctx := context.Background()
	h := NewHQAt(t, open, DistrictClock)
	sims := District(t, h, 7)
	from, to := report.DayOf(Start), report.DayOf(Start.AddDate(0, 2, 0))
	ag := agency.Default()
	ag.Disclosure.IncludeSimple, ag.Disclosure.IncludeNoPenalty, ag.Disclosure.IncludeWarningOnly = true, true, true
	last := Start
	for _, s := range sims {
		if s.Now.After(last) {
			last = s.Now
		}
	}
	q := hq.DisclosureQuery{From: from, To: to, Agency: ag, Now: last.Add(48 * time.Hour)}
	p, err := h.PlanDisclosure(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Entries) == 0 {
		t.Fatal("nothing to publish")
	}
	numbers := map[string]bool{}
	for _, e := range p.Entries {
		if e.Status != disclosure.StatusNew || numbers[e.Number] || e.Number == "" {
			t.Fatalf("entry %+v (seen %v)", e, numbers[e.Number])
		}
		numbers[e.Number] = true
	}
	late := 0
	for _, e := range p.Entries {
		if e.Late {
			late++
		}
	}
	if late != len(p.Late) || late == 0 {
		t.Errorf("%d entries late, %d listed late (the oldest decisions are weeks old)", late, len(p.Late))
	}
	if n, err := h.RecordDisclosure(ctx, p); err != nil || n != len(p.Entries) {
		t.Fatalf("recorded %d of %d: %v", n, len(p.Entries), err)
	}
	// A plan made before the record, recorded after it, is refused.
	if _, err := h.RecordDisclosure(ctx, p); err != hq.ErrDisclosureRaced {
		t.Fatalf("recording a stale plan: %v", err)
	}
	// The same range again: nothing new, everything still in force.
	q.Now = q.Now.Add(time.Hour)
	again, err := h.PlanDisclosure(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Entries) != 0 || len(again.Current) != len(p.Entries) {
		t.Fatalf("second export: %d entries, %d current, want 0 and %d", len(again.Entries), len(again.Current), len(p.Entries))
	}

	// Withhold one published decision on its device; publish persons'
	// surnames only from now on (every person's record changes).
	first := p.Entries[0]
	var s *Sim
	for _, x := range sims {
		if x.Logs[first.CaseID] != nil {
			s = x
		}
	}
	var reviewer cases.User
	for _, u := range s.Users {
		if u.Role == cases.RoleSupervisor {
			reviewer = u
		}
	}
	_, op := s.Make(t, first.CaseID, reviewer, cases.EventDisclosureWithheld, cases.WithholdPayload{Reason: "涉及个人隐私"})
	s.MustPush(t, h, op)
	ag.Disclosure.PublishPersonName = false
	q.Agency, q.Now = ag, q.Now.Add(24*time.Hour)
	third, err := h.PlanDisclosure(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var withdrawn, corrected int
	for _, e := range third.Entries {
		switch e.Status {
		case disclosure.StatusWithdrawn:
			withdrawn++
			if e.Number != first.Number || e.Party != "" || e.IDNumber != "" {
				t.Errorf("withdrawal %+v", e)
			}
		case disclosure.StatusCorrected:
			corrected++
			if e.PartyKind == "公民" && !strings.HasSuffix(e.Party, "某") {
				t.Errorf("correction shows %q", e.Party)
			}
		default:
			t.Errorf("third export: %+v", e)
		}
	}
	if withdrawn != 1 || corrected == 0 {
		t.Fatalf("third export: %d withdrawn, %d corrected", withdrawn, corrected)
	}
	if _, err := h.RecordDisclosure(ctx, third); err != nil {
		t.Fatal(err)
	}
	var pubs []hq.Publication
	Must(t, h.Store().View(ctx, func(tx hq.Tx) error {
		var err error
		pubs, err = tx.Publications()
		return err
	}))
	states := map[hq.PublicationState]int{}
	for _, pub := range pubs {
		states[pub.State]++
	}
	if len(pubs) != len(p.Entries) || states[hq.Withdrawn] != 1 || states[hq.Corrected] != corrected {
		t.Fatalf("publication records %v (of %d)", states, len(pubs))
	}
	d, err := h.Report(ctx, hq.ReportQuery{From: from, To: to, AsOf: q.Now, DueWorkingDays: 7})
	if err != nil {
		t.Fatal(err)
	}
	if tl := d.Disclosure; tl.Published != len(pubs) || tl.Late != late || tl.OnTime != len(pubs)-late || tl.Withdrawn != 1 {
		t.Errorf("timeliness %+v", tl)
	}
}

// testPublicationRecords: the store keeps one publication record per case,
// replaces it on a second put, lists them all, reads a missing one as not
// found, and a failed transaction leaves none behind.
func testPublicationRecords(t *testing.T, open Open) {
	ctx := context.Background()
	st := open(t)
	at := Start.Add(time.Hour).UTC()
	rec := func(id string, state hq.PublicationState) hq.Publication {
		return hq.Publication{CaseID: id, State: state, Record: disclosure.Record{Number: "南城管罚决字〔2026〕第" + id + "号", Party: "张某", Decided: "2026-11-20"},
			Digest: "d-" + id, Decided: "2026-11-20", Due: "2026-12-01", First: at, At: at, Batch: "公示 2026-11"}
	}
	Must(t, st.Update(ctx, func(tx hq.Tx) error {
		for _, id := range []string{"0001", "0002", "0003"} {
			if err := tx.PutPublication(rec(id, hq.Published)); err != nil {
				return err
			}
		}
		return nil
	}))
	Must(t, st.Update(ctx, func(tx hq.Tx) error {
		p := rec("0002", hq.Withdrawn)
		p.Reason, p.At = "已决定不予公开：涉及个人隐私", at.Add(time.Hour)
		return tx.PutPublication(p)
	}))
	boom := fmt.Errorf("rolled back")
	if err := st.Update(ctx, func(tx hq.Tx) error {
		if err := tx.PutPublication(rec("0004", hq.Published)); err != nil {
			return err
		}
		return boom
	}); err != boom {
		t.Fatalf("failed transaction: %v", err)
	}
	Must(t, st.View(ctx, func(tx hq.Tx) error {
		all, err := tx.Publications()
		if err != nil {
			return err
		}
		if len(all) != 3 {
			t.Fatalf("%d publication records, want 3: %+v", len(all), all)
		}
		p, ok, err := tx.Publication("0002")
		if err != nil || !ok || p.State != hq.Withdrawn || p.Reason == "" || !p.At.Equal(at.Add(time.Hour)) || !p.First.Equal(at) || p.Record.Number != "南城管罚决字〔2026〕第0002号" {
			t.Fatalf("replaced record: %+v %v %v", p, ok, err)
		}
		if _, ok, err := tx.Publication("0004"); ok || err != nil {
			t.Fatalf("the rolled-back record: %v %v", ok, err)
		}
		if _, ok, err := tx.Publication("nope"); ok || err != nil {
			t.Fatalf("a missing record: %v %v", ok, err)
		}
		return nil
	}))
}
