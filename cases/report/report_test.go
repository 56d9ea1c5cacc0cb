package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/report"
	"fieldcase/cases/store"
	"fieldcase/cases/store/procfix"
	"fieldcase/rules"
)

var (
	cn         = cases.ChinaTime()
	officer    = cases.User{ID: "wangwu", Name: "王五", Cert: "50010001", Role: cases.RoleOfficer}
	supervisor = cases.User{ID: "lihua", Name: "李华", Cert: "50010011", Role: cases.RoleSupervisor}
	lawyer     = cases.User{ID: "chenjing", Name: "陈静", Cert: "50010021", Role: cases.RoleLegal}
	head       = cases.User{ID: "zhoumin", Name: "周敏", Cert: "50010031", Role: cases.RoleHead}
	pair       = []cases.Officer{{ID: "wangwu", Name: "王五", Cert: "50010001"}, {Name: "赵六", Cert: "50010002"}}
)

// TestMain makes argon2id cheap: signing in is no part of what these tests check.
func TestMain(m *testing.M) {
	store.DefaultKDF = store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}
	os.Exit(m.Run())
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// generated is a store made through the workflow on a moving clock, with
// the figures the generator knows it put in.
type generated struct {
	st   *store.Store
	clk  *clock
	want report.Figures
	ids  map[string][]string
}

func yes() *bool              { b := true; return &b }
func fine(v float64) *float64 { return &v }

func content(code string, at time.Time, ci cases.Circumstances, n int) cases.Content {
	first17 := fmt.Sprintf("50010819800101%03d", n%1000)
	check, _ := cases.ResidentIDCheckChar(first17)
	return cases.Content{
		Violation: code,
		Party:     cases.Party{Kind: cases.PartyPerson, Name: fmt.Sprintf("当事人%d", n), IDNumber: first17 + string(check)},
		Place:     cases.Place{Text: "南岸区南坪正街12号"}, OccurredAt: at, DiscoveredAt: at,
		Facts: "在人行道摆摊", Circumstances: ci, Officers: pair,
	}
}

