package wizard_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/tui/tuitest"
	"fieldcase/tui/wizard"
)

// A whole case, from the home screen to submission, then checked in the store.
func TestWizardRecordsAndSubmitsACase(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.AddUsers(t, st, tuitest.OfficerWang, tuitest.OfficerZhao)
	d := tuitest.New(t, st, "wangwu")
	d.SignIn() // sign in
	d.Contains("首页")
	d.Press("f2")
	d.Type("zdjy")
	d.Press("enter")
	d.Contains("第 2 步 当事人")
	d.Press("f3")
	d.Type("欧阳秋菊")
	d.Press("tab", "tab")
	id := tuitest.ResidentID(t, "50010819880808002")
	d.Type(id)
	d.Contains("号码有效")
	d.Press("tab")
	d.Type("13900000000")
	d.Press("f8")
	d.Contains("第 3 步 时间地点")
	d.Type("南岸区南坪西路 3 号门前")
	d.Press("f8")
	d.Contains("第 4 步 事实与证据")
	d.Type("当事人在人行道上摆摊销售蔬菜，经劝导当场收摊。")
	d.Press("f8")
	d.Contains("第 5 步 情节")
	tuitest.Answer(d, true, 0, true)
	d.Press("f8")
	d.Contains("不 予 处 罚（轻微不罚）")
	d.Press("enter")
	d.Contains("第 7 步 处理决定")
	d.Press("enter") // follow the suggestion (last field: on to the next step)
	d.Contains("第 8 步 执法人员")
	d.Contains("[赵六]")
	d.Press("f8")
	d.Contains("必填项已填写")
	d.Press("enter") // the submit button has focus
	d.Contains("提交后即为立案")
	d.Press("enter") // confirm
	d.Contains("已提交审核：CG01 占道经营 欧阳秋菊")
	d.Contains("首页")

	cs, err := st.List(store.Filter{Status: cases.StatusSubmitted})
	if err != nil || len(cs) != 1 {
		t.Fatalf("submitted cases: %v %v", cs, err)
	}
	c := cs[0]
	if c.Content.Violation != "CG01" || c.Content.Party.Name != "欧阳秋菊" || c.Content.Party.IDNumber != id {
		t.Errorf("content: %+v", c.Content)
	}
	if c.Content.Place.Text != "南岸区南坪西路 3 号门前" || !c.Content.OccurredAt.Equal(tuitest.Now) {
		t.Errorf("place/time: %q %v", c.Content.Place.Text, c.Content.OccurredAt)
	}
	if len(c.Content.Officers) != 2 || c.Content.Officers[1].Name != "赵六" {
		t.Errorf("officers: %+v", c.Content.Officers)
	}
	if c.Choice == nil || !c.Choice.Follow || c.Suggestion == nil {
		t.Errorf("decision: %+v %+v", c.Choice, c.Suggestion)
	}
	if c.CreatedBy.ID != "wangwu" {
		t.Errorf("actor: %+v", c.CreatedBy)
	}
	if dr, _ := st.Draft("wangwu"); dr != nil {
		t.Errorf("draft position not cleared: %+v", dr)
	}
	evs, _ := st.Events(c.ID)
	last := evs[len(evs)-1]
	if last.Kind != cases.EventSubmitted || last.Actor.ID != "wangwu" {
		t.Errorf("last event: %s by %s", last.Kind, last.Actor.ID)
	}
}

// Quit in the middle of a step, start again: the step reopens with what
// was typed, even what was never "saved".
func TestQuitAndRestartReopensTheStep(t *testing.T) {
	dir := t.TempDir()
	st := tuitest.OpenStore(t, dir)
	tuitest.AddUsers(t, st, tuitest.OfficerWang, tuitest.OfficerZhao)
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	tuitest.ToPlace(d)
	d.Type("南岸区铜元局轻轨站 B 出口")
	d.Press("f10")
	if !d.Quit {
		t.Fatal("F10 did not quit")
	}

	d2 := tuitest.New(t, st, "wangwu")
	d2.SignIn()
	d2.Contains("第 3 步 时间地点")
	d2.Contains("南岸区铜元局轻轨站 B 出口")
	d2.Contains("已恢复上次未完成的案件")
}

// A kill leaves no chance to save: the step the officer had reached still
// reopens, because the position is saved as each step is entered.
func TestKilledWizardReopensWhereItWas(t *testing.T) {
	st, d := tuitest.OfficerSignedIn(t)
	tuitest.ToFacts(d)
	d.Type("这一句尚未保存")
	// No key more: the process dies here.

	d2 := tuitest.New(t, st, "wangwu")
	d2.SignIn()
	d2.Contains("第 4 步 事实与证据")
	c, err := st.Get(wizard.CaseID(d2))
	if err != nil || c.Content.Place.Text != "南岸区南坪正街 100 号门前" {
		t.Fatalf("the steps before were not saved: %+v %v", c.Content.Place, err)
	}
}

