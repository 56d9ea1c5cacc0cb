package tui

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/rules"
	"fieldcase/tui/styles"
)

// shared is what every screen reads: the look, the signed-in officer, the
// rules in force and the latest clock reading. The root owns it and hands a
// pointer to each screen, so no screen reaches for globals. Commands never
// capture it: they copy the values they need.
type shared struct {
	st    *styles.Styles
	store *store.Store
	clock func() time.Time // read only inside commands
	tick  func(time.Duration, func(time.Time) tea.Msg) tea.Cmd

	user  cases.User   // the acting officer on every event
	users []cases.User // the device's users (second officer choices)
	book  *rules.Book
	now   time.Time  // from the last clockMsg
	jobs  int        // last async job number handed out
	sync  SyncStatus // background sync, as last reported (syncstatus.go)
}

// rules returns the rule set in force now, or the embedded default before
// the book has loaded.
func (s *shared) rules() *rules.RuleSet {
	if s.book != nil {
		if rs := s.book.InForce(s.now); rs != nil {
			return rs
		}
	}
	return rules.Default()
}

// actor is the signed-in user as recorded on events.
func (s *shared) actor() cases.Actor { return s.user.Actor() }

// component is the shape every screen has (soft-serve's contract). The root
// holds concrete types, never this interface, so there are no type
// assertions; the interface only lets the compiler check each screen.
type component[T any] interface {
	Update(msg tea.Msg) (T, tea.Cmd)
	View() string
	SetSize(w, h int)
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// local is China time, in which every date and time is shown and typed.
var local = cases.ChinaTime()
