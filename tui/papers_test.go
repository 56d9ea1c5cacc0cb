package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/cases/store"
)

// seedPapers records a case let off (轻微不罚) and, after it, an
// on-the-spot fine, and reserves the device's number blocks.
func seedPapers(t testing.TB, st *store.Store) (fine, spared string) {
	t.Helper()
	addUsers(t, st, officerWang, officerZhao, reviewerLi)
	for _, k := range agency.Kinds {
		if _, err := st.ReserveNumbers(k, 1, 100); err != nil {
			t.Fatal(err)
		}
	}
	book, err := st.Rules()
	if err != nil {
		t.Fatal(err)
	}
	add := func(f fixtureCase, proposed float64) string {
		c := f.content(officerWang, officerZhao)
		if proposed > 0 {
			c.Circumstances.ProposedFine = &proposed
		}
		got, err := st.AddCases(officerWang.Actor(), book, []store.NewCase{{Content: c}}, false)
		if err != nil {
			t.Fatal(err)
		}
		return got[0].ID
	}
	at := testNow.Add(-2 * 60 * 60 * 1e9)
	spared = add(fixtureCase{violation: "CG09", party: cases.Party{Kind: cases.PartyPerson, Name: "王秀英", IDNumber: residentID(t, "50010819920708332")},
		place: "南岸区南滨路一号码头", facts: "随地乱丢烟头，经劝导当场捡拾", occurred: at, corrected: true, minor: true, harm: cases.HarmNone}, 0)
	fine = add(fixtureCase{violation: "CG01", party: cases.Party{Kind: cases.PartyPerson, Name: "张三", IDNumber: "11010519491231002X"},
		place: "南岸区南坪正街12号", facts: "在人行道摆摊销售水果", occurred: at.Add(60 * 1e9), harm: cases.HarmMinor}, 100)
	// Told and heard on the spot before the on-the-spot decision (Art. 52).
	if _, err := st.RecordBriefing(officerWang.Actor(), fine, cases.Briefing{At: at.Add(120 * 1e9), Said: "当事人承认摆摊"}); err != nil {
		t.Fatal(err)
	}
	return fine, spared
}

func openPapers(t *testing.T) (*driver, string, string) {
	t.Helper()
	dir := t.TempDir()
	st := openTestStore(t, dir)
	fine, _ := seedPapers(t, st)
	d := newDriver(t, st, "wangwu")
	d.signIn()       // sign in
	d.press("f3")    // the case list, newest first
	d.press("enter") // the fine
	if d.m.view != viewDetail || d.m.detail.c.ID != fine {
		t.Fatalf("not on the fined case:\n%s", d.view())
	}
	d.press("f1")
	d.contains("文书")
	d.press("esc")
	d.press("f7")
	if d.m.view != viewPapers {
		t.Fatalf("F7 did not open the documents:\n%s", d.view())
	}
	return d, dir, fine
}

// TestPapersScreen previews, refuses and issues documents at 80×24.
func TestPapersScreen(t *testing.T) {
	d, dir, fine := openPapers(t)
	d.contains("当场行政处罚决定书")
	d.contains("文号：（正式出具时分配）")
	checkWidth(t, d)
	d.golden()

	d.press("right") // 事先告知: not for an on-the-spot case
	d.contains("本案不适用此文书")
	d.contains("适用简易程序")
	if d.m.papers.keys.Issue.Enabled() {
		t.Error("F9 is live on a document that does not fit")
	}
	d.press("left")
	d.press("f9")
	d.contains("已出具当场行政处罚决定书 南城管当罚字〔2026〕第000001号")
	d.contains("已出具：南城管当罚字〔2026〕第000001号")
	saved := filepath.Join(dir, "文书", "南城管当罚字〔2026〕第000001号-onsite")
	for _, ext := range []string{".html", ".txt"} {
		b, err := os.ReadFile(saved + ext)
		if err != nil || !strings.Contains(string(b), "南城管当罚字〔2026〕第000001号") {
			t.Fatalf("saved %s: %v", ext, err)
		}
	}
	c, err := d.m.sh.store.Get(fine)
	if err != nil || len(c.Documents) != 1 {
		t.Fatalf("the document is not on the case: %+v %v", c.Documents, err)
	}
	d.press("f6") // 58 mm paper
	d.contains("58毫米纸")
	checkWidth(t, d)
	d.press("esc")
	if d.m.view != viewDetail {
		t.Fatalf("Esc did not go back to the case:\n%s", d.view())
	}
}

func TestPapersFitNarrowTerminals(t *testing.T) {
	for _, size := range [][2]int{{60, 20}, {100, 30}} {
		d, _, _ := openPapers(t)
		d.resize(size[0], size[1])
		checkWidth(t, d)
	}
}

// TestDashboardScreen draws the figures at 80×24 and switches periods.
func TestDashboardScreen(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	seedPapers(t, st)
	d := newDriver(t, st, "wangwu")
	d.signIn()
	d.press("f1") // the full help lists the key
	d.contains("执法统计")
	d.press("esc")
	d.press("f8")
	if d.m.view != viewDashboard {
		t.Fatalf("F8 did not open the dashboard:\n%s", d.view())
	}
	d.contains("记录 2")
	d.contains("不予处罚的理由")
	checkWidth(t, d)
	d.golden()
	d.press("end")
	d.contains("没有超期案件")
	d.press("left") // 本月
	d.contains("2026-11-01 至 2026-11-20")
	d.press("left", "left") // 近12个月
	d.contains("2025-12-01 至 2026-11-20")
	for _, size := range [][2]int{{60, 20}, {100, 30}} {
		d.resize(size[0], size[1])
		checkWidth(t, d)
	}
	d.press("esc")
	if d.m.view != viewHome {
		t.Fatal("Esc did not go home")
	}
}