// Autosave keeps typing that never left the step.
func TestAutosaveKeepsTyping(t *testing.T) {
	st, d := tuitest.OfficerSignedIn(t)
	tuitest.ToFacts(d)
	d.Type("自动保存的违法事实")
	// The timer fired: deliver its message as the runtime would.
	d.Send(wizard.Autosave(d))

	d2 := tuitest.New(t, st, "wangwu")
	d2.SignIn()
	d2.Contains("自动保存的违法事实")
}

func TestQInWizardSearchIsText(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.AddUsers(t, st, tuitest.OfficerWang)
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	d.Press("f2")
	d.Type("q")
	if d.Quit {
		t.Fatal("q in the violation search quit")
	}
	d.Contains("查找 q")
}

// Changing what the rules weigh after the decision sends the officer back
// to the suggestion before the case can be submitted.
func TestChangedFactsNeedANewDecision(t *testing.T) {
	st, d := tuitest.OfficerSignedIn(t)
	tuitest.ToReview(d)
	// Back to the circumstances through the review's step list.
	for i := 0; i < 4; i++ {
		d.Press("up") // from the submit button to step 5
	}
	d.Press("enter")
	d.Contains("第 5 步 情节")
	d.Press("down", "right") // Harm: none → minor
	d.Press("esc")
	d.Contains("首页")

	d.Press("tab", "enter") // resume the draft from the home list
	d.Contains("第 5 步 情节")  // where the officer left it, with the change
	d.Contains("[轻微]")
	if !wizard.Stale(d) {
		t.Fatal("the decision should be stale")
	}
	d.Press("f8")
	d.Contains("第 6 步 处理建议")
	d.Press("enter", "enter") // look at the suggestion, follow it
	d.Contains("第 8 步 执法人员")
	if wizard.Stale(d) {
		t.Fatal("a new decision was recorded: not stale any more")
	}
	c, _ := st.Get(wizard.CaseID(d))
	if c.Content.Circumstances.Harm != cases.HarmMinor || c.Suggestion == nil || c.Suggestion.Decision.Outcome == "not_punishable" {
		t.Fatalf("stored: harm %s, suggestion %+v", c.Content.Circumstances.Harm, c.Suggestion)
	}
}

// A returned case shows the supervisor's comment and goes back to review.
func TestReturnedCaseResubmits(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.SeedStandard(t, st)
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	tuitest.OpenReturned(d)
	d.Contains("请补充现场照片")
	d.Press("f4")
	d.Contains("审核意见（退回补正）")
	d.Press("f9")
	d.Contains("退回后未作任何修改")
	d.Type("经核实，现场照片已随案提交，无需补充。")
	d.Press("enter")
	d.Contains("已提交审核")
	cs, _ := st.List(store.Filter{Status: cases.StatusReturned})
	if len(cs) != 0 {
		t.Fatalf("still Returned: %d", len(cs))
	}
}

// Answers to a search typed earlier are dropped when a newer one is pending.
func TestStalePartyResultsAreDropped(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.SeedStandard(t, st)
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	tuitest.ToParty(d)
	d.Type("张")
	d.Contains("张建国")
	old := wizard.PartyJob(d)
	d.Type("x") // a new query: the next answer has a new job id
	d.Send(wizard.Parties(old, "张", []cases.Party{{Name: "过时的结果"}}))
	if strings.Contains(d.View(), "过时的结果") {
		t.Fatal("a stale tuitest.Answer was shown")
	}
}

func TestEvidenceAttachRemoveAndDuplicate(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.jpg")
	if err := os.WriteFile(file, []byte("photo"), 0o600); err != nil {
		t.Fatal(err)
	}
	st := tuitest.OpenStore(t, filepath.Join(dir, "data"))
	tuitest.AddUsers(t, st, tuitest.OfficerWang, tuitest.OfficerZhao)
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	tuitest.ToFacts(d)
	d.Press("tab", "tab")
	d.Type(file)
	d.Press("enter")
	d.Contains("1. 视听资料  a.jpg")
	d.Type(file)
	d.Press("enter")
	d.Contains("该文件已经添加过")
	d.Press("ctrl+u", "down") // to the evidence row
	d.Press("delete")
	if wizard.Evidence(d) != 0 {
		t.Fatal("Del did not remove the evidence")
	}
	d.Type("/no/such/file.jpg")
	d.Press("enter")
	d.Contains("无法添加")
}

