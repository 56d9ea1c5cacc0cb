package keys

import "github.com/charmbracelet/bubbles/key"

// Notices are the keys of the sync notices (同步通知): what HQ and the sync
// client told this device (conflicts, refusals, quarantine), newest first.
type Notices struct {
	Nav
	Open    key.Binding // Enter: the case the selected notice names
	Related key.Binding // the related case the selected notice names
}

// NewNotices returns the sync-notice bindings. ↑/↓ move between notices
// and scroll through one taller than the screen.
func NewNotices() Notices {
	n := NewNav()
	n.Back = b([]string{"esc"}, "Esc", "返回首页")
	return Notices{
		Nav:     n,
		Open:    b([]string{"enter"}, "Enter", "打开案件"),
		Related: b([]string{"f2"}, "F2", "打开关联案件"),
	}
}
