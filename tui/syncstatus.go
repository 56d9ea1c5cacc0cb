package tui

import (
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/tui/screen"
)

// SyncStatus is the background sync's state (see screen.SyncStatus).
type SyncStatus = screen.SyncStatus

// syncChanged takes a new status; when a round has just ended, the shown
// screen hears of it (the home screen reads its figures, the last-sync
// time and the unread notices again; a failed round may leave notices
// too: the quarantine).
func (m Model) syncChanged(s SyncStatus) (Model, tea.Cmd) {
	finished := m.sh.Sync.Running && !s.Running
	m.sh.Sync = s
	if sc := m.shown(); finished && sc != nil {
		return m, sc.Update(screen.SyncEnded{})
	}
	return m, nil
}
