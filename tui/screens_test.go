package tui

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"fieldcase/cases/store"
)

// scenario brings the TUI to one screen: seed the store, sign in, press keys.
type scenario struct {
	name  string
	as    string
	empty bool // no users, no cases: first run
	drive func(d *driver)
}

// Paths through the wizard, shared by the scenarios.

func toViolation(d *driver) {
	d.press("f2")
	d.typeText("zdjy")
}

func toParty(d *driver) {
	toViolation(d)
	d.press("enter")
}

func newPerson(d *driver, name, id string) {
	d.press("f3")
	d.typeText(name)
	d.press("tab", "tab")
	d.typeText(id)
}

func toPlace(d *driver) {
	toParty(d)
	newPerson(d, "陈小红", residentID(d.t, "50010819950607002"))
	d.press("f8")
}

func toFacts(d *driver) {
	toPlace(d)
	d.typeText("南岸区南坪正街 100 号门前")
	d.press("f8")
}

func toCirc(d *driver) {
	toFacts(d)
	d.typeText("当事人在人行道上摆摊销售蔬菜，占用人行道约2平方米，经劝导当场收摊。")
	d.press("f8")
}

// answer fills the circumstances: corrected, harm (0 none, 1 minor, 2
// serious) and minor.
func answer(d *driver, corrected bool, harm int, minor bool) {
	if corrected {
		d.press("right")
	}
	d.press("down")
	for i := 0; i <= harm; i++ {
		d.press("right")
	}
	d.press("down")
	if minor {
		d.press("right")
	}
}

func toSuggestion(d *driver, corrected bool, harm int, minor bool) {
	toCirc(d)
	answer(d, corrected, harm, minor)
	d.press("f8")
}

func toDecision(d *driver) {
	toSuggestion(d, true, 0, true)
	d.press("enter")
}

func toOfficers(d *driver) {
	toDecision(d)
	d.press("f8")
}

func toReview(d *driver) {
	toOfficers(d)
	d.press("f8")
}

func openList(d *driver) { d.press("f3") }

// listStatus opens the list filtered to the nth status tab.
func listStatus(n int) func(d *driver) {
	return func(d *driver) {
		openList(d)
		for i := 0; i < n; i++ {
			d.press("tab")
		}
	}
}

const returnedTab = 5 // 全部 草稿 待审核 法制审核中 待审批 [退回补正]

func openReturned(d *driver) {
	listStatus(returnedTab)(d)
	d.press("enter")
}

