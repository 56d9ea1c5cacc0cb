package screen

import (
	"strconv"
	"time"

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

// Line is the one-line summary shown on the home screen, or "" when the
// device has no HQ (the home screen then says so itself).
func (s SyncStatus) Line() (string, styles.Tone) {
	switch {
	case !s.Enrolled:
		return "", styles.ToneNeutral
	case s.Running && s.Total > 0:
		return "正在同步：" + s.Phase + " " + strconv.Itoa(s.Done) + "/" + strconv.Itoa(s.Total), styles.ToneInfo
	case s.Running:
		return "正在同步：" + s.Phase, styles.ToneInfo
	case s.Quarantined:
		// The reason (case and event) is long; it is in the sync notice.
		return "本设备已被 HQ 隔离，同步已停止，请联系 HQ 管理员（原因见同步通知，按 F6 查看）", styles.ToneDanger
	case s.LastError != "":
		return "同步未完成，将自动重试：" + s.LastError, styles.ToneWarn
	}
	return "", styles.ToneNeutral
}
