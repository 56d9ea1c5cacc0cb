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
func Go(n Navigate) tea.Cmd { return Send(n) }

// Send is the command that hands msg to the root (SignOut, Back...).
func Send(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

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

// Result is an async result addressed to the screen whose command
// produced it: it reaches its owner even when another screen is shown by
// then. A result that can go stale carries the job number of its request
// (Context.NextJob), and the owner drops it unless that is the job it
// waits for (gh-dash's task ids).
type Result struct {
	To  ID
	Msg tea.Msg
}

// Address marks what cmd returns as a Result for the screen to, leaving
// as they are the messages meant for the root (navigation, notices,
// quitting). A batch is addressed member by member.
func Address(to ID, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		switch msg := cmd().(type) {
		case nil:
			return nil
		case tea.BatchMsg:
			out := make(tea.BatchMsg, 0, len(msg))
			for _, c := range msg {
				if c = Address(to, c); c != nil {
					out = append(out, c)
				}
			}
			return out
		case Navigate, Back, SignedIn, SignOut, Notice, tea.QuitMsg:
			return msg
		default:
			return Result{To: to, Msg: msg}
		}
	}
}

// Locking tells a shown screen that holds unsaved input (Unsaved) that
// the lock screen is about to cover it: the wizard saves where it stands.
type Locking struct{}

// Exiting tells a shown screen that holds unsaved input (Unsaved) that
// the officer pressed the exit key: it saves, then quits.
type Exiting struct{}

// SyncEnded tells the shown screen that a background sync round ended.
type SyncEnded struct{}

// Users is the device's users as read at start and after signing out.
type Users struct {
	Users     []cases.User
	Encrypted bool            // the store has a data key (else: new, or from before encryption)
	HasPass   map[string]bool // user id → has a passphrase
	Err       error
}
