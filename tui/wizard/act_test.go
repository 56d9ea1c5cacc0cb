package wizard_test

import (
	"strings"
	"testing"

	"fieldcase/tui/tuitest"
	"fieldcase/tui/wizard"
)

// CG05 covers 桥梁 and 地下通道 stalls, which 《重庆市市容环境卫生管理条例》
// 第十八条第一款 lists as items (五) and (六): the officer chooses the act
// on step 1, and the case cites item (六) alone, with no act_unspecified flag.
func TestWizardChoosesTheActOfAnItem(t *testing.T) {
	st, d := tuitest.OfficerSignedIn(t)
	d.Press("f2")
	d.Type("CG05")
	d.Press("enter")
	d.Contains("第 1 步 违法事项")
	d.Contains("地下通道擅自摆摊兜售")
	d.Contains("第十八条第一款第（六）项")
	d.Golden()
	tuitest.CheckHelpKeysUnique(t, d)
	tuitest.CheckFullHelpOnce(t, d, "act picker")

	// Esc goes back to the list, not away from the wizard.
	d.Press("esc")
	d.Contains("输入名称、代码或拼音首字母查找")
	d.Press("enter")
	d.Press("down", "enter")
	d.Contains("第 2 步 当事人")

	tuitest.NewPerson(d, "陈小红", tuitest.ResidentID(t, "50010819950607002"))
	d.Press("f8")
	d.Type("南岸区南坪步行街地下通道")
	d.Press("f8")
	d.Type("当事人在地下通道内摆摊兜售手机配件，经劝导当场收摊。")
	d.Press("f8")
	tuitest.Answer(d, true, 1, false)
	d.Press("f8")
	d.Contains("具体行为   地下通道擅自摆摊兜售")

	c, err := st.Get(wizard.CaseID(d))
	if err != nil {
		t.Fatal(err)
	}
	if c.Content.Violation != "CG05" || c.Content.Circumstances.Act != "underpass" {
		t.Fatalf("saved content: violation %q act %q", c.Content.Violation, c.Content.Circumstances.Act)
	}

	d.Press("enter") // on to the decision
	d.Press("enter") // follow the suggestion
	d.Contains("第 8 步 执法人员")
	c, err = st.Get(wizard.CaseID(d))
	if err != nil || c.Suggestion == nil {
		t.Fatalf("decision not recorded: %v", err)
	}
	dec := c.Suggestion.Decision
	if dec.Act != "underpass" {
		t.Errorf("decision act %q", dec.Act)
	}
	var violated []string
	for _, ci := range dec.Violated {
		violated = append(violated, ci.Label)
	}
	if len(violated) != 1 || !strings.HasSuffix(violated[0], "第十八条第一款第（六）项") {
		t.Errorf("violated: %q, want 第十八条第一款第（六）项 only", violated)
	}
	for _, f := range dec.SupervisorFlags {
		if f.Code == "act_unspecified" {
			t.Errorf("flagged act_unspecified with the act chosen: %s", f.Text)
		}
	}

	d.Press("f8")
	d.Contains("第 9 步 核对提交")
	d.Contains("CG05 桥梁通道摆摊（地下通道擅自摆摊兜售）")
}

// Choosing another item drops the act that belonged to the first; an
// item without acts leaves none.
func TestChangingTheViolationClearsTheAct(t *testing.T) {
	st, d := tuitest.OfficerSignedIn(t)
	d.Press("f2")
	d.Type("CG39")
	d.Press("enter", "down", "enter") // 超标排放施工噪声: over_standard
	d.Contains("第 2 步 当事人")
	c, _ := st.Get(wizard.CaseID(d))
	if c.Content.Circumstances.Act != "over_standard" {
		t.Fatalf("act %q, want over_standard", c.Content.Circumstances.Act)
	}

	// CG40 names an act over_standard too, but another one: asked again.
	d.Press("f7")
	d.Press("ctrl+u")
	d.Type("CG40")
	d.Press("enter")
	d.Contains("高音喇叭广告宣传")
	d.Press("f8") // F8 in the picker takes the highlighted act
	d.Contains("第 2 步 当事人")
	c, _ = st.Get(wizard.CaseID(d))
	if c.Content.Violation != "CG40" || c.Content.Circumstances.Act != "over_standard" {
		t.Fatalf("content: %q %q", c.Content.Violation, c.Content.Circumstances.Act)
	}

	d.Press("f7")
	d.Press("ctrl+u")
	d.Type("zdjy")
	d.Press("enter")
	d.Contains("第 2 步 当事人")
	c, _ = st.Get(wizard.CaseID(d))
	if c.Content.Violation != "CG01" || c.Content.Circumstances.Act != "" {
		t.Fatalf("content: %q act %q, want CG01 and no act", c.Content.Violation, c.Content.Circumstances.Act)
	}
}

// F8 on an item with acts asks for the act instead of moving on.
func TestNextStepAsksForTheAct(t *testing.T) {
	st, d := tuitest.OfficerSignedIn(t)
	d.Press("f2")
	d.Type("CG05")
	d.Press("f8")
	d.Contains("本事项包括几种行为")
	d.Contains("第 1 步 违法事项")
	if wizard.CaseID(d) != "" {
		t.Fatal("a draft was made before the act was chosen")
	}
	d.Press("enter")
	d.Contains("第 2 步 当事人")
	c, _ := st.Get(wizard.CaseID(d))
	if c.Content.Circumstances.Act != "bridge" {
		t.Fatalf("act %q, want bridge", c.Content.Circumstances.Act)
	}
}

// The picker is part of step 1's autosaved state: quit while it is open,
// start again, and it reopens on the act that was highlighted.
func TestActPickerReopensAfterQuit(t *testing.T) {
	st, d := tuitest.OfficerSignedIn(t)
	d.Press("f2")
	d.Type("CG09")
	d.Press("enter", "down", "down")
	d.Press("f10")
	if !d.Quit {
		t.Fatal("F10 did not quit")
	}

	d2 := tuitest.New(t, st, "wangwu")
	d2.SignIn()
	d2.Contains("本事项包括几种行为")
	d2.Contains("> ")
	d2.Press("enter")
	d2.Contains("第 2 步 当事人")
	c, _ := st.Get(wizard.CaseID(d2))
	if c.Content.Violation != "CG09" || c.Content.Circumstances.Act != "sewage" {
		t.Fatalf("content: %q act %q, want CG09 sewage", c.Content.Violation, c.Content.Circumstances.Act)
	}
}
