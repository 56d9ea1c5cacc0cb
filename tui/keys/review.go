package keys

import "github.com/charmbracelet/bubbles/key"

// Queue is the reviewer's queue: cases waiting for the signed-in user's
// role, sorted, filtered and searched.
type Queue struct {
	Nav
	Entry     key.Binding // on the home screen: open the queue
	Open      key.Binding
	Scope     key.Binding // Tab: 待我处理 / 全部在审
	Sort      key.Binding
	Filter    key.Binding
	Search    key.Binding
	EndSearch key.Binding // Esc: clear the search
	KeepFound key.Binding // Enter: stop typing, keep what was found
	SearchNav key.Binding // help only: arrows move while the search is typed
	Refresh   key.Binding
}

// NewQueue returns the queue bindings.
func NewQueue() Queue {
	n := NewNav()
	n.Back = b([]string{"esc"}, "Esc", "返回首页")
	return Queue{
		Nav:       n,
		Entry:     b([]string{"f4", "ctrl+a"}, "F4", "审核队列"),
		Open:      b([]string{"enter"}, "Enter", "审核"),
		Scope:     b([]string{"tab", "shift+tab"}, "Tab", "范围"),
		Sort:      b([]string{"f6", "ctrl+t"}, "F6", "排序"),
		Filter:    b([]string{"f7", "ctrl+x"}, "F7", "筛选"),
		Search:    b([]string{"ctrl+f", "/"}, "ctrl+f", "搜索"),
		EndSearch: b([]string{"esc"}, "Esc", "清除搜索"),
		KeepFound: b([]string{"enter"}, "Enter", "完成搜索"),
		SearchNav: b([]string{"up", "down"}, "上下键", "移动"),
		Refresh:   b([]string{"f5", "ctrl+r"}, "F5", "刷新"),
	}
}

// Review is one case under review, with the reviewer's actions. Each
// action is on a function key and a Ctrl combination, so it works while a
// Chinese IME is on; only the actions the user may take are enabled.
type Review struct {
	Nav
	Tab       key.Binding
	Approve   key.Binding
	Return    key.Binding
	SendLegal key.Binding
	Legal     key.Binding
	Discuss   key.Binding
	Decide    key.Binding
	Refresh   key.Binding
	Article   key.Binding
	Citation  key.Binding
	// On the evidence tab.
	Evidence     key.Binding // choose the evidence file
	OpenEvidence key.Binding // fetch it from HQ if need be, and open it
	Preview      key.Binding // draw the photo in the terminal, where it can
	// In an action form.
	Field   key.Binding
	Confirm key.Binding
	Cancel  key.Binding
}

// NewReview returns the review bindings.
func NewReview() Review {
	n := NewNav()
	n.Back = b([]string{"esc"}, "Esc", "返回队列")
	n.Up = b([]string{"up", "k"}, "上下键/jk", "滚动")
	n.Down = b([]string{"down", "j"}, "上下键/jk", "滚动")
	return Review{
		Nav:       n,
		Tab:       b([]string{"tab", "shift+tab"}, "Tab", "切换页签"),
		Approve:   b([]string{"f2", "ctrl+y"}, "F2", "同意"),
		Return:    b([]string{"f3", "ctrl+w"}, "F3", "退回"),
		SendLegal: b([]string{"f4"}, "F4", "送法制审核"),
		Legal:     b([]string{"f7", "ctrl+g"}, "F7", "法制审核意见"),
		Discuss:   b([]string{"f8", "ctrl+d"}, "F8", "集体讨论"),
		Decide:    b([]string{"f9", "ctrl+e"}, "F9", "负责人决定"),
		Refresh:   b([]string{"f5", "ctrl+r"}, "F5", "刷新"),
		Article:   b([]string{"f6", "ctrl+t"}, "F6", "条文全文"),
		Citation:  b([]string{"left", "right"}, "左右键", "选择条文"),
		// F6 opens what the tab shows: the article on the decision tab,
		// the evidence file on the evidence tab.
		Evidence:     b([]string{"left", "right"}, "左右键", "选择证据"),
		OpenEvidence: b([]string{"f6", "ctrl+t"}, "F6", "查看"),
		Preview:      b([]string{"ctrl+p"}, "ctrl+p", "预览图片"),
		Field:        b([]string{"tab", "shift+tab"}, "Tab", "下一栏"),
		Confirm:      b([]string{"ctrl+s"}, "ctrl+s", "确认"),
		Cancel:       b([]string{"esc"}, "Esc", "取消"),
	}
}
