package widgets

import (
	"slices"
	"testing"
)

func TestSearchKeepsOrderAndMatchesRunes(t *testing.T) {
	targets := []Target{
		NewTarget("CG01 占道经营", "张建国", "南坪正街"),
		NewTarget("CG08 乱贴广告", "李秀英", "解放碑"),
		NewTarget("CG10 宠物粪便", "王志强", "观音桥"),
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
