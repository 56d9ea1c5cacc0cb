package browse_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/tui/browse"
	"fieldcase/tui/present"
	"fieldcase/tui/tuitest"
)

// searchSeed is the standard cases and 冉建国's, which occurred before the
// others but was recorded last.
func searchSeed(t *testing.T) (*tuitest.Driver, cases.Case) {
	t.Helper()
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.SeedStandard(t, st)
	ran := tuitest.Record(t, st, tuitest.Case{Violation: "CG09", Party: tuitest.Person(t, "冉建国", "50023319870612345"),
		Place: "南岸区南坪东路 3 号", Facts: "在道路上焚烧树叶。", Occurred: time.Date(2026, 11, 10, 7, 30, 0, 0, cases.ChinaTime()), Harm: cases.HarmMinor})
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	d.Press("f3")
	return d, ran
}

func listed(d *tuitest.Driver) []string {
	var names []string
	for _, r := range browse.Shown(d) {
		names = append(names, r.Content.Party.Name)
	}
	return names
}

// Issue 15 item 2: the case list finds a case the way party search finds
// a party: pinyin (full and initials), the case number the guided flow
// shows, an ID number's start; and nothing looser.
func TestCaseListSearchFindsLikePartySearch(t *testing.T) {
	d, ran := searchSeed(t)
	for _, q := range []string{"rjg", "ranjianguo", "RanJian", "冉建", present.ShortID(ran.ID), "50023319", "南坪东路"} {
		d.Type("/")
		d.Type(q)
		if got := listed(d); !slices.Equal(got, []string{"冉建国"}) {
			t.Errorf("search %q listed %v", q, got)
		}
		d.Press("esc")
	}
	d.Type("/")
	d.Type("CG1")
	if got := listed(d); !slices.Equal(got, []string{"王志强"}) {
		t.Errorf("CG1 listed %v, want only the CG10 case", got)
	}
	d.Press("esc")
	d.Type("/")
	d.Type("rjg")
	d.Golden()
}

// The list is in the order of the date it shows (发生时间), latest first,
// whatever order the cases were recorded in.
func TestCaseListInOrderOfItsDate(t *testing.T) {
	d, _ := searchSeed(t)
	shown := browse.Shown(d)
	for i := 1; i < len(shown); i++ {
		if shown[i].Content.OccurredAt.After(shown[i-1].Content.OccurredAt) {
			t.Fatalf("row %d (%s) occurred after row %d:\n%s", i, present.Short(shown[i].Content.OccurredAt), i-1, d.View())
		}
	}
	if !strings.Contains(d.View(), "冉建国") {
		t.Fatalf("冉建国 not listed:\n%s", d.View())
	}
}
