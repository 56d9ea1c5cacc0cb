package tui

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/tui/styles"
)

// Screens are tested two ways. Most tests drive the root model directly:
// a key goes to Update, the commands it returns run at once (in order, on
// the test's goroutine), and View is compared with a golden file under
// testdata (go test ./tui -update rewrites them). teatest_test.go runs the
// real program for what needs it. Goldens are rendered at 80×24 with the
// ASCII colour profile, so they hold text only.

func TestMain(m *testing.M) {
	// Argon2id at its real cost takes about a second per sign-in.
	store.DefaultKDF = store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}
	ForceNarrowAmbiguous()
	lipgloss.SetColorProfile(termenv.Ascii)
	code := m.Run()
	for _, d := range seededDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// testNow is the fixed clock of every test: 2026-11-20 10:30 in Chongqing.
var testNow = time.Date(2026, 11, 20, 10, 30, 0, 0, cases.ChinaTime())

func testClock() time.Time { return testNow }

// noTick turns timers off: a direct-driven test has no runtime to fire them.
func noTick(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }

func openTestStore(t testing.TB, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(dir, store.Options{Now: testClock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// driver runs the root model without a terminal: each message goes through
// Update and every command it returns is run at once, its message fed back.
type driver struct {
	t    testing.TB
	m    Model
	quit bool
	w, h int
}

func (d *driver) styles() *styles.Styles { return styles.New(false) }

func newDriver(t testing.TB, st *store.Store, as string) *driver {
	t.Helper()
	d := &driver{t: t, w: 80, h: 24}
	d.m = New(Options{Store: st, As: as, Clock: testClock, Styles: styles.New(false), Tick: noTick})
	d.send(tea.WindowSizeMsg{Width: d.w, Height: d.h})
	d.run(d.m.Init())
	return d
}

func (d *driver) send(msg tea.Msg) {
	d.t.Helper()
	m, cmd := d.m.Update(msg)
	d.m = m.(Model)
	d.run(cmd)
}

func (d *driver) run(cmd tea.Cmd) {
	d.t.Helper()
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
	case tea.QuitMsg:
		d.quit = true
	default:
		d.send(msg)
	}
}

// keyNames are the keys tests press by name.
var keyNames = map[string]tea.KeyType{
	"enter": tea.KeyEnter, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab, "esc": tea.KeyEsc,
	"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
	"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
	"backspace": tea.KeyBackspace, "delete": tea.KeyDelete, "space": tea.KeySpace,
	"ctrl+s": tea.KeyCtrlS, "ctrl+c": tea.KeyCtrlC, "ctrl+n": tea.KeyCtrlN, "ctrl+p": tea.KeyCtrlP,
	"ctrl+o": tea.KeyCtrlO, "ctrl+l": tea.KeyCtrlL, "ctrl+u": tea.KeyCtrlU, "ctrl+x": tea.KeyCtrlX, "ctrl+t": tea.KeyCtrlT,
	"f1": tea.KeyF1, "f2": tea.KeyF2, "f3": tea.KeyF3, "f4": tea.KeyF4, "f5": tea.KeyF5, "f6": tea.KeyF6,
	"f7": tea.KeyF7, "f8": tea.KeyF8, "f9": tea.KeyF9, "f10": tea.KeyF10,
}

// press sends named keys.
func (d *driver) press(names ...string) {
	d.t.Helper()
	for _, n := range names {
		kt, ok := keyNames[n]
		if !ok {
			d.t.Fatalf("unknown key %q", n)
		}
		msg := tea.KeyMsg{Type: kt}
		if kt == tea.KeySpace {
			msg.Runes = []rune{' '}
		}
		d.send(msg)
	}
}

// signIn signs the preselected user in from the picker: Enter, the
// passphrase, Enter.
func (d *driver) signIn() {
	d.t.Helper()
	d.press("enter")
	d.typeText(testPass)
	d.press("enter")
}

// typeText sends text as one KeyRunes message, the way a terminal delivers
// an IME commit (teatest's Type would split it into bytes).
func (d *driver) typeText(s string) {
	d.t.Helper()
	d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)})
}

func (d *driver) resize(w, h int) {
	d.w, d.h = w, h
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
}

func (d *driver) view() string { return d.m.View() }

// contains fails unless the screen shows want.
func (d *driver) contains(want string) {
	d.t.Helper()
	if v := d.view(); !strings.Contains(v, want) {
		d.t.Fatalf("screen does not show %q:\n%s", want, v)
	}
}

var (
	uuidRe    = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	shortIDRe = regexp.MustCompile(`案件 [0-9a-f]{8}`)
)

// normalise replaces what differs between runs (case ids are random) so
// the rest can be compared with a golden file.
func normalise(s string, tmp ...string) string {
	s = uuidRe.ReplaceAllString(s, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")
	s = shortIDRe.ReplaceAllString(s, "案件 xxxxxxxx")
	for _, p := range tmp {
		if p != "" {
			s = strings.ReplaceAll(s, p, "<tmp>")
		}
	}
	return s
}

// golden compares the screen with testdata/<test name>.golden.
func (d *driver) golden(tmp ...string) {
	d.t.Helper()
	golden.RequireEqual(d.t, []byte(normalise(d.view(), tmp...)+"\n"))
}
