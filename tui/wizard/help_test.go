package wizard_test

import (
	"strings"
	"testing"

	"fieldcase/tui/tuitest"
)

// F1 lists each live key once on every step of the wizard.
func TestFullHelpListsEachKeyOnce(t *testing.T) {
	_, d := tuitest.OfficerSignedIn(t)
	check := func(where string) { t.Helper(); tuitest.CheckFullHelpOnce(t, d, where) }
	tuitest.ToViolation(d)
	check("事项")
	d.Press("enter")
	check("当事人（查找）")
	tuitest.NewPerson(d, "陈小红", tuitest.ResidentID(t, "50010819950607002"))
	check("当事人（表单）")
	for _, step := range []string{"时间地点", "事实与证据", "情节"} {
		d.Press("f8")
		if step == "时间地点" {
			d.Type("南岸区南坪正街 100 号门前")
		}
		if step == "事实与证据" {
			d.Type("当事人在人行道上摆摊销售蔬菜。")
		}
		check(step)
	}
	tuitest.Answer(d, true, 0, true)
	d.Press("f8")
	check("处理建议")
	d.Press("enter")
	check("处理决定")
	d.Press("enter")
	check("执法人员")
	d.Press("f8")
	check("核对提交")
	if !strings.Contains(d.View(), "第 9 步") {
		t.Fatalf("did not reach step 9:\n%s", d.View())
	}
}
