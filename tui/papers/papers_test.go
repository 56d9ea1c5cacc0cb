package papers_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/cases/store"
	"fieldcase/tui/papers"
	"fieldcase/tui/screen"
	"fieldcase/tui/tuitest"
)

// seedPapers records a case let off (轻微不罚) and, after it, an
// on-the-spot fine, and reserves the device's number blocks.
func seedPapers(t testing.TB, st *store.Store) (fine, spared string) {
	t.Helper()
	tuitest.AddUsers(t, st, tuitest.OfficerWang, tuitest.OfficerZhao, tuitest.ReviewerLi)
	for _, k := range agency.Kinds {
		if _, err := st.ReserveNumbers(k, 1, 100); err != nil {
			t.Fatal(err)
		}
	}
	book, err := st.Rules()
	if err != nil {
		t.Fatal(err)
	}
	add := func(f tuitest.Case, proposed float64) string {
		c := f.Content(tuitest.OfficerWang, tuitest.OfficerZhao)
		if proposed > 0 {
			c.Circumstances.ProposedFine = &proposed
		}
		got, err := st.AddCases(tuitest.OfficerWang.Actor(), book, []store.NewCase{{Content: c}}, false)
		if err != nil {
			t.Fatal(err)
		}
		return got[0].ID
	}
	at := tuitest.Now.Add(-2 * 60 * 60 * 1e9)
	spared = add(tuitest.Case{Violation: "CG09", Party: cases.Party{Kind: cases.PartyPerson, Name: "王秀英", IDNumber: tuitest.ResidentID(t, "50010819920708332")},
		Place: "南岸区南滨路一号码头", Facts: "随地乱丢烟头，经劝导当场捡拾", Occurred: at, Corrected: true, Minor: true, Harm: cases.HarmNone}, 0)
	fine = add(tuitest.Case{Violation: "CG01", Party: cases.Party{Kind: cases.PartyPerson, Name: "张三", IDNumber: "11010519491231002X"},
		Place: "南岸区南坪正街12号", Facts: "在人行道摆摊销售水果", Occurred: at.Add(60 * 1e9), Harm: cases.HarmMinor}, 100)
	// Told and heard on the spot before the on-the-spot decision (Art. 52).
	if _, err := st.RecordBriefing(tuitest.OfficerWang.Actor(), fine, cases.Briefing{At: at.Add(120 * 1e9), Said: "当事人承认摆摊"}); err != nil {
		t.Fatal(err)
	}
	return fine, spared
}

func openPapers(t *testing.T) (*tuitest.Driver, string, string) {
	t.Helper()
	dir := t.TempDir()
	st := tuitest.OpenStore(t, dir)
	fine, _ := seedPapers(t, st)
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()       // sign in
	d.Press("f3")    // the case list, newest first
	d.Press("enter") // the fine
	if id, _ := d.Screen(screen.Detail).Subject(); d.Active() != screen.Detail || id != fine {
		t.Fatalf("not on the fined case:\n%s", d.View())
	}
	d.Press("f1")
	d.Contains("文书")
	d.Press("esc")
	d.Press("f7")
	if d.Active() != screen.Papers {
		t.Fatalf("F7 did not open the documents:\n%s", d.View())
	}
	return d, dir, fine
}

// TestPapersScreen previews, refuses and issues documents at 80×24.
func TestPapersScreen(t *testing.T) {
	d, dir, fine := openPapers(t)
	d.Contains("当场行政处罚决定书")
	d.Contains("文号：（正式出具时分配）")
	tuitest.CheckFits(t, d.View(), d.W, d.H)
	d.Golden()

	d.Press("right") // 事先告知: not for an on-the-spot case
	d.Contains("本案不适用此文书")
	d.Contains("适用简易程序")
	if papers.CanIssue(d) {
		t.Error("F9 is live on a document that does not fit")
	}
	d.Press("left")
	d.Press("f9") // asks first: the number is used up for good
	d.Contains("不能收回")
	if c, _ := d.Store.Get(fine); len(c.Documents) != 0 {
		t.Fatalf("one F9 issued the document: %+v", c.Documents)
	}
	d.Press("esc")
	d.Contains("已取消，未出具")
	d.Press("f9", "enter")
	d.Contains("已出具当场行政处罚决定书 南城管当罚字〔2026〕第000001号")
	d.Contains("已出具：南城管当罚字〔2026〕第000001号")
	saved := filepath.Join(dir, "文书", "南城管当罚字〔2026〕第000001号-onsite")
	for _, ext := range []string{".html", ".txt"} {
		b, err := os.ReadFile(saved + ext)
		if err != nil || !strings.Contains(string(b), "南城管当罚字〔2026〕第000001号") {
			t.Fatalf("saved %s: %v", ext, err)
		}
	}
	c, err := d.Store.Get(fine)
	if err != nil || len(c.Documents) != 1 {
		t.Fatalf("the document is not on the case: %+v %v", c.Documents, err)
	}
	d.Press("f6") // 58 mm paper
	d.Contains("58毫米纸")
	tuitest.CheckFits(t, d.View(), d.W, d.H)
	d.Press("esc")
	if d.Active() != screen.Detail {
		t.Fatalf("Esc did not go back to the case:\n%s", d.View())
	}
}

func TestPapersFitNarrowTerminals(t *testing.T) {
	for _, size := range [][2]int{{60, 20}, {100, 30}} {
		d, _, _ := openPapers(t)
		d.Resize(size[0], size[1])
		tuitest.CheckFits(t, d.View(), d.W, d.H)
	}
}

// TestDashboardScreen draws the figures at 80×24 and switches periods.
func TestDashboardScreen(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	seedPapers(t, st)
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	d.Press("f1") // the full help lists the key
	d.Contains("执法统计")
	d.Press("esc")
	d.Press("f8")
	if d.Active() != screen.Dashboard {
		t.Fatalf("F8 did not open the dashboard:\n%s", d.View())
	}
	d.Contains("记录 2")
	d.Contains("不予处罚的理由")
	tuitest.CheckFits(t, d.View(), d.W, d.H)
	d.Golden()
	d.Press("end")
	d.Contains("没有超期案件")
	d.Press("left") // 本月
	d.Contains("2026-11-01 至 2026-11-20")
	d.Press("left", "left") // 近12个月
	d.Contains("2025-12-01 至 2026-11-20")
	for _, size := range [][2]int{{60, 20}, {100, 30}} {
		d.Resize(size[0], size[1])
		tuitest.CheckFits(t, d.View(), d.W, d.H)
	}
	d.Press("esc")
	if d.Active() != screen.Home {
		t.Fatal("Esc did not go home")
	}
}

// The document screen names documents to choose, never command-line flags.
func TestReasonsNameDocumentsNotFlags(t *testing.T) {
	got := papers.ScreenWords("本案应当不予行政处罚，请出具不予行政处罚决定书（--kind nopenalty）")
	if strings.Contains(got, "--kind") || !strings.Contains(got, "（按左右键选「不予行政处罚决定书」）") {
		t.Fatalf("%q", got)
	}
}
