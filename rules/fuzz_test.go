package rules

import (
	"errors"
	"testing"
)

// FuzzParseFacts: any input either parses into facts that evaluate, or is
// refused with field errors; it never panics.
func FuzzParseFacts(f *testing.F) {
	for _, s := range []string{
		`{"violation":"CG01","party_kind":"person","occurred_at":"2025-06-01","harm":"none"}`,
		`[{"violation":"CG46","party_kind":"org","occurred_at":"2021-01-01","ended_at":"2024-01-01","discovered_at":"2025-06-01T10:00:00+08:00","harm":"serious","endangers_safety":true,"proposed_fine":123456.78}]`,
		`{"violation":"CG09","party_kind":"person","age":15,"capacity":"limited","occurred_at":"2025-06-01","harm":"minor","corrected":true,"prior":[{"violation":"CG09","occurred_at":"2024-06-01"}],"mitigating":["confessed","coerced"]}`,
		`{"violation":"CG01","violation":"CG02"}`,
		`[1,"x",null,{}]`,
		`{"prior":[{"extra":true}],"mitigating":[1]}`,
		``, `[`, `{}`, `null`,
	} {
		f.Add([]byte(s))
	}
	rs := Default()
	f.Fuzz(func(t *testing.T, data []byte) {
		fs, _, err := rs.ParseFacts(data, decisionDay)
		if err != nil {
			var fe *FactsError
			if !errors.As(err, &fe) || len(fe.Errors) == 0 || fs != nil {
				t.Fatalf("bad error shape: %v", err)
			}
			return
		}
		if len(fs) == 0 {
			t.Fatal("no facts and no error")
		}
		for _, x := range fs {
			d, err := rs.Evaluate(x, decisionDay)
			if err != nil {
				t.Fatalf("parsed facts do not evaluate: %v", err)
			}
			if len(d.Citations) == 0 {
				t.Fatal("decision without citation")
			}
		}
	})
}

// FuzzLoad: any input is either a valid rule set that evaluates every item,
// or refused with a LoadError; it never panics.
func FuzzLoad(f *testing.F) {
	f.Add(DefaultData())
	f.Add([]byte(`{"schema":1,"version":"x","items":[]}`))
	f.Add([]byte(`{`))
	f.Add(mutateDefault(f, func(m map[string]any) { itemMap(m, "CG01")["name"] = "\u202e" }))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := Load(data)
		if err != nil {
			var le *LoadError
			if !errors.As(err, &le) || len(le.Problems) == 0 {
				t.Fatalf("bad error shape: %v", err)
			}
			return
		}
		for _, it := range rs.Items() {
			for _, k := range []PartyKind{Person, Org} {
				x := Facts{Violation: it.Code, PartyKind: k, OccurredAt: DateOf(decisionDay), Harm: HarmMinor, Minor: true}
				if _, err := rs.Evaluate(x, decisionDay); err != nil {
					t.Fatalf("%s: %v", it.Code, err)
				}
			}
		}
		_ = rs.Search("zdjy")
	})
}
