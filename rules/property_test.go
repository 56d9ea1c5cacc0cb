package rules

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
)

// randomFacts draws valid facts for any catalog item, with dates up to
// eight years before the decision day.
func randomFacts(r *rand.Rand, rs *RuleSet) Facts {
	items := rs.items
	it := items[r.IntN(len(items))]
	day := DateOf(decisionDay)
	occ := day.AddDays(-r.IntN(8 * 366))
	f := Facts{
		Violation:       it.Code,
		PartyKind:       []PartyKind{Person, Org}[r.IntN(2)],
		OccurredAt:      occ,
		Minor:           r.IntN(2) == 0,
		Corrected:       r.IntN(2) == 0,
		NoFaultProven:   r.IntN(10) == 0,
		EndangersSafety: r.IntN(4) == 0,
		Harm:            []Harm{HarmNone, HarmMinor, HarmSerious}[r.IntN(3)],
	}
	if r.IntN(3) == 0 {
		f.EndedAt = occ.AddDays(r.IntN(int(day.d-occ.d) + 1))
	}
	span := int(day.d - occ.d)
	f.DiscoveredAt = occ.AddDays(r.IntN(span + 1))
	if f.PartyKind == Person {
		switch r.IntN(4) {
		case 0:
			a := 10 + r.IntN(12)
			f.Age = &a
		case 1:
			f.Capacity = []Capacity{CapacityFull, CapacityLimited, CapacityNone}[r.IntN(3)]
		}
	}
	switch r.IntN(3) {
	case 0:
		b := r.IntN(2) == 0
		f.FirstOffence = &b
	case 1:
		for range r.IntN(3) {
			p := items[r.IntN(len(items))].Code
			if r.IntN(2) == 0 {
				p = it.Code
			}
			f.Prior = append(f.Prior, PriorCase{Violation: p, OccurredAt: occ.AddDays(-r.IntN(800))})
		}
	}
	for _, m := range []Mitigating{EliminatedHarm, Coerced, Confessed, Meritorious, OtherStatutory} {
		if r.IntN(8) == 0 {
			f.Mitigating = append(f.Mitigating, m)
		}
	}
	if r.IntN(2) == 0 {
		m := YuanAmount(int64(r.IntN(60000)))
		f.ProposedFine = &m
	}
	return f
}

// Property: more harm never gives a more lenient outcome, all else equal.
func TestPropertyMoreHarmNeverMoreLenient(t *testing.T) {
	rs := Default()
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5000; i++ {
		f := randomFacts(r, rs)
		prev := 4
		var prevD Decision
		for _, h := range []Harm{HarmNone, HarmMinor, HarmSerious} {
			f.Harm = h
			d, err := rs.Evaluate(f, decisionDay)
			if err != nil {
				t.Fatalf("%+v: %v", f, err)
			}
			if l := d.Outcome.Leniency(); l > prev {
				t.Fatalf("harm %s gave %s, more lenient than %s with less harm; facts %+v", h, d.Outcome, prevD.Outcome, f)
			}
			prev, prevD = d.Outcome.Leniency(), d
		}
	}
}

// Property (Art. 36): a case discovered after the limitation period is
// always not punishable, whatever else is true.
func TestPropertyTimeBarredAlwaysNotPunishable(t *testing.T) {
	rs := Default()
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 5000; i++ {
		f := randomFacts(r, rs)
		f.EndedAt = Date{}
		p := rs.Params.Limitation.Value
		if f.EndangersSafety && f.Harm != HarmNone {
			p = rs.Params.LimitationExtended.Value
		}
		last := f.OccurredAt.AddPeriod(p)
		if !last.Before(DateOf(decisionDay)) {
			f.OccurredAt = DateOf(decisionDay).SubPeriod(p).AddDays(-1 - r.IntN(300))
			f.Prior = nil
			last = f.OccurredAt.AddPeriod(p)
		}
		f.DiscoveredAt = last.AddDays(1 + r.IntN(int(DateOf(decisionDay).d-last.d)))
		d, err := rs.Evaluate(f, decisionDay)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		if d.Outcome != NotPunishable || d.Ground != GroundTimeLimit {
			t.Fatalf("time-barred case gave %s/%s: %+v", d.Outcome, d.Ground, f)
		}
	}
}