// generate records, on days in November and December 2026:
//   - 10 轻微不罚, 4 无错不罚, 3 首违不罚, 2 超过时效 (all decided);
//   - 6 on-the-spot fines of 100 yuan: 5 decided, 1 returned;
//   - 3 fines of 6000 yuan in the ordinary procedure: 2 through legal
//     review and collective discussion to the head's decision, 1 left
//     undecided since 立案 on 2026-11-02 (overdue by 2027-02-15);
//   - 2 drafts, never filed.
func generate(t testing.TB) *generated {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, cn)}
	st, err := store.Open(t.TempDir(), store.Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// The first user creates the store's keys and signs in; the others are
	// added by them.
	for _, u := range []cases.User{officer, supervisor, lawyer, head} {
		if err := st.AddUser(u, "report-passphrase"); err != nil {
			t.Fatal(err)
		}
	}
	p := cases.DefaultReviewPolicy()
	p.Chain = cases.ChainTwoLevel
	if err := st.SetReviewPolicy(p); err != nil {
		t.Fatal(err)
	}
	book, err := st.Rules()
	if err != nil {
		t.Fatal(err)
	}
	g := &generated{st: st, clk: clk, ids: map[string][]string{}}
	n := 0
	late := false
	add := func(group, code string, ci cases.Circumstances, occurred time.Time, draft bool) string {
		t.Helper()
		n++
		c := content(code, occurred, ci, n)
		if late {
			c.DiscoveredAt = clk.t.Add(-30 * time.Minute)
		}
		got, err := st.AddCases(officer.Actor(), book, []store.NewCase{{Content: c}}, draft)
		if err != nil {
			t.Fatalf("%s: %v", group, err)
		}
		g.ids[group] = append(g.ids[group], got[0].ID)
		return got[0].ID
	}
	must := func(_ cases.Case, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	approve := func(id string) {
		clk.t = clk.t.Add(48 * time.Hour)
		must(st.Approve(supervisor.Actor(), id, "同意"))
		clk.t = clk.t.Add(-48 * time.Hour)
	}
	noHarm := cases.Circumstances{Minor: true, Corrected: true, Harm: cases.HarmNone}
	// The ordinary-procedure cases first: filed on 2026-11-02.
	for i := range 3 {
		id := add("ordinary", "CG23", cases.Circumstances{Harm: cases.HarmMinor, ProposedFine: fine(6000)}, clk.t.Add(-time.Hour), false)
		if i == 2 {
			continue // left undecided
		}
		clk.t = clk.t.Add(24 * time.Hour)
		must(st.SendToLegal(supervisor.Actor(), id, "数额较大"))
		must(st.RecordLegalOpinion(lawyer.Actor(), id, cases.LegalOpinion{Pass: true, Checklist: cases.NewChecklist(), Comment: "同意"}))
		day := time.Date(clk.t.Year(), clk.t.Month(), clk.t.Day(), 0, 0, 0, 0, cn)
		must(st.RecordDiscussion(head.Actor(), id, cases.Discussion{Date: day, Participants: []string{"周敏", "吴强"}, Conclusion: "同意处罚"}))
		clk.t = clk.t.Add(24 * time.Hour)
		procfix.Notified(t, st, officer.Actor(), id, clk.t)
		must(st.Approve(head.Actor(), id, "同意"))
		clk.t = clk.t.Add(-48 * time.Hour)
	}
	for i := range 10 {
		clk.t = time.Date(2026, 11, 5+i, 10, 0, 0, 0, cn)
		approve(add("minor", "CG01", noHarm, clk.t.Add(-time.Hour), false))
	}
	for i := range 4 {
		clk.t = time.Date(2026, 12, 1+i, 10, 0, 0, 0, cn)
		approve(add("nofault", "CG09", cases.Circumstances{Corrected: true, Harm: cases.HarmNone, NoFaultProven: true}, clk.t.Add(-time.Hour), false))
	}
	for i := range 3 {
		clk.t = time.Date(2026, 12, 10+i, 10, 0, 0, 0, cn)
		approve(add("first", "CG03", cases.Circumstances{Corrected: true, Harm: cases.HarmMinor, FirstOffence: yes()}, clk.t.Add(-time.Hour), false))
	}
	for i := range 2 {
		clk.t = time.Date(2026, 12, 14+i, 10, 0, 0, 0, cn)
		late = true // discovered today, three years after the act
		approve(add("timelimit", "CG01", cases.Circumstances{Corrected: true, Harm: cases.HarmMinor}, clk.t.AddDate(-3, 0, 0), false))
		late = false
	}
	for i := range 6 {
		clk.t = time.Date(2026, 12, 16+i, 10, 0, 0, 0, cn)
		id := add("simple", "CG01", cases.Circumstances{Harm: cases.HarmMinor, ProposedFine: fine(100)}, clk.t.Add(-time.Hour), false)
		if i == 5 {
			clk.t = clk.t.Add(time.Hour)
			must(st.Return(supervisor.Actor(), id, "补充现场照片"))
			continue
		}
		approve(id)
	}
	for i := range 2 {
		clk.t = time.Date(2026, 12, 28+i, 10, 0, 0, 0, cn)
		add("draft", "CG08", cases.Circumstances{}, clk.t.Add(-time.Hour), true)
	}
	g.want = report.Figures{
		Recorded: 30, Filed: 28,
		Reviewed:  27, // 19 no-penalty and 5 simple approved, 1 returned, 2 sent to legal
		Returned:  1,
		LegalSent: 2, LegalReviews: 2, Collective: 2,
		Decided:   26, // 19 no-penalty + 5 simple + 2 ordinary
		Penalized: 7, Fined: 7, FinesYuan: "12500",
		NotPenalized: 19, Simple: 5, Ordinary: 2,
		Pending: 2, // the undecided ordinary case and the returned one
	}
	return g
}

func TestFiguresMatchTheStore(t *testing.T) {
	g := generate(t)
	asOf := time.Date(2027, 2, 15, 12, 0, 0, 0, cn)
	f, err := report.Compute(g.st, store.Day(20261101), store.Day(20261231), asOf, rules.Default())
	if err != nil {
		t.Fatal(err)
	}
	w := g.want
	check := func(name string, got, want any) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("recorded", f.Recorded, w.Recorded)
	check("filed", f.Filed, w.Filed)
	check("reviewed", f.Reviewed, w.Reviewed)
	check("returned", f.Returned, w.Returned)
	check("legal sent", f.LegalSent, w.LegalSent)
	check("legal reviews", f.LegalReviews, w.LegalReviews)
	check("collective", f.Collective, w.Collective)
	check("decided", f.Decided, w.Decided)
	check("penalized", f.Penalized, w.Penalized)
	check("fined", f.Fined, w.Fined)
	check("fines", f.FinesYuan, w.FinesYuan)
	check("not penalized", f.NotPenalized, w.NotPenalized)
	check("simple", f.Simple, w.Simple)
	check("ordinary", f.Ordinary, w.Ordinary)
	check("pending", f.Pending, w.Pending)
	grounds := map[string]int64{}
	for _, c := range f.ByGround {
		grounds[c.Code] = c.Count
	}
	check("轻微不罚", grounds["minor_no_harm"], 10)
	check("无错不罚", grounds["no_fault"], 4)
	check("首违不罚", grounds["first_offence"], 3)
	check("超过时效", grounds["time_limit"], 2)
	byV := map[string]report.Violation{}
	for _, v := range f.ByViolation {
		byV[v.Code] = v
	}
	check("CG01 recorded", byV["CG01"].Recorded, 18)
	check("CG01 decided", byV["CG01"].Decided, 17)
	check("CG23", byV["CG23"], report.Violation{Code: "CG23", Name: "未密闭运输", Recorded: 3, Decided: 2})
	check("CG08", byV["CG08"].Recorded, 2)
	check("months", len(f.ByMonth), 2)
	check("november", f.ByMonth[0], report.Month{Month: "2026-11", Recorded: 13, Decided: 12, NotPenalized: 10})
	check("december", f.ByMonth[1], report.Month{Month: "2026-12", Recorded: 17, Decided: 14, NotPenalized: 9})
	check("daily entries", len(f.Daily), 61)
	// Handling: 24 cases decided 48 hours after 立案, 2 after 48 hours too.
	check("handling cases", f.HandlingCases, 26)
	check("average days", fmt.Sprintf("%.2f", f.AvgHandlingDays), "2.00")
	if len(f.Overdue) != 1 || f.Overdue[0].CaseID != g.ids["ordinary"][2] || f.Overdue[0].Filed != "2026-11-02" {
		t.Fatalf("overdue %+v", f.Overdue)
	}
	// 2026-11-02 + 90 days = 2027-01-31; 2027-02-15 is 15 days past.
	check("days over", f.Overdue[0].DaysOver, 15)

	// A range that holds only part of the activity.
	dec, err := report.Compute(g.st, store.Day(20261201), store.Day(20261231), asOf, nil)
	if err != nil {
		t.Fatal(err)
	}
	check("december recorded", dec.Recorded, 17)
	check("december decided", dec.Decided, 14)

	var buf bytes.Buffer
	if err := report.WriteText(&buf, f); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"记录案件", "轻微不罚", "首违不罚", "无错不罚", "超过追责时效", "超过90日未决", g.ids["ordinary"][2], "2026-12"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("text lacks %q", want)
		}
	}
	b, err := json.Marshal(f)
	if err != nil || !strings.Contains(string(b), `"not_penalized_by_ground"`) {
		t.Errorf("json: %s %v", b, err)
	}
}

