package keys

import "github.com/charmbracelet/bubbles/key"

// Papers are the keys of the document preview (文书预览).
type Papers struct {
	Nav
	Entry key.Binding // on the case detail: open the preview
	Kind  key.Binding // ←/→ and Tab: the previous or next kind of document
	Issue key.Binding // 出具：draw the number, record it, save the files
	Width key.Binding // toggle 80 mm / 58 mm paper
}

// NewPapers returns the document-preview bindings.
func NewPapers() Papers {
	n := NewNav()
	n.Back = b([]string{"esc"}, "Esc", "返回案件")
	n.Up = b([]string{"up", "k"}, "上下键/jk", "滚动")
	n.Down = b([]string{"down", "j"}, "上下键/jk", "滚动")
	return Papers{
		Nav:   n,
		Entry: b([]string{"f7", "ctrl+p"}, "F7", "文书"),
		Kind:  b([]string{"left", "right", "tab", "shift+tab"}, "左右键", "换文书"),
		Issue: b([]string{"f9", "ctrl+s"}, "F9", "出具并保存"),
		Width: b([]string{"f6", "ctrl+w"}, "F6", "纸宽"),
	}
}

// Dashboard are the keys of the figures dashboard (执法统计).
type Dashboard struct {
	Nav
	Entry   key.Binding // on the home screen: open the dashboard
	Range   key.Binding // ←/→ and Tab: the previous or next date range
	Refresh key.Binding
}

// NewDashboard returns the dashboard bindings.
func NewDashboard() Dashboard {
	n := NewNav()
	n.Back = b([]string{"esc"}, "Esc", "返回首页")
	n.Up = b([]string{"up", "k"}, "上下键/jk", "滚动")
	n.Down = b([]string{"down", "j"}, "上下键/jk", "滚动")
	return Dashboard{
		Nav:     n,
		Entry:   b([]string{"f8", "ctrl+d"}, "F8", "执法统计"),
		Range:   b([]string{"left", "right", "tab", "shift+tab"}, "左右键", "换时段"),
		Refresh: b([]string{"f5", "ctrl+r"}, "F5", "刷新"),
	}
}
