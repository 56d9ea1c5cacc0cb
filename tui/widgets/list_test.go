package widgets

import (
	"slices"
	"testing"

	"fieldcase/cases"
)

func TestSearchKeepsOrderAndMatchesRunes(t *testing.T) {
	targets := []Target{
		NewTarget("CG01 占道经营", "张建国", "南坪正街", nil),
		NewTarget("CG08 乱贴广告", "李秀英", "解放碑", nil),
		NewTarget("CG10 宠物粪便", "王志强", "观音桥", nil),
	}
	if got := Search(" ", targets, []int{2, 0}); len(got) != 2 || got[0].I != 2 || got[1].I != 0 {
		t.Fatalf("an empty query shows the order given: %+v", got)
	}
	if got := Search("张建国", targets, nil); len(got) != 0 {
		t.Fatalf("nothing in order, nothing shown: %+v", got)
	}
	got := Search("建国", targets, All(len(targets)))
	if len(got) != 1 || got[0].I != 0 {
		t.Fatalf("建国: %+v", got)
	}
	// The matched runes fall in the party column, relative to it.
	tg := targets[0]
	var inParty []int
	for _, m := range got[0].Match {
		if m >= tg.Start[1] && m < tg.Start[2] {
			inParty = append(inParty, m-tg.Start[1])
		}
	}
	if !slices.Equal(inParty, []int{1, 2}) {
		t.Fatalf("matched runes %v of 张建国, want [1 2]", inParty)
	}
}

// A list row is found the way party search finds a party: by part of what
// it shows, or by the start of a term (pinyin, initials, ID number, case
// number); never by letters scattered over the row (issue 15 item 2).
func TestSearchFindsLikePartySearch(t *testing.T) {
	row := func(viol, name, place, id, idNumber string) Target {
		c := cases.Case{ID: id, Content: cases.Content{Party: cases.Party{Name: name, IDNumber: idNumber}}}
		return NewTarget(viol, name, place, cases.CaseTerms(c))
	}
	targets := []Target{
		row("CG01 占道经营", "冉建国", "南岸区南坪正街 88 号", "019a0000-0000-7000-8000-00000000ab12", "500108198003151234"),
		row("CG03 店外经营", "重庆好味小面馆", "弹子石老街 12 号", "019a0000-0000-7000-8000-00000000cd34", ""),
		row("CG35 油烟直排", "张晓梅", "解放碑", "019a0000-0000-7000-8000-00000000ef56", "500103197512012345"),
	}
	for _, tc := range []struct {
		q    string
		want []int
	}{
		{"冉建国", []int{0}},
		{"建国", []int{0}},
		{"rjg", []int{0}},
		{"RJG", []int{0}},
		{"ranjianguo", []int{0}},
		{"ranjian", []int{0}},
		{"0000ab12", []int{0}}, // the case number the guided flow shows
		{"0000AB", []int{0}},   // its start, typed in capitals
		{"50010819", []int{0}}, // an ID number's first digits
		{"88号", []int{0}},      // the place, spaces folded
		{"zxm", []int{2}},      // 张晓梅, not the noodle shop (zhong qing hao wei xiao mian)
		{"cg34", nil},          // no CG35 case
		{"CG35", []int{2}},
		{"cqhw", []int{1}},
		{"jg", nil},    // initials begin the name, as in party search
		{"10819", nil}, // an ID number is found by its start
	} {
		var got []int
		for _, r := range Search(tc.q, targets, All(len(targets))) {
			got = append(got, r.I)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Search(%q) = %v, want %v", tc.q, got, tc.want)
		}
	}
}

func TestTabsAt(t *testing.T) {
	tabs := Tabs{Labels: []string{"全部", "草稿", "待审核"}}
	// " [全部]  草稿   待审核 ": each tab is its label and two cells, one apart.
	for _, tc := range []struct {
		x    int
		want int
		ok   bool
	}{{0, 0, false}, {1, 0, true}, {6, 0, true}, {7, 0, false}, {8, 1, true}, {15, 2, true}, {22, 2, true}, {23, 0, false}} {
		if got, ok := tabs.At(tc.x); got != tc.want || ok != tc.ok {
			t.Errorf("At(%d) = %d %v, want %d %v", tc.x, got, ok, tc.want, tc.ok)
		}
	}
}
