package tui_test

import (
	"os"
	"path/filepath"
	"testing"

	"fieldcase/cases/store"
	"fieldcase/tui/tuitest"
)

var scenarios = []tuitest.Scenario{
	{Name: "signin_first_run", Empty: true},
	{Name: "signin_first_run_errors", Empty: true, Drive: func(d *tuitest.Driver) {
		d.Type("A 10")
		d.Press("ctrl+s")
	}},
	{Name: "signin_pick", Drive: func(d *tuitest.Driver) {}, As: "zhaoliu"},
	{Name: "signin_filter", As: "zhaoliu", Drive: func(d *tuitest.Driver) { d.Type("ww") }},
	{Name: "signin_filter_none", As: "zhaoliu", Drive: func(d *tuitest.Driver) { d.Type("钱七") }},
	{Name: "home", As: "wangwu", Drive: func(d *tuitest.Driver) { d.SignIn() }},
	{Name: "home_help", As: "wangwu", Drive: func(d *tuitest.Driver) { d.SignIn(); d.Press("f1") }},
	{Name: "wizard_violation", As: "wangwu", Drive: func(d *tuitest.Driver) { d.SignIn(); tuitest.ToViolation(d) }},
	{Name: "wizard_party_search", As: "wangwu", Drive: func(d *tuitest.Driver) {
		d.SignIn()
		tuitest.ToParty(d)
		d.Type("zjg")
	}},
	{Name: "wizard_party_bad_id", As: "wangwu", Drive: func(d *tuitest.Driver) {
		d.SignIn()
		tuitest.ToParty(d)
		tuitest.NewPerson(d, "陈小红", "500108199506070021")
		d.Press("f8")
	}},
	{Name: "wizard_party_uscc_warning", As: "wangwu", Drive: func(d *tuitest.Driver) {
		d.SignIn()
		tuitest.ToParty(d)
		d.Press("f4")
		d.Type("重庆渝南建筑工程有限公司")
		d.Press("tab")
		d.Type("91350100M0001TGQXM")
		d.Press("f8")
	}},
	{Name: "wizard_place_bad_time", As: "wangwu", Drive: func(d *tuitest.Driver) {
		d.SignIn()
		tuitest.ToPlace(d)
		d.Type("南岸区南坪正街 100 号门前")
		d.Press("tab", "ctrl+u")
		d.Type("11月20日上午")
		d.Press("f8")
	}},
	{Name: "wizard_circumstances", As: "wangwu", Drive: func(d *tuitest.Driver) { d.SignIn(); tuitest.ToCirc(d) }},
	{Name: "wizard_suggestion_minor", As: "wangwu", Drive: func(d *tuitest.Driver) { d.SignIn(); tuitest.ToSuggestion(d, true, 0, true) }},
	{Name: "wizard_suggestion_first", As: "wangwu", Drive: func(d *tuitest.Driver) { d.SignIn(); tuitest.ToSuggestion(d, true, 1, false) }},
	{Name: "wizard_suggestion_punish", As: "wangwu", Drive: func(d *tuitest.Driver) { d.SignIn(); tuitest.ToSuggestion(d, false, 2, false) }},
	// A departure from a suggested fine (not from 不予处罚, where none is offered).
	{Name: "wizard_decision_depart", As: "wangwu", Drive: func(d *tuitest.Driver) {
		d.SignIn()
		tuitest.ToSuggestion(d, false, 1, false)
		d.Press("enter")
		d.Press("right", "down", "right", "right")
		d.Press("f8")
	}},
	// A departure to a fine above the provision's maximum is refused on the spot.
	{Name: "wizard_decision_fine_above_max", As: "wangwu", Drive: func(d *tuitest.Driver) {
		d.SignIn()
		tuitest.ToSuggestion(d, false, 1, false)
		d.Press("enter")
		d.Press("right", "down", "right", "right", "down")
		d.Type("60000")
		d.Press("down")
		d.Type("当事人拒不改正。")
		d.Press("f8")
	}},
	// From 不予处罚 no penalty may be chosen: only 采纳 is offered, with why.
	{Name: "wizard_decision_not_punishable", As: "wangwu", Drive: func(d *tuitest.Driver) {
		d.SignIn()
		tuitest.ToDecision(d)
		d.Press("right")
	}},
	{Name: "wizard_officers", As: "wangwu", Drive: func(d *tuitest.Driver) { d.SignIn(); tuitest.ToOfficers(d) }},
	{Name: "wizard_review", As: "wangwu", Drive: func(d *tuitest.Driver) { d.SignIn(); tuitest.ToReview(d) }},
	{Name: "wizard_submit_refused", As: "wangwu", Drive: func(d *tuitest.Driver) {
		d.SignIn()
		tuitest.ToReview(d)
		// Another process (the command line) empties the place meanwhile:
		// the store refuses the submission and says which field.
		st := d.Store
		at, err := st.Draft(tuitest.OfficerWang.ID) // where the wizard stands
		if err != nil || at == nil {
			d.T.Fatalf("no draft position: %v", err)
		}
		c, err := st.Get(at.CaseID)
		if err != nil {
			d.T.Fatal(err)
		}
		c.Content.Place.Text = ""
		if _, err := st.SaveContent(tuitest.OfficerWang.Actor(), c.ID, c.Content); err != nil {
			d.T.Fatal(err)
		}
		d.Press("f9", "enter")
	}},
	{Name: "wizard_returned", As: "wangwu", Drive: func(d *tuitest.Driver) { d.SignIn(); tuitest.OpenReturned(d); d.Press("f4") }},
	// One item of a returned case opened from the review: F9 goes back to it.
	{Name: "wizard_returned_edit_facts", As: "wangwu", Drive: func(d *tuitest.Driver) {
		d.SignIn()
		tuitest.OpenReturned(d)
		d.Press("f4", "down", "down", "down", "enter")
	}},
	{Name: "list", As: "wangwu", Drive: func(d *tuitest.Driver) { d.SignIn(); tuitest.OpenList(d) }},
	{Name: "list_search", As: "wangwu", Drive: func(d *tuitest.Driver) {
		d.SignIn()
		tuitest.OpenList(d)
		d.Type("/")
		d.Type("南坪")
	}},
	{Name: "list_returned", As: "wangwu", Drive: func(d *tuitest.Driver) { d.SignIn(); tuitest.ListStatus(tuitest.ReturnedTab)(d) }},
	{Name: "list_violation_picker", As: "wangwu", Drive: func(d *tuitest.Driver) {
		d.SignIn()
		tuitest.OpenList(d)
		d.Press("f7")
		d.Type("lzt")
	}},
	{Name: "detail", As: "wangwu", Drive: func(d *tuitest.Driver) { d.SignIn(); tuitest.OpenReturned(d) }},
	{Name: "detail_decision", As: "wangwu", Drive: func(d *tuitest.Driver) { d.SignIn(); tuitest.OpenReturned(d); d.Press("tab") }},
	{Name: "detail_log", As: "wangwu", Drive: func(d *tuitest.Driver) { d.SignIn(); tuitest.OpenReturned(d); d.Press("tab", "tab") }},
	// The home screen counts the unread sync notices; F6 shows them.
	{Name: "home_notices", As: "wangwu", Drive: func(d *tuitest.Driver) {
		d.SignIn()
		tuitest.SeedNotices(d.T, d.Store)
		d.Press("f5")
	}},
	{Name: "notices", As: "wangwu", Drive: func(d *tuitest.Driver) {
		d.SignIn()
		tuitest.SeedNotices(d.T, d.Store)
		d.Press("f5", "f6")
	}},
	{Name: "notices_help", As: "wangwu", Drive: func(d *tuitest.Driver) {
		d.SignIn()
		tuitest.SeedNotices(d.T, d.Store)
		d.Press("f6", "f1")
	}},
	{Name: "reader", As: "wangwu", Drive: func(d *tuitest.Driver) {
		d.SignIn()
		tuitest.ToSuggestion(d, true, 0, true)
		d.Press("right", "right", "f6")
	}},
}

// TestScreens renders every screen at 80×24 and compares it with its golden.
func TestScreens(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			d := tuitest.RunScenario(t, sc, "standard", func(t testing.TB, st *store.Store) { tuitest.SeedStandard(t, st) })
			d.Golden()
			tuitest.CheckFullHelpOnce(t, d, sc.Name)
		})
	}
}

// TestEvidenceScreen attaches a file and shows it hashed.
func TestEvidenceScreen(t *testing.T) {
	dir := t.TempDir()
	ev := filepath.Join(dir, "现场照片-001.jpg")
	if err := os.WriteFile(ev, []byte("fieldcase test evidence"), 0o600); err != nil {
		t.Fatal(err)
	}
	st := tuitest.OpenStore(t, filepath.Join(dir, "data"))
	tuitest.SeedStandard(t, st)
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	tuitest.ToFacts(d)
	d.Type("当事人在人行道上摆摊销售蔬菜。")
	d.Press("tab", "tab")
	d.Type(filepath.Join(dir, "现场"))
	d.Press("tab") // completes the only match
	d.Contains("现场照片-001.jpg")
	d.Press("enter")
	d.Contains("1. 视听资料  现场照片-001.jpg")
	d.Golden(dir)
}
