package screen

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/tui/styles"
)

// Component is the shape every screen has (soft-serve's contract): a
// concrete type whose Update returns the type itself. The pointer type
// adds SetSize and Open. Only the root is a tea.Model.
type Component[T any] interface {
	Update(msg tea.Msg) (T, tea.Cmd)
	View() string
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	// Crumb names the screen, as it stands now, in the header.
	Crumb() string
}

// Opener is the pointer side of a Component.
type Opener[T any] interface {
	*T
	SetSize(w, h int)
	// Open is called when the root shows the screen in answer to a
	// Navigate addressed to it.
	Open(n Navigate) tea.Cmd
}

// Screen is a registered screen as the root holds it: one Component in a
// box, so the root keeps them all in one registry.
type Screen interface {
	ID() ID
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(w, h int)
	Open(n Navigate) tea.Cmd
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	Crumb() string

	// What a screen may also say about itself (Typer, Statuser,
	// Quitter, Subjecter, Entrant, HelpPlacer, Unsaved); false or empty
	// when it says nothing.
	Typing() bool
	Status() (string, styles.Tone)
	QuitsWithQ() bool
	Subject() (caseID string, ok bool)
	Entries() []Entry
	ShortHelpWith(entries []key.Binding) ([]key.Binding, bool)
	HoldsUnsaved() bool
}

// Typer: a text field has focus, so letters are text (q never quits).
type Typer interface{ Typing() bool }

// Statuser: a standing status for the notice line (saving, loading).
type Statuser interface {
	Status() (string, styles.Tone)
}

// Quitter: the bare q quits from this screen (it holds nothing unsaved).
type Quitter interface{ QuitsWithQ() bool }

// Subjecter: the case the screen shows, for entries that need a case.
type Subjecter interface {
	Subject() (caseID string, ok bool)
}

// Entrant: the keys that open the screen from other screens.
type Entrant interface{ Entries() []Entry }

// HelpPlacer: the screen orders its help bar together with the entry
// keys of other screens (the home screen puts them among its own).
type HelpPlacer interface {
	ShortHelpWith(entries []key.Binding) []key.Binding
}

// Unsaved: the screen holds input not yet saved, so it takes the exit
// key and the lock itself (Exiting, Locking).
type Unsaved interface{ HoldsUnsaved() bool }

// Entry is a key that opens the declaring screen from the screen From.
// With Case, it works only while From shows a case (Subject), and the
// screen opens on that case.
type Entry struct {
	From ID
	Key  key.Binding
	// Short is the help text on the help bar, when shorter than Key's.
	Short string
	Case  bool
}

// Adapt boxes a concrete screen for the registry under id. What its
// commands return comes back to it as a Result, wherever the officer is by
// then.
func Adapt[T Component[T], P Opener[T]](id ID, s T) Screen { return &box[T, P]{id: id, s: s} }

type box[T Component[T], P Opener[T]] struct {
	id ID
	s  T
}

func (b *box[T, P]) ID() ID { return b.id }

func (b *box[T, P]) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	b.s, cmd = b.s.Update(msg)
	return Address(b.id, cmd)
}

func (b *box[T, P]) View() string              { return b.s.View() }
func (b *box[T, P]) SetSize(w, h int)          { P(&b.s).SetSize(w, h) }
func (b *box[T, P]) Open(n Navigate) tea.Cmd   { return Address(b.id, P(&b.s).Open(n)) }
func (b *box[T, P]) ShortHelp() []key.Binding  { return b.s.ShortHelp() }
func (b *box[T, P]) FullHelp() [][]key.Binding { return b.s.FullHelp() }
func (b *box[T, P]) Crumb() string             { return b.s.Crumb() }

func (b *box[T, P]) Typing() bool {
	t, ok := any(b.s).(Typer)
	return ok && t.Typing()
}

func (b *box[T, P]) Status() (string, styles.Tone) {
	if s, ok := any(b.s).(Statuser); ok {
		return s.Status()
	}
	return "", styles.ToneNeutral
}

func (b *box[T, P]) QuitsWithQ() bool {
	q, ok := any(b.s).(Quitter)
	return ok && q.QuitsWithQ()
}

func (b *box[T, P]) Subject() (string, bool) {
	if s, ok := any(b.s).(Subjecter); ok {
		return s.Subject()
	}
	return "", false
}

func (b *box[T, P]) Entries() []Entry {
	if e, ok := any(b.s).(Entrant); ok {
		return e.Entries()
	}
	return nil
}

func (b *box[T, P]) ShortHelpWith(entries []key.Binding) ([]key.Binding, bool) {
	if h, ok := any(b.s).(HelpPlacer); ok {
		return h.ShortHelpWith(entries), true
	}
	return nil, false
}

func (b *box[T, P]) HoldsUnsaved() bool {
	u, ok := any(b.s).(Unsaved)
	return ok && u.HoldsUnsaved()
}

// Unbox returns the concrete screen inside a registered one, nil if it
// holds another type (tests look at a screen's state through it).
func Unbox[T Component[T], P Opener[T]](s Screen) P {
	b, ok := s.(*box[T, P])
	if !ok {
		return nil
	}
	return &b.s
}