func TestPathCompletion(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"照片一.jpg", "照片二.jpg", "视频.mp4"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	st := tuitest.OpenStore(t, filepath.Join(dir, "data"))
	tuitest.AddUsers(t, st, tuitest.OfficerWang)
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	tuitest.ToFacts(d)
	d.Press("tab", "tab")
	d.Type(filepath.Join(dir, "照"))
	d.Press("tab")
	if got := wizard.FactsField(d, "evidence.path"); got != filepath.Join(dir, "照片") {
		t.Fatalf("completed to %q", got)
	}
	d.Contains("可选：照片一.jpg  照片二.jpg")
	d.Type("二")
	d.Press("tab")
	if got := wizard.FactsField(d, "evidence.path"); got != filepath.Join(dir, "照片二.jpg") {
		t.Fatalf("completed to %q", got)
	}
}

// Departing from the suggestion needs a written reason and is flagged
// for the supervisor.
func TestDepartureIsRecordedAndFlagged(t *testing.T) {
	st, d := tuitest.OfficerSignedIn(t)
	// Not corrected, slight Harm: a penalty is due, so the officer may depart
	// (from 轻微不罚, which the law makes mandatory, no departure to punish is allowed).
	tuitest.ToSuggestion(d, false, 1, false)
	d.Press("enter")
	d.Press("right", "down", "right", "right") // depart; outcome: fine
	d.Press("down")
	d.Type("300")
	d.Press("f8")
	d.Contains("不采纳系统建议时必须写明理由")
	d.Press("down")
	d.Type("当事人多次在同一地点摆摊，经教育仍不改正。")
	d.Press("f8")
	d.Contains("第 8 步 执法人员")
	d.Press("f8", "enter", "enter")
	d.Contains("已提交审核")
	cs, _ := st.List(store.Filter{Status: cases.StatusSubmitted})
	if len(cs) != 1 {
		t.Fatalf("%d submitted", len(cs))
	}
	c := cs[0]
	if c.Choice == nil || c.Choice.Follow || c.Choice.Outcome != "fine" || c.Choice.Fine == nil || *c.Choice.Fine != 300 {
		t.Fatalf("choice %+v", c.Choice)
	}
	flagged := false
	for _, f := range c.Flags() {
		flagged = flagged || f.Code == cases.FlagDeparture
	}
	if !flagged {
		t.Fatalf("departure not flagged: %+v", c.Flags())
	}
}

// On a returned case, F9 on a step opened from the review saves the step
// and goes straight back to 核对提交; F9 there submits.
func TestReturnedCaseF9BackToReview(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.SeedStandard(t, st)
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	tuitest.OpenReturned(d)
	d.Press("f4")
	d.Contains("第 9 步 核对提交")
	d.Press("down", "down", "down", "enter") // 修改此项: 4 事实与证据
	d.Contains("第 4 步 事实与证据")
	d.Contains("F9 到核对提交")
	d.Type("占道面积约4平方米。")
	d.Press("f9")
	d.Contains("第 9 步 核对提交")
	c, err := st.Get(wizard.CaseID(d))
	if err != nil || !strings.Contains(c.Content.Facts, "占道面积约4平方米。") {
		t.Fatalf("facts not saved on F9: %q %v", c.Content.Facts, err)
	}
	d.Press("f9")
	d.Contains("退回后已修改：违法事实")
	d.Press("enter")
	d.Contains("已提交审核")
	if c, _ := st.Get(c.ID); c.Status != cases.StatusSubmitted {
		t.Fatalf("status %s", c.Status)
	}
}

// F9 before the last step: on the decision step it records the choice
// first and refuses what does not validate; on an incomplete new case it
// is not offered.
func TestF9ToReviewFromTheDecision(t *testing.T) {
	_, d := tuitest.OfficerSignedIn(t)
	tuitest.ToPlace(d)
	if strings.Contains(d.View(), "到核对提交") {
		t.Fatal("F9 offered on an incomplete new case")
	}
	d.Press("f9")
	d.Contains("第 3 步 时间地点")

	st2 := tuitest.OpenStore(t, t.TempDir())
	tuitest.AddUsers(t, st2, tuitest.OfficerWang, tuitest.OfficerZhao)
	d = tuitest.New(t, st2, "wangwu")
	d.SignIn()
	tuitest.ToReview(d)
	d.Press("up", "up", "enter") // from the submit button to 7 处理决定
	d.Contains("第 7 步 处理决定")
	d.Contains("F9 到核对提交")
	d.Press("f9")
	d.Contains("第 9 步 核对提交")
	d.Contains("必填项已填写")

	// A departure without its reason is refused (on a case the law
	// punishes: from 轻微不罚 no departure is offered).
	st3 := tuitest.OpenStore(t, t.TempDir())
	tuitest.AddUsers(t, st3, tuitest.OfficerWang, tuitest.OfficerZhao)
	d = tuitest.New(t, st3, "wangwu")
	d.SignIn()
	tuitest.ToSuggestion(d, false, 1, false)
	d.Press("enter")
	d.Contains("第 7 步 处理决定")
	d.Press("right", "down", "right", "right") // depart, with no reason written
	d.Press("f8")
	d.Contains("第 7 步 处理决定")
	d.Contains("请先改正标出的项目")
}
