// Package tuitest drives the TUI in tests: a Driver that runs the root
// model without a terminal, the device's users and cases as fixtures, the
// scenarios that bring the TUI to each screen, and the checks every frame
// must pass. Only tests import it.
package tuitest

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
	"fieldcase/tui"
	"fieldcase/tui/screen"
	"fieldcase/tui/styles"
)

// Screens are tested two ways. Most tests drive the root model directly:
// a key goes to Update, the commands it returns run at once (in order, on
// the test's goroutine), and View is compared with a golden file under the
// test's testdata (go test -update rewrites them). program.go runs the
// real program for what needs it. Goldens are rendered at 80×24 with the
// ASCII colour profile, so they hold text only.

// Main runs a package's tests (call it from TestMain): a cheap key
// derivation, narrow ambiguous widths, the ASCII colour profile; the
// seeded stores are removed afterwards.
func Main(m *testing.M) {
	// Argon2id at its real cost takes about a second per sign-in.
	store.DefaultKDF = store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}
	tui.ForceNarrowAmbiguous()
	lipgloss.SetColorProfile(termenv.Ascii)
	code := m.Run()
	for _, d := range seededDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// Now is the fixed clock of every test: 2026-11-20 10:30 in Chongqing.
var Now = time.Date(2026, 11, 20, 10, 30, 0, 0, cases.ChinaTime())

// Clock reads Now.
func Clock() time.Time { return Now }

// NoTick turns timers off: a direct-driven test has no runtime to fire them.
func NoTick(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }

// OpenStore opens a store in dir on the fixed clock, closed at the end.
func OpenStore(t testing.TB, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(dir, store.Options{Now: Clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Driver runs the root model without a terminal: each message goes through
// Update and every command it returns is run at once, its message fed back.
type Driver struct {
	T     testing.TB
	M     tui.Model
	Store *store.Store
	Quit  bool // the program asked to quit
	W, H  int
}

// New starts the TUI on st at 80×24, with as preselected for sign-in.
func New(t testing.TB, st *store.Store, as string) *Driver {
	return NewWith(t, tui.Options{Store: st, As: as})
}

// NewWith starts the TUI with o, on the fixed clock and without timers
// unless o says otherwise.
func NewWith(t testing.TB, o tui.Options) *Driver {
	t.Helper()
	if o.Clock == nil {
		o.Clock = Clock
	}
	if o.Styles == nil {
		o.Styles = styles.New(false)
	}
	if o.Tick == nil {
		o.Tick = NoTick
	}
	d := &Driver{T: t, W: 80, H: 24, Store: o.Store}
	d.M = tui.New(o)
	d.Send(tea.WindowSizeMsg{Width: d.W, Height: d.H})
	d.Run(d.M.Init())
	return d
}

// Active is the screen shown.
func (d *Driver) Active() screen.ID { return d.M.Active() }

// Screen is the registered screen id, for a package's test accessors.
func (d *Driver) Screen(id screen.ID) screen.Screen { return d.M.Screen(id) }

// Send gives msg to the root and runs what it returns.
func (d *Driver) Send(msg tea.Msg) {
	d.T.Helper()
	m, cmd := d.M.Update(msg)
	d.M = m.(tui.Model)
	d.Run(cmd)
}

// Run runs cmd and feeds its messages back, batches in order.
func (d *Driver) Run(cmd tea.Cmd) {
	d.T.Helper()
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			d.Run(c)
		}
	case tea.QuitMsg:
		d.Quit = true
	default:
		d.Send(msg)
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

// Press sends named keys.
func (d *Driver) Press(names ...string) {
	d.T.Helper()
	for _, n := range names {
		kt, ok := keyNames[n]
		if !ok {
			d.T.Fatalf("unknown key %q", n)
		}
		msg := tea.KeyMsg{Type: kt}
		if kt == tea.KeySpace {
			msg.Runes = []rune{' '}
		}
		d.Send(msg)
	}
}

// SignIn signs the preselected user in from the picker: Enter, the
// passphrase, Enter.
func (d *Driver) SignIn() {
	d.T.Helper()
	d.Press("enter")
	d.Type(Pass)
	d.Press("enter")
}

// Type sends text as one KeyRunes message, the way a terminal delivers
// an IME commit (teatest's Type would split it into bytes).
func (d *Driver) Type(s string) {
	d.T.Helper()
	d.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)})
}

// Resize changes the terminal size.
func (d *Driver) Resize(w, h int) {
	d.W, d.H = w, h
	d.Send(tea.WindowSizeMsg{Width: w, Height: h})
}

// View is the frame shown.
func (d *Driver) View() string { return d.M.View() }

// Contains fails unless the screen shows want.
func (d *Driver) Contains(want string) {
	d.T.Helper()
	if v := d.View(); !strings.Contains(v, want) {
		d.T.Fatalf("screen does not show %q:\n%s", want, v)
	}
}

var (
	uuidRe    = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	shortIDRe = regexp.MustCompile(`案件 [0-9a-f]{8}`)
)

// Normalise replaces what differs between runs (case ids are random) so
// the rest can be compared with a golden file.
func Normalise(s string, tmp ...string) string {
	s = uuidRe.ReplaceAllString(s, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")
	s = shortIDRe.ReplaceAllString(s, "案件 xxxxxxxx")
	for _, p := range tmp {
		if p != "" {
			s = strings.ReplaceAll(s, p, "<tmp>")
		}
	}
	return s
}

// Golden compares the screen with testdata/<test name>.golden.
func (d *Driver) Golden(tmp ...string) {
	d.T.Helper()
	golden.RequireEqual(d.T, []byte(Normalise(d.View(), tmp...)+"\n"))
}
