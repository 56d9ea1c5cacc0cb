package home_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/tui/styles"
	"fieldcase/tui/tuitest"
)

// overdueHome is the officer's home with a returned case filed 113 days
// ago (its 90-day decision deadline passed 23 days ago), a fresh returned
// case and a draft.
func overdueHome(t *testing.T) *tuitest.Driver {
	t.Helper()
	dir := t.TempDir()
	filed := tuitest.Now.AddDate(0, 0, -113)
	old, err := store.Open(dir, store.Options{Now: func() time.Time { return filed }})
	if err != nil {
		t.Fatal(err)
	}
	tuitest.AddUsers(t, old, tuitest.OfficerWang, tuitest.OfficerZhao, tuitest.ReviewerLi)
	tuitest.Record(t, old, tuitest.Case{Violation: "CG23", Party: cases.Party{Kind: cases.PartyOrg, Name: "重庆渝南建筑工程有限公司", USCC: tuitest.USCC(t, "91500108MA5U4B8X"), LegalRep: "陈刚"},
		Place: "南岸区学府大道 66 号", Facts: "渣土车未密闭运输，沿途散落约200米。", Occurred: filed.Add(-2 * time.Hour), Harm: cases.HarmSerious, Returned: "请补充现场照片。"})
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	st := tuitest.OpenStore(t, dir)
	if _, err := st.Unlock("wangwu", tuitest.Pass); err != nil {
		t.Fatal(err)
	}
	day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 15, 0, 0, cases.ChinaTime()) }
	tuitest.Record(t, st, tuitest.Case{Violation: "CG08", Party: tuitest.Person(t, "李秀英", "50010319751201234"), Place: "渝中区解放碑步行街",
		Facts: "在电线杆上张贴小广告 12 张。", Occurred: day(19, 8), Harm: cases.HarmMinor, Returned: "请写明张贴位置。"})
	tuitest.Record(t, st, tuitest.Case{Violation: "CG10", Party: tuitest.Person(t, "王志强", "50010519920808111"), Place: "江北区观音桥步行街",
		Facts: "遛狗时宠物粪便未立即清除。", Occurred: day(20, 9), Harm: cases.HarmNone})
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	return d
}

// Issue 15 item 4: a returned case whose decision deadline has passed is
// marked on the officer's home list, as the queue marks it.
func TestHomeMarksOverdueWork(t *testing.T) {
	d := overdueHome(t)
	d.Contains("决定逾期23天")
	d.Contains("决定剩")
	d.Golden()
}

// The mark is in the alarm colour, the one the queue uses for it.
func TestHomeOverdueInAlarmColour(t *testing.T) {
	defer lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetColorProfile(termenv.ANSI256)
	d := overdueHome(t)
	sample := styles.New(false).Error.Render("X")
	want := sample[:strings.Index(sample, "X")] + "决定逾期23天"
	if !strings.Contains(d.View(), want) {
		t.Fatalf("决定逾期23天 not drawn as an error (%q):\n%q", want, d.View())
	}
}

// Issue 15 item 8: at 60×20 the figures keep every status (shorter labels
// before any is dropped), and the list keeps its countdown and a usable
// party column.
func TestHomeAt60x20KeepsEveryFigure(t *testing.T) {
	d := overdueHome(t)
	d.Resize(60, 20)
	tuitest.CheckFits(t, d.View(), 60, 20)
	figures := strings.Split(d.View(), "\n")[2]
	if n := len(regexp.MustCompile(`\p{Han}+ \d+`).FindAllString(figures, -1)); n != 6 {
		t.Fatalf("%d of 6 figures at 60 columns: %q", n, figures)
	}
	d.Contains("决定逾期23天")
	d.Golden()
}
