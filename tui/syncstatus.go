package tui

import (
	"strconv"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/tui/styles"
)

// SyncStatus is the background sync's state. The program's owner runs the
// sync client and sends this message whenever the state changes, so the
// officer sees progress without the UI ever waiting on the network.
type SyncStatus struct {
	Enrolled  bool
	Running   bool
	Phase     string // what the round is doing, in Chinese
	Done      int
	Total     int
	LastError string
	Finished  time.Time // end of the last round that succeeded
	// Quarantined: HQ refuses this device until an administrator releases
	// it (a record failed its signature or chain check). Background sync
	// has stopped, so "将自动重试" would be untrue.
	Quarantined bool
}

// line is the one-line summary shown on the home screen, or "" when the
// device has no HQ (the home screen then says so itself).
func (s SyncStatus) line() (string, styles.Tone) {
	switch {
	case !s.Enrolled:
		return "", styles.ToneNeutral
	case s.Running && s.Total > 0:
		return "正在同步：" + s.Phase + " " + strconv.Itoa(s.Done) + "/" + strconv.Itoa(s.Total), styles.ToneInfo
	case s.Running:
		return "正在同步：" + s.Phase, styles.ToneInfo
	case s.Quarantined:
		return "本设备已被市局暂停同步，请联系市局管理员核查：" + s.LastError, styles.ToneDanger
	case s.LastError != "":
		return "同步未完成，将自动重试：" + s.LastError, styles.ToneWarn
	}
	return "", styles.ToneNeutral
}

// syncChanged takes a new status; when a round has just finished, the
// home screen is read again so the counts and the last-sync time are fresh.
func (m Model) syncChanged(s SyncStatus) (Model, tea.Cmd) {
	finished := m.sh.sync.Running && !s.Running && s.LastError == ""
	m.sh.sync = s
	if finished && m.view == viewHome {
		return m, m.home.Load()
	}
	return m, nil
}
