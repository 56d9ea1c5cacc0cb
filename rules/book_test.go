package rules

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// newerSet is the default set under another version and effective date,
// with CG01's fine for a person changed to lo–hi yuan.
func newerSet(t testing.TB, version, from string, lo, hi int) []byte {
	return mutateDefault(t, func(m map[string]any) {
		m["version"] = version
		m["effective_from"] = from
		tier := itemMap(m, "CG01")["tiers"].([]any)[0].(map[string]any)
		tier["person"] = map[string]any{"kind": "range", "min": lo, "max": hi}
	})
}

func TestBookArt37LighterLaterSetApplies(t *testing.T) {
	book := DefaultBook()
	if _, err := book.Install(newerSet(t, "cq-2025.1", "2025-01-01", 20, 300)); err != nil {
		t.Fatal(err)
	}
	// Act under the 2024 set, decided under the 2025 set, which is lighter.
	f := mustFacts(t, Default(), map[string]any{"occurred_at": "2024-12-01", "discovered_at": "2024-12-01"})
	d, err := book.Evaluate(f, decisionDay)
	if err != nil {
		t.Fatal(err)
	}
	if d.RulesVersion != "cq-2025.1" || d.Fine.Max != yuan(300) {
		t.Fatalf("applied %s with fine %v, want the lighter cq-2025.1 (20–300)", d.RulesVersion, d.Fine)
	}
	st := d.Trace[0]
	if st.Rule != "ART37" || !st.Fired || traceFact(st, "act_rules_version") != "cq-2024.2" || traceFact(st, "applied_rules_version") != "cq-2025.1" {
		t.Fatalf("trace[0] = %+v", st)
	}
	if !hasCitation(d, 37, -1, -1) || !reasonsContain(d, "第三十七条") {
		t.Fatal("Art. 37 not cited or explained")
	}
}

func TestBookArt37HeavierLaterSetDoesNotApply(t *testing.T) {
	book := DefaultBook()
	if _, err := book.Install(newerSet(t, "cq-2025.1", "2025-01-01", 100, 800)); err != nil {
		t.Fatal(err)
	}
	f := mustFacts(t, Default(), map[string]any{"occurred_at": "2024-12-01", "discovered_at": "2024-12-01"})
	d, err := book.Evaluate(f, decisionDay)
	if err != nil {
		t.Fatal(err)
	}
	if d.RulesVersion != "cq-2024.2" || d.Fine.Max != yuan(500) {
		t.Fatalf("applied %s with %v, want act-time cq-2024.2", d.RulesVersion, d.Fine)
	}
	if d.Trace[0].Fired {
		t.Fatal("ART37 step fired although the old set applied")
	}
	// An act after the new set's effective date is judged by it alone.
	f = mustFacts(t, Default(), map[string]any{"occurred_at": "2025-02-01", "discovered_at": "2025-02-01"})
	d, _ = book.Evaluate(f, decisionDay)
	if d.RulesVersion != "cq-2025.1" || d.Fine.Max != yuan(800) {
		t.Fatalf("act under the new set applied %s", d.RulesVersion)
	}
}

func TestBookArt37NoLongerAViolation(t *testing.T) {
	book := DefaultBook()
	data := mutateDefault(t, func(m map[string]any) {
		m["version"], m["effective_from"] = "cq-2025.2", "2025-03-01"
		itemMap(m, "CG06")["repealed"] = true
	})
	if _, err := book.Install(data); err != nil {
		t.Fatal(err)
	}
	f := mustFacts(t, Default(), map[string]any{"violation": "CG06", "occurred_at": "2024-12-01", "discovered_at": "2024-12-01"})
	d, err := book.Evaluate(f, decisionDay)
	if err != nil {
		t.Fatal(err)
	}
	if d.Outcome != NotPunishable || d.Ground != GroundRepealed || d.RulesVersion != "cq-2025.2" {
		t.Fatalf("got %s/%s by %s", d.Outcome, d.Ground, d.RulesVersion)
	}
}

func TestBookInForce(t *testing.T) {
	book := DefaultBook()
	if _, err := book.Install(newerSet(t, "cq-2025.1", "2025-01-01", 20, 300)); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		day  string
		want string
	}{{"2023-12-31", ""}, {"2024-01-01", "cq-2024.2"}, {"2024-12-31", "cq-2024.2"}, {"2025-01-01", "cq-2025.1"}, {"2030-01-01", "cq-2025.1"}}
	for _, c := range cases {
		d, _ := ParseDate(c.day)
		got := ""
		if rs := book.InForce(d.Time()); rs != nil {
			got = rs.Version
		}
		if got != c.want {
			t.Errorf("InForce(%s) = %q, want %q", c.day, got, c.want)
		}
	}
	if book.Latest().Version != "cq-2025.1" || len(book.Sets()) != 2 {
		t.Fatal("Latest/Sets wrong")
	}
}

// A set takes effect on a day in China (UTC+8), whatever offset the time
// asked about carries: an event stamped in UTC at 16:30 on the eve falls
// on the set's first day.
func TestBookInForceOnChinasDay(t *testing.T) {
	book := DefaultBook()
	if _, err := book.Install(newerSet(t, "cq-2026.12", "2026-12-07", 20, 300)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		at   string
		want string
	}{
		{"2026-12-06T15:59:59Z", "cq-2024.2"},
		{"2026-12-06T16:00:00Z", "cq-2026.12"},
		{"2026-12-06T16:30:00Z", "cq-2026.12"},
		{"2026-12-07T00:30:00+08:00", "cq-2026.12"},
		{"2026-12-06T23:30:00+08:00", "cq-2024.2"},
		{"2026-12-06T20:00:00-05:00", "cq-2026.12"}, // 09:00 on the 7th in China
	} {
		at, err := time.Parse(time.RFC3339, c.at)
		if err != nil {
			t.Fatal(err)
		}
		if got := book.InForce(at).Version; got != c.want {
			t.Errorf("InForce(%s) = %s, want %s", c.at, got, c.want)
		}
	}
}