// Property: every decision cites at least one article, has reasons, a full
// trace and the version that made it.
func TestPropertyEveryDecisionCites(t *testing.T) {
	rs := Default()
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 5000; i++ {
		f := randomFacts(r, rs)
		d, err := rs.Evaluate(f, decisionDay)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		if len(d.Citations) == 0 || len(d.Reasons) == 0 || d.RulesVersion == "" {
			t.Fatalf("decision lacks citations, reasons or version: %+v", d)
		}
		for _, rule := range []string{"R1", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R11", "R12", "R14", "R16", "R17", "R18", "R19"} {
			if _, ok := traceStep(d, rule); !ok {
				t.Fatalf("trace lacks %s", rule)
			}
		}
		for _, c := range d.Citations {
			if c.Article <= 0 || c.Label == "" {
				t.Fatalf("bad citation %+v", c)
			}
		}
		if d.Outcome == NotPunishable && (d.Fine == nil || d.Fine.Max != 0) {
			t.Fatalf("not punishable with a fine: %+v", d.Fine)
		}
		if d.Fine != nil && d.StatutoryFine != nil && d.Outcome != NotPunishable &&
			(d.Fine.Min < d.StatutoryFine.Min || d.Fine.Max > d.StatutoryFine.Max) {
			t.Fatalf("suggested fine %v outside statutory %v", d.Fine, d.StatutoryFine)
		}
	}
}

// Property: facts survive a JSON round trip through the strict parser, and
// decisions through encoding/json.
func TestJSONRoundTrip(t *testing.T) {
	rs := Default()
	r := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 2000; i++ {
		f := randomFacts(r, rs)
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		got, arr, err := rs.ParseFacts(b, decisionDay)
		if err != nil || arr {
			t.Fatalf("reparse %s: %v", b, err)
		}
		if !reflect.DeepEqual(normal(got[0]), normal(f)) {
			t.Fatalf("round trip changed facts:\n%+v\n%+v", f, got[0])
		}
		d, err := rs.Evaluate(f, decisionDay)
		if err != nil {
			t.Fatal(err)
		}
		b1, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var back Decision
		if err := json.Unmarshal(b1, &back); err != nil {
			t.Fatalf("decode decision: %v\n%s", err, b1)
		}
		b2, _ := json.Marshal(back)
		if !bytes.Equal(b1, b2) {
			t.Fatalf("decision round trip differs:\n%s\n%s", b1, b2)
		}
	}
	// Facts implements json.Unmarshaler with the strict rules.
	var f Facts
	if err := json.Unmarshal([]byte(`{"violation":"CG01","party_kind":"person","occurred_at":"2024-01-01","harm":"none","colour":"red"}`), &f); err == nil {
		t.Fatal("Facts.UnmarshalJSON accepted an unknown field")
	}
}

func normal(f Facts) Facts {
	if len(f.Prior) == 0 {
		f.Prior = nil
	}
	if len(f.Mitigating) == 0 {
		f.Mitigating = nil
	}
	return f
}

// Evaluate validates facts built in code too.
func TestEvaluateRejectsImpossibleFacts(t *testing.T) {
	rs := Default()
	day := DateOf(decisionDay)
	f := Facts{Violation: "CG01", PartyKind: Person, OccurredAt: day.AddDays(3), Harm: HarmNone}
	if _, err := rs.Evaluate(f, decisionDay); err == nil {
		t.Fatal("accepted an act in the future")
	}
	f = Facts{Violation: "CG99", PartyKind: Person, OccurredAt: day, Harm: HarmNone}
	if _, err := rs.Evaluate(f, decisionDay); err == nil {
		t.Fatal("accepted an unknown code")
	}
	f = Facts{Violation: "CG01", PartyKind: Person, OccurredAt: day}
	err := f.Validate(rs, decisionDay)
	if err == nil || err.Error() != "harm：缺少必填字段" {
		t.Fatalf("Validate = %v", err)
	}
}