func TestEmptyRangeAndBadRange(t *testing.T) {
	g := generate(t)
	f, err := report.Compute(g.st, store.Day(20250101), store.Day(20250131), time.Date(2025, 2, 1, 0, 0, 0, 0, cn), nil)
	if err != nil || f.Recorded != 0 || f.Decided != 0 || len(f.Daily) != 31 {
		t.Fatalf("%+v %v", f, err)
	}
	if _, err := report.Compute(g.st, store.Day(20260201), store.Day(20260101), time.Now(), nil); err == nil {
		t.Error("a range ending before it starts was accepted")
	}
}

const benchCases = 10000

// BenchmarkReportYear reports a year over a store of benchCases cases (the
// store takes about a minute to build): the figure to watch is ns/op, which
// depends on the days and the catalog items in the range, not on the
// number of cases.
func BenchmarkReportYear(b *testing.B) {
	st := bigStore(b, benchCases)
	asOf := time.Date(2027, 1, 1, 0, 0, 0, 0, cn)
	b.ResetTimer()
	for b.Loop() {
		if _, err := report.Compute(st, store.Day(20260101), store.Day(20261231), asOf, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// bigStore writes n cases spread over 2026, in batches of a thousand, each
// created, judged, submitted and (most of them) approved.
func bigStore(b *testing.B, n int) *store.Store {
	b.Helper()
	clk := &clock{t: time.Date(2026, 1, 1, 9, 0, 0, 0, cn)}
	st, err := store.Open(b.TempDir(), store.Options{Now: clk.now})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if err := st.AddUser(officer, "report-passphrase"); err != nil {
		b.Fatal(err)
	}
	p := cases.DefaultReviewPolicy()
	p.Chain = cases.ChainTwoLevel
	if err := st.SetReviewPolicy(p); err != nil {
		b.Fatal(err)
	}
	book, _ := st.Rules()
	codes := []string{"CG01", "CG03", "CG08", "CG09", "CG10", "CG18", "CG34", "CG42"}
	for start := 0; start < n; start += 1000 {
		clk.t = time.Date(2026, 1, 1, 9, 0, 0, 0, cn).AddDate(0, 0, start*365/n)
		var ncs []store.NewCase
		for i := start; i < min(n, start+1000); i++ {
			ci := cases.Circumstances{Minor: i%3 == 0, Corrected: i%2 == 0, Harm: cases.HarmMinor}
			ncs = append(ncs, store.NewCase{Content: content(codes[i%len(codes)], clk.t.Add(-time.Hour), ci, i)})
		}
		got, err := st.AddCases(officer.Actor(), book, ncs, false)
		if err != nil {
			b.Fatal(err)
		}
		var batches []store.Batch
		for i, c := range got {
			if i%100 != 0 && !c.CollectiveRequired() && !c.LegalRequired(p) {
				batches = append(batches, store.Batch{CaseID: c.ID, Changes: []store.Change{{Kind: cases.EventApproved, Payload: cases.CommentPayload{}}}})
			}
		}
		if _, err := st.RecordAll(supervisor.Actor(), batches); err != nil {
			b.Fatal(err)
		}
	}
	return st
}

// TestLedgerCountsAsTheStore replays every log of a device store through a
// Ledger, as HQ does, and gets the store's own figures: the device and HQ
// count through the one report.Deltas.
func TestLedgerCountsAsTheStore(t *testing.T) {
	g := generate(t)
	all, err := g.st.List(store.Filter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	l := report.NewLedger()
	for _, c := range all {
		log, err := g.st.Events(c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Replay(log); err != nil {
			t.Fatal(err)
		}
	}
	asOf := time.Date(2027, 2, 15, 12, 0, 0, 0, cn)
	for _, r := range [][2]report.Day{{20261101, 20261231}, {20261201, 20261215}, {20250101, 20250131}} {
		want, err := report.Compute(g.st, r[0], r[1], asOf, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := report.Compute(l, r[0], r[1], asOf, nil)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(want)
		b, _ := json.Marshal(got)
		if !bytes.Equal(a, b) {
			t.Errorf("%v: ledger figures differ from the store's\nstore  %s\nledger %s", r, a, b)
		}
	}
}
