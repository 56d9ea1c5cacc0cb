package signin

import (
	"errors"

	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/cases/store"
)

// about a second on a field laptop), so all of them run off the UI thread.

// signedInMsg reports a sign-in attempt, a registration or a passphrase
// being set. field names the form field an error belongs to.
type signedInMsg struct {
	user   cases.User
	notice string // said after signing in (a legacy store's backup)
	field  string
	err    error
}

// unlockAs signs u in with pass.
func unlockAs(st *store.Store, u cases.User, pass string) tea.Cmd {
	return func() tea.Msg {
		_, err := st.Unlock(u.ID, pass)
		return signedInMsg{user: u, field: "pass", err: err}
	}
}

// sponsored runs do with the store unlocked by a colleague (sponsor, who
// has a passphrase), then signs u in with their own passphrase: a new user
// is registered, or a user without a passphrase gets one, only by someone
// already trusted on this device.
func sponsored(st *store.Store, sponsor string, spass string, u cases.User, pass string, do func() error) tea.Msg {
	st.Lock()
	if _, err := st.Unlock(sponsor, spass); err != nil {
		return signedInMsg{user: u, field: "sponsor_pass", err: err}
	}
	if err := do(); err != nil {
		st.Lock()
		field := "pass"
		if errors.Is(err, store.ErrUserExists) {
			field = "id"
		}
		return signedInMsg{user: u, field: field, err: err}
	}
	st.Lock()
	_, err := st.Unlock(u.ID, pass)
	return signedInMsg{user: u, field: "pass", err: err}
}

// addUser registers u with passphrase pass: the first user of the device
// directly, later ones with a colleague's passphrase (sponsor).
func addUser(st *store.Store, u cases.User, pass, sponsor, spass string) tea.Cmd {
	return func() tea.Msg {
		if sponsor == "" {
			err := st.AddUser(u, pass)
			field := "pass"
			if errors.Is(err, store.ErrUserExists) {
				field = "id"
			}
			return signedInMsg{user: u, field: field, err: err}
		}
		return sponsored(st, sponsor, spass, u, pass, func() error { return st.AddUser(u, pass) })
	}
}

// setPassphrase gives u, who has none, a passphrase: on a store from
// before encryption this encrypts it (after a backup), otherwise a
// colleague's passphrase unlocks the store first.
func setPassphrase(st *store.Store, u cases.User, pass, sponsor, spass string) tea.Cmd {
	return func() tea.Msg {
		if sponsor == "" {
			backup, err := st.SetUpEncryption(u.ID, pass)
			if err != nil {
				return signedInMsg{user: u, field: "pass", err: err}
			}
			return signedInMsg{user: u, notice: "本机数据已加密。加密前的明文备份在 " + backup + "，含当事人信息：请移出本机妥善保管或删除"}
		}
		return sponsored(st, sponsor, spass, u, pass, func() error { return st.SetPassphrase(u.ID, pass) })
	}
}
