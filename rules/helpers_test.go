package rules

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// decisionDay is the fixed "today" of the statute tests.
var decisionDay = time.Date(2025, 6, 30, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// baseFacts is an ordinary punishable case the tests vary one field at a
// time: a person, 占道经营, slight harm, not corrected, not a first offence.
var baseFacts = map[string]any{
	"violation":     "CG01",
	"party_kind":    "person",
	"occurred_at":   "2025-06-01",
	"discovered_at": "2025-06-01",
	"harm":          "minor",
	"first_offence": false,
}

// factsJSON merges overrides into baseFacts; a nil value removes the field.
func factsJSON(t testing.TB, over map[string]any) []byte {
	t.Helper()
	m := map[string]any{}
	for k, v := range baseFacts {
		m[k] = v
	}
	for k, v := range over {
		if v == nil {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustFacts(t testing.TB, rs *RuleSet, over map[string]any) Facts {
	t.Helper()
	fs, _, err := rs.ParseFacts(factsJSON(t, over), decisionDay)
	if err != nil {
		t.Fatalf("facts %v: %v", over, err)
	}
	return fs[0]
}

// mutateDefault edits the embedded rule set as a JSON tree.
func mutateDefault(t testing.TB, fn func(m map[string]any)) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(DefaultData()))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	fn(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func itemMap(m map[string]any, code string) map[string]any {
	for _, it := range m["items"].([]any) {
		im := it.(map[string]any)
		if im["code"] == code {
			return im
		}
	}
	panic("no item " + code)
}

func mustLoad(t testing.TB, data []byte) *RuleSet {
	t.Helper()
	rs, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func hasFlag(d Decision, code string) bool {
	for _, f := range d.SupervisorFlags {
		if f.Code == code {
			return true
		}
	}
	return false
}

func hasCitation(d Decision, article, paragraph, item int) bool {
	for _, c := range d.Citations {
		if c.Law == "中华人民共和国行政处罚法" && c.Article == article && (paragraph < 0 || c.Paragraph == paragraph) && (item < 0 || c.Item == item) {
			return true
		}
	}
	return false
}

func hasNext(d Decision, action string) bool {
	for _, n := range d.NextSteps {
		if n.Action == action {
			return true
		}
	}
	return false
}

func traceStep(d Decision, rule string) (TraceStep, bool) {
	for _, s := range d.Trace {
		if s.Rule == rule {
			return s, true
		}
	}
	return TraceStep{}, false
}

func traceFact(st TraceStep, name string) string {
	for _, f := range append(st.Facts, st.Params...) {
		if f.Name == name {
			return f.Value()
		}
	}
	return ""
}

func yuan(n int64) Money { return YuanAmount(n) }

func reasonsContain(d Decision, s string) bool {
	for _, r := range d.Reasons {
		if strings.Contains(r, s) {
			return true
		}
	}
	return false
}
