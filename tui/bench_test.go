package tui

import (
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases/store"
	"fieldcase/tui/screen"
)

// Speed, measured as benchmarks (never as timed assertions): with 100,000
// cases and 50,000 parties in the store, each of these must stay far under
// one frame (16 ms). Run them with
//
//	go test ./tui -run '^$' -bench . -benchtime 200x
//
// The store is built once (about a minute, RecordAll in transactions of
// 1,000 cases) and kept in the system's temp directory for later runs.

const (
	benchCases   = 100_000
	benchParties = 50_000
	benchVersion = "v4" // change when the fixture changes (v3: encrypted, users with passphrases; v4: user records tagged)
)

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

// benchData returns the data directory of the benchmark store, building it
// on first use.
func benchData(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		dir := filepath.Join(os.TempDir(), "fieldcase-tui-bench-"+benchVersion+"-"+strconv.Itoa(benchCases))
		done := filepath.Join(dir, "complete")
		if _, err := os.Stat(done); err == nil {
			if st, err := store.Open(dir, store.Options{}); err == nil {
				st.Close()
				benchDir = dir
				return
			}
		}
		os.RemoveAll(dir)
		st, err := store.Open(dir, store.Options{})
		if err != nil {
			benchErr = err
			return
		}
		addUsers(b, st, officerWang, officerZhao, reviewerLi)
		fillCases(b, st, benchCases, benchParties)
		st.Close()
		benchErr = os.WriteFile(done, nil, 0o600)
		benchDir = dir
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDir
}

// benchStore opens the benchmark store. The benchmarks only read it; the
// one thing cleared is a wizard position, so that signing in shows home.
func benchStore(b *testing.B) *store.Store {
	b.Helper()
	st, err := store.Open(benchData(b), store.Options{Now: testClock})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if _, err := st.Unlock(officerWang.ID, testPass); err != nil {
		b.Fatal(err)
	}
	for _, u := range []string{officerWang.ID, officerZhao.ID} {
		if err := st.ClearDraft(u); err != nil {
			b.Fatal(err)
		}
	}
	return st
}

// BenchmarkStartupToFirstFrame: open the store, build the model, run its
// start-up commands (users, rules, clock) and draw the first frame.
func BenchmarkStartupToFirstFrame(b *testing.B) {
	dir := benchData(b)
	benchStore(b).Close() // clears a left-over wizard position
	for b.Loop() {
		st, err := store.Open(dir, store.Options{Now: testClock})
		if err != nil {
			b.Fatal(err)
		}
		d := newDriver(b, st, "wangwu")
		if d.view() == "" {
			b.Fatal("no frame")
		}
		st.Close()
	}
}

// BenchmarkSignInToHome: from choosing the user to the home screen drawn
// with its figures (counts, today's cases, the user's drafts).
//
// Sign-in starts building the in-memory party-search index in the
// background (about a second for 50,000 parties). An officer signs in once;
// here each iteration would otherwise start its sign-in while the last
// one's build still runs on the other core, so the build is let finish
// outside the timer.
func BenchmarkSignInToHome(b *testing.B) {
	st := benchStore(b)
	for b.Loop() {
		d := newDriver(b, st, "wangwu")
		d.signIn()
		if d.m.active != screen.Home || !d.m.home().loaded {
			b.Fatal("home not shown")
		}
		_ = d.view()
		b.StopTimer()
		if _, err := st.SearchParties("zz", 1); err != nil { // waits for the build
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkCaseListKeystroke: one cursor move in a loaded page, update and view.
func BenchmarkCaseListKeystroke(b *testing.B) {
	st := benchStore(b)
	d := newDriver(b, st, "wangwu")
	d.signIn()
	d.press("f3")
	if len(d.m.list().loaded) == 0 {
		b.Fatal("no cases loaded")
	}
	d.press("down", "down")
	keys := []tea.KeyMsg{{Type: tea.KeyDown}, {Type: tea.KeyUp}}
	i := 0
	for b.Loop() {
		d.send(keys[i%2])
		_ = d.view()
		i++
	}
}

// BenchmarkCaseListSearchKeystroke: one character typed into the fuzzy
// search over the loaded cases, update and view.
func BenchmarkCaseListSearchKeystroke(b *testing.B) {
	st := benchStore(b)
	d := newDriver(b, st, "wangwu")
	d.signIn()
	d.press("f3")
	d.typeText("/")
	keys := []tea.KeyMsg{{Type: tea.KeyRunes, Runes: []rune("南")}, {Type: tea.KeyBackspace}}
	i := 0
	for b.Loop() {
		d.send(keys[i%2])
		_ = d.view()
		i++
	}
}

// BenchmarkPartySearchKeystroke: one character typed into the party search
// of the wizard: update, the index query it starts (store.SearchParties),
// its answer, and the view.
func BenchmarkPartySearchKeystroke(b *testing.B) {
	st := benchStore(b)
	d := newDriver(b, st, "wangwu")
	d.signIn()
	// Straight to the party step: choosing a violation would record a
	// draft, and the benchmark store must stay as built.
	m, cmd := d.m.navigate(screen.Navigate{To: screen.Wizard, Fresh: true})
	d.m = m
	d.run(cmd)
	d.run(d.m.wiz().enter(stepParty))
	d.typeText("张")
	keys := []tea.KeyMsg{{Type: tea.KeyRunes, Runes: []rune("建")}, {Type: tea.KeyBackspace}}
	i := 0
	for b.Loop() {
		d.send(keys[i%2])
		_ = d.view()
		i++
	}
	if len(d.m.wiz().party.results) == 0 {
		b.Fatal("the search found nothing")
	}
}

// BenchmarkOpenCase: open a case from the list: read it and its log, and
// draw the detail.
func BenchmarkOpenCase(b *testing.B) {
	st := benchStore(b)
	d := newDriver(b, st, "wangwu")
	d.signIn()
	d.press("f3")
	ids := make([]string, 0, len(d.m.list().loaded))
	for _, c := range d.m.list().loaded {
		ids = append(ids, c.ID)
	}
	i := 0
	for b.Loop() {
		m, cmd := d.m.navigate(screen.Navigate{To: screen.Detail, CaseID: ids[i%len(ids)]})
		d.m = m
		d.run(cmd)
		if !d.m.detail().loaded {
			b.Fatal("case not loaded")
		}
		_ = d.view()
		i++
	}
}
