package tuitest

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"fieldcase/cases/store"
)

// Scenario brings the TUI to one screen: seed the store, sign in, press keys.
type Scenario struct {
	Name  string
	As    string
	Empty bool // no users, no cases: first run
	Drive func(d *Driver)
}

// Paths through the wizard, shared by the scenarios.

func ToViolation(d *Driver) {
	d.Press("f2")
	d.Type("zdjy")
}

func ToParty(d *Driver) {
	ToViolation(d)
	d.Press("enter")
}

func NewPerson(d *Driver, name, id string) {
	d.Press("f3")
	d.Type(name)
	d.Press("tab", "tab")
	d.Type(id)
}

func ToPlace(d *Driver) {
	ToParty(d)
	NewPerson(d, "陈小红", ResidentID(d.T, "50010819950607002"))
	d.Press("f8")
}

func ToFacts(d *Driver) {
	ToPlace(d)
	d.Type("南岸区南坪正街 100 号门前")
	d.Press("f8")
}

func ToCirc(d *Driver) {
	ToFacts(d)
	d.Type("当事人在人行道上摆摊销售蔬菜，占用人行道约2平方米，经劝导当场收摊。")
	d.Press("f8")
}

// Answer fills the circumstances: corrected, harm (0 none, 1 minor, 2
// serious) and minor.
func Answer(d *Driver, corrected bool, harm int, minor bool) {
	if corrected {
		d.Press("right")
	}
	d.Press("down")
	for i := 0; i <= harm; i++ {
		d.Press("right")
	}
	d.Press("down")
	if minor {
		d.Press("right")
	}
}

func ToSuggestion(d *Driver, corrected bool, harm int, minor bool) {
	ToCirc(d)
	Answer(d, corrected, harm, minor)
	d.Press("f8")
}

func ToDecision(d *Driver) {
	ToSuggestion(d, true, 0, true)
	d.Press("enter")
}

func ToOfficers(d *Driver) {
	ToDecision(d)
	d.Press("f8")
}

func ToReview(d *Driver) {
	ToOfficers(d)
	d.Press("f8")
}

func OpenList(d *Driver) { d.Press("f3") }

// ListStatus opens the list filtered to the nth status tab.
func ListStatus(n int) func(d *Driver) {
	return func(d *Driver) {
		OpenList(d)
		for i := 0; i < n; i++ {
			d.Press("tab")
		}
	}
}

const ReturnedTab = 5 // 全部 草稿 待审核 法制审核中 待审批 [退回补正]

func OpenReturned(d *Driver) {
	ListStatus(ReturnedTab)(d)
	d.Press("enter")
}

// seeded stores are built once per test run and copied for each scenario:
// recording through the workflow costs a disk sync per transaction.
var (
	seededMu   sync.Mutex
	seededDirs = map[string]string{}
)

func SeededCopy(t *testing.T, name string, seed func(t testing.TB, st *store.Store)) string {
	t.Helper()
	seededMu.Lock()
	defer seededMu.Unlock()
	tmpl, ok := seededDirs[name]
	if !ok {
		var err error
		if tmpl, err = os.MkdirTemp("", "fieldcase-tui-seed-"); err != nil {
			t.Fatal(err)
		}
		st, err := store.Open(tmpl, store.Options{Now: Clock})
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

func RunScenario(t *testing.T, sc Scenario, seedName string, seed func(t testing.TB, st *store.Store)) *Driver {
	t.Helper()
	dir := t.TempDir()
	if !sc.Empty {
		dir = SeededCopy(t, seedName, seed)
	}
	st := OpenStore(t, dir)
	d := New(t, st, sc.As)
	if sc.Drive != nil {
		sc.Drive(d)
	}
	return d
}
