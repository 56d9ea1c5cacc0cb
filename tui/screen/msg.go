package screen

import (
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/rules"
	"fieldcase/tui/styles"
)

// Navigate asks the root to show the screen To; the root fills in From
// and calls the screen's Open with it. Notice, if set, goes on the notice
// line. The other fields are what the screen opens on.
type Navigate struct {
	To, From ID
	Notice   string
	Tone     styles.Tone

	CaseID string
	Cites  []rules.Citation // the reader: the articles and which one
	Cite   int
	Back   ID // where Esc goes from the case detail ("": the list)
	// Fresh starts the screen over (a new case, another user's queue).
	Fresh bool
	// Resume reopens a wizard left open (after sign-in).
	Resume *Resume
	// As preselects an officer on the sign-in list.
	As string
}

// Resume is the wizard an officer left open.
type Resume struct {
	Draft  store.Draft
	Case   *cases.Case
	Events []cases.Event
}

// Go is the command that navigates to n.
func Go(n Navigate) tea.Cmd { return func() tea.Msg { return n } }

// Back asks the root to return to the screen shown before this one,
// without reopening it (the reader closing).
type Back struct{}

// SignedIn reports that the officer User has signed in (the sign-in
// screen); the root makes them the acting officer.
type SignedIn struct {
	User   cases.User
	Notice string
	Tone   styles.Tone
}

// SignOut asks the root to forget the officer and show the sign-in list.
type SignOut struct{}

// Notice puts a line on the notice line without navigating.
type Notice struct {
	Text string
	Tone styles.Tone
}

// Say is the command that shows a notice.
func Say(text string, tone styles.Tone) tea.Cmd {
	return func() tea.Msg { return Notice{Text: text, Tone: tone} }
}

// Result is an async result addressed to the screen that asked for it: it
// reaches its owner even when another screen is shown. The payload carries
// the job number of its request; the owner drops it unless that is the
// job it waits for.
type Result struct {
	To  ID
	Msg tea.Msg
}

// Deliver addresses what cmd returns to the screen to.
func Deliver(to ID, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		msg := cmd()
		if msg == nil {
			return nil
		}
		return Result{To: to, Msg: msg}
	}
}

// Locking tells the shown screen that the lock screen is about to cover
// it: the wizard saves where it stands.
type Locking struct{}

// Exiting tells the shown screen that the officer pressed the exit key;
// a screen that holds unsaved input (SavesOnExit) saves and then quits.
type Exiting struct{}

// SavesOnExit: the screen takes the exit key itself (Exiting).
type SavesOnExit interface{ SavesOnExit() bool }

// SyncEnded tells the shown screen that a background sync round ended.
type SyncEnded struct{}

// Users is the device's users as read at start and after signing out.
type Users struct {
	Users     []cases.User
	Encrypted bool            // the store has a data key (else: new, or from before encryption)
	HasPass   map[string]bool // user id → has a passphrase
	Err       error
}