// Today is China's day too: at 00:30 in China on a clock kept in UTC, an
// act recorded as happening today is not in the future, and the decision
// day is today.
func TestTodayIsChinasDay(t *testing.T) {
	now := time.Date(2026, 12, 6, 16, 30, 0, 0, time.UTC) // 2026-12-07 00:30 in China
	fs, _, err := Default().ParseFacts(factsJSON(t, map[string]any{"occurred_at": "2026-12-07", "discovered_at": "2026-12-07"}), now)
	if err != nil {
		t.Fatalf("an act of China's today refused as in the future: %v", err)
	}
	d, err := DefaultBook().Evaluate(fs[0], now)
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	for _, step := range d.Trace {
		for _, f := range step.Facts {
			if f.Name == "decision_date" {
				got = f.Value()
			}
		}
	}
	if got != "2026-12-07" {
		t.Errorf("decision day %q, want 2026-12-07", got)
	}
}

func TestBookActBeforeEverySetIsFlagged(t *testing.T) {
	f := mustFacts(t, Default(), map[string]any{"occurred_at": "2023-10-01", "discovered_at": "2023-10-01"})
	d, err := DefaultBook().Evaluate(f, decisionDay)
	if err != nil {
		t.Fatal(err)
	}
	if !hasFlag(d, "act_predates_rule_set") || d.RulesVersion != "cq-2024.2" {
		t.Fatalf("flags %v version %s", d.SupervisorFlags, d.RulesVersion)
	}
	// The rule set alone flags it as well.
	d, _ = Default().Evaluate(f, decisionDay)
	if !hasFlag(d, "act_predates_rule_set") {
		t.Fatal("RuleSet.Evaluate did not flag an act before its effective date")
	}
}

func TestBookRefusesBadSetAndKeepsCurrent(t *testing.T) {
	book := DefaultBook()
	bad := [][]byte{
		[]byte(`{"schema":1`),
		mutateDefault(t, func(m map[string]any) {
			m["version"], m["effective_from"] = "cq-x", "2025-01-01"
			delete(itemMap(m, "CG05"), "name")
		}),
		mutateDefault(t, func(m map[string]any) {
			m["version"], m["effective_from"] = "cq-x", "2025-01-01"
			itemMap(m, "CG05")["name"] = "乱停乱放"
		}),
		mutateDefault(t, func(m map[string]any) { m["effective_from"] = "2025-01-01" }), // same version
		mutateDefault(t, func(m map[string]any) { m["version"] = "cq-2024.9" }),         // same date
	}
	for i, data := range bad {
		if _, err := book.Install(data); err == nil {
			t.Errorf("bad set %d installed", i)
		} else if !strings.Contains(err.Error(), "规则集") && !strings.Contains(err.Error(), "已安装") && !strings.Contains(err.Error(), "生效日期") {
			t.Errorf("bad set %d: unclear error %v", i, err)
		}
		if len(book.Sets()) != 1 || book.Latest() != Default() {
			t.Fatalf("book changed after refusing set %d", i)
		}
	}
	_, err := book.Install(bad[2])
	if err == nil || !strings.Contains(err.Error(), "CG05") || !strings.Contains(err.Error(), "不得重新编号") {
		t.Fatalf("renumbering not explained: %v", err)
	}
	// The old set still decides.
	f := mustFacts(t, Default(), nil)
	d, err := book.Evaluate(f, decisionDay)
	if err != nil || d.RulesVersion != "cq-2024.2" {
		t.Fatalf("after refusals: %v %v", d.RulesVersion, err)
	}
}

func TestBookConcurrentInstallAndEvaluate(t *testing.T) {
	book := DefaultBook()
	f := mustFacts(t, Default(), nil)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if _, err := book.Evaluate(f, decisionDay); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	if _, err := book.Install(newerSet(t, "cq-2025.1", "2025-01-01", 20, 300)); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if len(book.Sets()) != 2 {
		t.Fatal("install lost")
	}
}

func TestBookParseFactsKnowsNewCodes(t *testing.T) {
	data := mutateDefault(t, func(m map[string]any) {
		m["version"], m["effective_from"] = "cq-2025.1", "2025-01-01"
		items := m["items"].([]any)
		cg51 := map[string]any{}
		for k, v := range itemMap(m, "CG10") {
			cg51[k] = v
		}
		cg51["code"], cg51["name"] = "CG51", "新增测试事项"
		m["items"] = append(items, cg51)
	})
	book := DefaultBook()
	if _, err := book.Install(data); err != nil {
		t.Fatal(err)
	}
	j := factsJSON(t, map[string]any{"violation": "CG51", "occurred_at": "2024-12-01", "discovered_at": "2024-12-01"})
	fs, _, err := book.ParseFacts(j, decisionDay)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Default().ParseFacts(j, decisionDay); err == nil {
		t.Fatal("default set accepted CG51")
	}
	d, err := book.Evaluate(fs[0], decisionDay)
	if err != nil {
		t.Fatal(err)
	}
	if d.RulesVersion != "cq-2025.1" || !hasFlag(d, "item_missing_at_act") {
		t.Fatalf("CG51 before its set: version %s flags %v", d.RulesVersion, d.SupervisorFlags)
	}
}
