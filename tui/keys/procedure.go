package keys

import "github.com/charmbracelet/bubbles/key"

// Procedure are the keys of the procedure screen (办案程序): the timeline
// and the steps that may be recorded on it.
type Procedure struct {
	Nav
	Entry   key.Binding // on a case's detail, its review or the queue: open the procedure
	Tab     key.Binding // 时间线 / 办理 / 待执行
	Open    key.Binding // Enter: open the chosen step's form
	Papers  key.Binding // save the hearing papers and the dossier
	Refresh key.Binding
	// In a step's form and its confirmation.
	Field   key.Binding
	Submit  key.Binding
	Confirm key.Binding
	Cancel  key.Binding
}

// NewProcedure returns the procedure bindings.
func NewProcedure() Procedure {
	n := NewNav()
	n.Back = b([]string{"esc"}, "Esc", "返回")
	return Procedure{
		Nav:     n,
		Entry:   b([]string{"f12", "ctrl+o"}, "F12", "办案程序"),
		Tab:     b([]string{"tab", "shift+tab"}, "Tab", "切换页签"),
		Open:    b([]string{"enter"}, "Enter", "记录此步"),
		Papers:  b([]string{"f8", "ctrl+d"}, "F8", "保存听证文书与案卷"),
		Refresh: b([]string{"f5", "ctrl+r"}, "F5", "刷新"),
		Field:   b([]string{"tab", "shift+tab"}, "Tab", "下一栏"),
		Submit:  b([]string{"f9", "ctrl+s"}, "F9", "记录"),
		Confirm: b([]string{"enter", "f9", "ctrl+s"}, "Enter", "确认记录"),
		Cancel:  b([]string{"esc"}, "Esc", "取消"),
	}
}
