package tui

import (
	"errors"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/rules"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
)

// The root's I/O (the users, the rules, the wizard left open, the clock)
// happens here, inside tea.Cmd functions. As in every screen's commands,
// each captures plain values and the *store.Store, which is safe for
// concurrent use; none captures a model.

// clockMsg is the time, read in a command and delivered every half minute.
type clockMsg time.Time

func tickClock(sh *screen.Context, d time.Duration) tea.Cmd {
	clock := sh.Clock
	if d == 0 {
		return func() tea.Msg { return clockMsg(clock()) }
	}
	return sh.Tick(d, func(time.Time) tea.Msg { return clockMsg(clock()) })
}

// errMsg reports a failure that belongs to no screen in particular.

func loadUsers(st *store.Store) tea.Cmd {
	return func() tea.Msg {
		us, err := st.Users()
		out := screen.Users{Users: us, Err: err, Encrypted: st.Encrypted(), HasPass: map[string]bool{}}
		for i := range us {
			if out.Err == nil {
				out.HasPass[us[i].ID], out.Err = st.HasPassphrase(us[i].ID)
			}
			us[i] = cleanUser(us[i])
		}
		return out
	}
}

func cleanUser(u cases.User) cases.User {
	u.ID, u.Name, u.Cert = present.Clean(u.ID), present.Clean(u.Name), present.Clean(u.Cert)
	return u
}

// Signing in. Each command derives a key from a passphrase (argon2id,
// signOut forgets the keys, then reads the users again for the picker.
func signOut(st *store.Store) tea.Cmd {
	load := loadUsers(st)
	return func() tea.Msg {
		st.Lock()
		return load()
	}
}

// unlockedScreenMsg reports the passphrase typed on the lock screen.
type unlockedScreenMsg struct {
	user string
	err  error
}

func checkPassphrase(st *store.Store, userID, pass string) tea.Cmd {
	return func() tea.Msg {
		return unlockedScreenMsg{user: userID, err: st.CheckUserPassphrase(userID, pass)}
	}
}

type bookMsg struct {
	book *rules.Book
	err  error
}

func loadBook(st *store.Store) tea.Cmd {
	return func() tea.Msg {
		b, err := st.Rules()
		return bookMsg{book: b, err: screen.Logged("load rules", err)}
	}
}

// resumeMsg tells the root, after sign-in, whether a wizard was left open.
type resumeMsg struct {
	user   string
	draft  *store.Draft
	c      *cases.Case
	events []cases.Event
	err    error
}

func loadResume(st *store.Store, userID string) tea.Cmd {
	return func() tea.Msg {
		d, err := st.Draft(userID)
		if err != nil || d == nil {
			return resumeMsg{user: userID, err: err}
		}
		out := resumeMsg{user: userID, draft: d}
		if d.CaseID != "" {
			c, err := st.Get(d.CaseID)
			if err != nil {
				if errors.Is(err, cases.ErrNotFound) {
					// The case is gone (a restored backup): forget the position.
					_ = st.ClearDraft(userID)
					return resumeMsg{user: userID}
				}
				return resumeMsg{user: userID, err: err}
			}
			if c.Status != cases.StatusDraft && c.Status != cases.StatusReturned {
				// Submitted elsewhere (the command line): nothing to resume.
				_ = st.ClearDraft(userID)
				return resumeMsg{user: userID}
			}
			evs, err := st.Events(d.CaseID)
			if err != nil {
				return resumeMsg{user: userID, err: err}
			}
			out.c, out.events = &c, evs
		}
		return out
	}
}
