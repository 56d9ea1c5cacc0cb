package tui

import (
	"fieldcase/tui/screen"

	tea "github.com/charmbracelet/bubbletea"
)

// SyncStatus is the background sync's state (see screen.SyncStatus).
type SyncStatus = screen.SyncStatus

// syncChanged takes a new status; when a round has just ended, the home
// screen is read again so the counts, the last-sync time and the unread
// notices are fresh (a failed round may leave notices too: the quarantine).
func (m Model) syncChanged(s SyncStatus) (Model, tea.Cmd) {
	finished := m.sh.Sync.Running && !s.Running
	m.sh.Sync = s
	if finished && m.view == viewHome {
		return m, m.home.Load()
	}
	return m, nil
}