var scenarios = []scenario{
	{name: "signin_first_run", empty: true},
	{name: "signin_first_run_errors", empty: true, drive: func(d *driver) {
		d.typeText("A 10")
		d.press("ctrl+s")
	}},
	{name: "signin_pick", drive: func(d *driver) {}, as: "zhaoliu"},
	{name: "signin_filter", as: "zhaoliu", drive: func(d *driver) { d.typeText("ww") }},
	{name: "signin_filter_none", as: "zhaoliu", drive: func(d *driver) { d.typeText("钱七") }},
	{name: "home", as: "wangwu", drive: func(d *driver) { d.signIn() }},
	{name: "home_help", as: "wangwu", drive: func(d *driver) { d.signIn(); d.press("f1") }},
	{name: "wizard_violation", as: "wangwu", drive: func(d *driver) { d.signIn(); toViolation(d) }},
	{name: "wizard_party_search", as: "wangwu", drive: func(d *driver) {
		d.signIn()
		toParty(d)
		d.typeText("zjg")
	}},
	{name: "wizard_party_bad_id", as: "wangwu", drive: func(d *driver) {
		d.signIn()
		toParty(d)
		newPerson(d, "陈小红", "500108199506070021")
		d.press("f8")
	}},
	{name: "wizard_party_uscc_warning", as: "wangwu", drive: func(d *driver) {
		d.signIn()
		toParty(d)
		d.press("f4")
		d.typeText("重庆渝南建筑工程有限公司")
		d.press("tab")
		d.typeText("91350100M0001TGQXM")
		d.press("f8")
	}},
	{name: "wizard_place_bad_time", as: "wangwu", drive: func(d *driver) {
		d.signIn()
		toPlace(d)
		d.typeText("南岸区南坪正街 100 号门前")
		d.press("tab", "ctrl+u")
		d.typeText("11月20日上午")
		d.press("f8")
	}},
	{name: "wizard_circumstances", as: "wangwu", drive: func(d *driver) { d.signIn(); toCirc(d) }},
	{name: "wizard_suggestion_minor", as: "wangwu", drive: func(d *driver) { d.signIn(); toSuggestion(d, true, 0, true) }},
	{name: "wizard_suggestion_first", as: "wangwu", drive: func(d *driver) { d.signIn(); toSuggestion(d, true, 1, false) }},
	{name: "wizard_suggestion_punish", as: "wangwu", drive: func(d *driver) { d.signIn(); toSuggestion(d, false, 2, false) }},
	{name: "wizard_decision_depart", as: "wangwu", drive: func(d *driver) {
		d.signIn()
		toDecision(d)
		d.press("right", "down", "right", "right")
		d.press("f8")
	}},
	// A departure to a fine above the provision's maximum is refused on the spot.
	{name: "wizard_decision_fine_above_max", as: "wangwu", drive: func(d *driver) {
		d.signIn()
		toDecision(d)
		d.press("right", "down", "right", "right", "down")
		d.typeText("60000")
		d.press("down")
		d.typeText("当事人拒不改正。")
		d.press("f8")
	}},
	{name: "wizard_officers", as: "wangwu", drive: func(d *driver) { d.signIn(); toOfficers(d) }},
	{name: "wizard_review", as: "wangwu", drive: func(d *driver) { d.signIn(); toReview(d) }},
	{name: "wizard_submit_refused", as: "wangwu", drive: func(d *driver) {
		d.signIn()
		toReview(d)
		// Another process (the command line) empties the place meanwhile:
		// the store refuses the submission and says which field.
		st := d.m.sh.Store
		c, err := st.Get(d.m.wiz().caseID)
		if err != nil {
			d.t.Fatal(err)
		}
		c.Content.Place.Text = ""
		if _, err := st.SaveContent(officerWang.Actor(), c.ID, c.Content); err != nil {
			d.t.Fatal(err)
		}
		d.press("f9")
	}},
	{name: "wizard_returned", as: "wangwu", drive: func(d *driver) { d.signIn(); openReturned(d); d.press("f4") }},
	// One item of a returned case opened from the review: F9 goes back to it.
	{name: "wizard_returned_edit_facts", as: "wangwu", drive: func(d *driver) {
		d.signIn()
		openReturned(d)
		d.press("f4", "down", "down", "down", "enter")
	}},
	{name: "list", as: "wangwu", drive: func(d *driver) { d.signIn(); openList(d) }},
	{name: "list_search", as: "wangwu", drive: func(d *driver) {
		d.signIn()
		openList(d)
		d.typeText("/")
		d.typeText("南坪")
	}},
	{name: "list_returned", as: "wangwu", drive: func(d *driver) { d.signIn(); listStatus(returnedTab)(d) }},
	{name: "list_violation_picker", as: "wangwu", drive: func(d *driver) {
		d.signIn()
		openList(d)
		d.press("f7")
		d.typeText("lzt")
	}},
	{name: "detail", as: "wangwu", drive: func(d *driver) { d.signIn(); openReturned(d) }},
	{name: "detail_decision", as: "wangwu", drive: func(d *driver) { d.signIn(); openReturned(d); d.press("tab") }},
	{name: "detail_log", as: "wangwu", drive: func(d *driver) { d.signIn(); openReturned(d); d.press("tab", "tab") }},
	// The home screen counts the unread sync notices; F6 shows them.
	{name: "home_notices", as: "wangwu", drive: func(d *driver) {
		d.signIn()
		seedNotices(d.t, d.m.sh.Store)
		d.press("f5")
	}},
	{name: "notices", as: "wangwu", drive: func(d *driver) {
		d.signIn()
		seedNotices(d.t, d.m.sh.Store)
		d.press("f5", "f6")
	}},
	{name: "notices_help", as: "wangwu", drive: func(d *driver) {
		d.signIn()
		seedNotices(d.t, d.m.sh.Store)
		d.press("f6", "f1")
	}},
	{name: "reader", as: "wangwu", drive: func(d *driver) {
		d.signIn()
		toSuggestion(d, true, 0, true)
		d.press("right", "right", "f6")
	}},
}

// seeded stores are built once per test run and copied for each scenario:
// recording through the workflow costs a disk sync per transaction.
var (
	seededMu   sync.Mutex
	seededDirs = map[string]string{}
)

func seededCopy(t *testing.T, name string, seed func(t testing.TB, st *store.Store)) string {
	t.Helper()
	seededMu.Lock()
	defer seededMu.Unlock()
	tmpl, ok := seededDirs[name]
	if !ok {
		var err error
		if tmpl, err = os.MkdirTemp("", "fieldcase-tui-seed-"); err != nil {
			t.Fatal(err)
		}
		st, err := store.Open(tmpl, store.Options{Now: testClock})
		if err != nil {
			t.Fatal(err)
		}
		seed(t, st)
		st.Close()
		seededDirs[name] = tmpl
	}
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(tmpl, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, store.FileName), data, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func runScenario(t *testing.T, sc scenario, seedName string, seed func(t testing.TB, st *store.Store)) *driver {
	t.Helper()
	dir := t.TempDir()
	if !sc.empty {
		dir = seededCopy(t, seedName, seed)
	}
	st := openTestStore(t, dir)
	d := newDriver(t, st, sc.as)
	if sc.drive != nil {
		sc.drive(d)
	}
	return d
}

// TestScreens renders every screen at 80×24 and compares it with its golden.
func TestScreens(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			d := runScenario(t, sc, "standard", func(t testing.TB, st *store.Store) { seedStandard(t, st) })
			d.golden()
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
	st := openTestStore(t, filepath.Join(dir, "data"))
	seedStandard(t, st)
	d := newDriver(t, st, "wangwu")
	d.signIn()
	toFacts(d)
	d.typeText("当事人在人行道上摆摊销售蔬菜。")
	d.press("tab", "tab")
	d.typeText(filepath.Join(dir, "现场"))
	d.press("tab") // completes the only match
	d.contains("现场照片-001.jpg")
	d.press("enter")
	d.contains("1. 视听资料  现场照片-001.jpg")
	d.golden(dir)
}
