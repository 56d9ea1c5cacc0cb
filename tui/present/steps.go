package present

// StepNames are the new-case wizard's steps as saved in the draft
// position (store.Draft.Step): stable.
var StepNames = [...]string{"violation", "party", "place", "facts", "circumstances", "suggestion", "decision", "officers", "review"}

// StepTitles are the steps' titles, in the same order.
var StepTitles = [...]string{"违法事项", "当事人", "时间地点", "事实与证据", "情节", "处理建议", "处理决定", "执法人员", "核对提交"}

// StepOf finds a saved step name's place in StepNames.
func StepOf(name string) (int, bool) {
	for i, n := range StepNames {
		if n == name {
			return i, true
		}
	}
	return 0, false
}
