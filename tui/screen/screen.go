// Package screen is the contract between the TUI's root and its screens:
// the Screen interface every screen is adapted to, the Context they share,
// the identifiers they are registered under, and the messages they use to
// talk to the root — navigation (Navigate, Back, SignedIn, SignOut),
// notices, and results addressed to their owner (Result). Screens import
// this package and never each other; the root imports them all. See
// docs/tui.md.
package screen

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/rules"
	"fieldcase/tui/styles"
)

// ID names a registered screen. The IDs below are the screens others
// navigate to; a new screen may declare its own.
type ID string

const (
	SignIn    ID = "signin"
	Home      ID = "home"
	Wizard    ID = "wizard"
	List      ID = "list"
	Detail    ID = "detail"
	Reader    ID = "reader"
	Queue     ID = "queue"
	Review    ID = "review"
	Papers    ID = "papers"
	Dashboard ID = "dashboard"
	Notices   ID = "notices"
)

// Context is what every screen reads: the look, the store, the signed-in
// officer, the rules in force and the latest clock reading. The root owns
// it and hands a pointer to each screen, so no screen reaches for globals.
// Commands never capture it: they copy the values they need.
type Context struct {
	Styles *styles.Styles
	Store  *store.Store
	Clock  func() time.Time // read only inside commands
	Tick   func(time.Duration, func(time.Time) tea.Msg) tea.Cmd

	User  cases.User   // the acting officer on every event
	Users []cases.User // the device's users (second officer choices)
	Book  *rules.Book
	Now   time.Time  // from the last clock reading
	Sync  SyncStatus // background sync, as last reported

	// FetchEvidence brings an evidence file from HQ into the vault; nil
	// when the program has no sync client. Safe to call from a command.
	FetchEvidence FetchEvidence
	// Images names the terminal's inline image protocol ("kitty",
	// "iterm"), "" when it draws none.
	Images string

	jobs int // last async job number handed out
}

// FetchEvidence fetches the evidence file of a SHA-256 from HQ into the
// vault, telling progress the bytes received of the size announced.
type FetchEvidence func(ctx context.Context, sha string, progress func(done, total int64)) error

// Rules returns the rule set in force now, or the embedded default before
// the book has loaded.
func (c *Context) Rules() *rules.RuleSet {
	if c.Book != nil {
		if rs := c.Book.InForce(c.Now); rs != nil {
			return rs
		}
	}
	return rules.Default()
}

// Actor is the signed-in user as recorded on events.
func (c *Context) Actor() cases.Actor { return c.User.Actor() }

// NextJob hands out a job number, unique across screens: a screen keeps
// the number of the request it waits for and drops results carrying any
// other (gh-dash's task ids).
func (c *Context) NextJob() int {
	c.jobs++
	return c.jobs
}

// Local is China time, in which every date and time is shown and typed.
var Local = cases.ChinaTime()
