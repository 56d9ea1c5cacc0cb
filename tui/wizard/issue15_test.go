package wizard_test

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/tui"
	"fieldcase/tui/screen"
	"fieldcase/tui/tuitest"
	"fieldcase/tui/wizard"
)

// Typing past 违法地点's 200 characters says so at once under the field,
// instead of cutting the text without a word.
func TestPlaceLimitSaysSoAtOnce(t *testing.T) {
	_, d := tuitest.OfficerSignedIn(t)
	tuitest.ToPlace(d)
	d.Type(strings.Repeat("南坪西路", 50)) // 200: just fits
	if strings.Contains(d.View(), "已达上限") {
		t.Fatalf("200 characters fit, yet the field warns:\n%s", d.View())
	}
	d.Type("三号门前")
	d.Contains("已达上限 200 字：多出的 4 字没有录入")
}

// F9 on step 9 asks before filing the case; Esc goes back with nothing
// submitted.
func TestSubmitAsksFirst(t *testing.T) {
	st, d := tuitest.OfficerSignedIn(t)
	tuitest.ToReview(d)
	d.Press("f9")
	d.Contains("提交后即为立案")
	d.Contains("Enter 确认提交")
	for _, size := range [][2]int{{60, 20}, {120, 40}, {80, 24}} {
		d.Resize(size[0], size[1])
		tuitest.CheckFits(t, d.View(), size[0], size[1])
	}
	if c, _ := st.Get(wizard.CaseID(d)); c.Status != cases.StatusDraft {
		t.Fatalf("F9 submitted at once: %s", c.Status)
	}
	d.Press("esc")
	d.Contains("第 9 步 核对提交")
	d.Contains("已取消")
	if c, _ := st.Get(wizard.CaseID(d)); c.Status != cases.StatusDraft {
		t.Fatalf("Esc submitted: %s", c.Status)
	}
	d.Press("f9", "enter")
	d.Contains("已提交审核")
	if c, _ := st.Get(wizard.CaseID(d)); c.Status != cases.StatusSubmitted {
		t.Fatalf("confirmed, yet %s", c.Status)
	}
}

// A draft made by mistake is voided with a reason, kept in the log.
func TestVoidDraftWithReason(t *testing.T) {
	st, d := tuitest.OfficerSignedIn(t)
	tuitest.ToPlace(d)
	id := wizard.CaseID(d)
	d.Press("f5")
	d.Contains("作废草稿")
	d.Contains("不能恢复")
	d.Resize(60, 20)
	tuitest.CheckFits(t, d.View(), 60, 20)
	d.Resize(80, 24)
	d.Press("enter")
	d.Contains("请写明作废理由")
	d.Type("选错违法事项")
	d.Press("enter")
	d.Contains("已作废草稿：CG01 占道经营（理由：选错违法事项）")
	c, err := st.Get(id)
	if err != nil || c.Status != cases.StatusVoided || c.Void == nil || c.Void.Text != "选错违法事项" {
		t.Fatalf("voided case: %v %+v %v", c.Status, c.Void, err)
	}
	evs, _ := st.Events(id)
	if last := evs[len(evs)-1]; last.Kind != cases.EventVoided || last.Actor.ID != "wangwu" {
		t.Fatalf("last event %s by %s", last.Kind, last.Actor.ID)
	}
	if dr, _ := st.Draft("wangwu"); dr != nil {
		t.Fatalf("the wizard would reopen a voided draft: %+v", dr)
	}
}

// A returned case has been filed: voiding is not offered, and F5 does
// nothing.
func TestVoidNotOfferedOnAReturnedCase(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.SeedStandard(t, st)
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	tuitest.OpenReturned(d)
	d.Press("f4")
	d.Contains("第 9 步 核对提交")
	if strings.Contains(d.View(), "作废") {
		t.Fatalf("voiding offered on a returned case:\n%s", d.View())
	}
	d.Press("f5")
	if strings.Contains(d.View(), "作废理由") {
		t.Fatal("F5 asked to void a returned case")
	}
}

// The supervisor's return comment is read whole at 80 columns, and a
// resubmission without changes needs a reply, which goes on record.
func TestReturnedCaseCommentWholeAndReply(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.AddUsers(t, st, tuitest.OfficerWang, tuitest.OfficerZhao, tuitest.ReviewerLi)
	f := tuitest.StandardCases(t)[1]
	f.Returned = "请补充现场照片，并写明占道面积；当事人陈述申辩的记录缺少签名，请补签后重新提交。另请核对营业执照上的统一社会信用代码。"
	id := tuitest.Record(t, st, f).ID
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	tuitest.OpenReturned(d)
	d.Press("f4")
	d.Contains("第 9 步 核对提交")
	for _, part := range []string{"请补签后重新提交", "统一社会信用代码。"} {
		d.Contains(part)
	}
	d.Press("enter") // 1 违法事项: the comment is cut there, and says where it is whole
	d.Contains("第 1 步 违法事项")
	d.Contains("（全文见第 9 步）")
	d.Press("f9")
	d.Contains("第 9 步 核对提交")
	d.Press("f9")
	d.Contains("退回后未作任何修改")
	d.Press("enter")
	d.Contains("照原样重新提交，须写明不修改的理由")
	if c, _ := st.Get(id); c.Status != cases.StatusReturned {
		t.Fatalf("resubmitted unchanged without a reply: %s", c.Status)
	}
	d.Type("照片已在证据第 2 件，面积见违法事实。")
	d.Press("enter")
	d.Contains("已提交审核")
	got, _ := st.Get(id)
	if got.Status != cases.StatusSubmitted || got.Reply == nil || got.Reply.Text != "照片已在证据第 2 件，面积见违法事实。" {
		t.Fatalf("status %s, reply %+v", got.Status, got.Reply)
	}
}

// The reviewer reads the officer's reply with the resubmitted case.
func TestReviewerSeesTheReply(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.AddUsers(t, st, tuitest.OfficerWang, tuitest.OfficerZhao, tuitest.ReviewerLi)
	f := tuitest.StandardCases(t)[1]
	f.Returned = "请补充现场照片。"
	tuitest.Record(t, st, f)
	d := tuitest.New(t, st, "wangwu")
	d.SignIn()
	tuitest.OpenReturned(d)
	d.Press("f4", "f9")
	d.Type("照片已在证据中。")
	d.Press("enter")
	d.Contains("已提交审核")

	r := tuitest.New(t, st, tuitest.ReviewerLi.ID)
	r.SignIn()
	r.Press("enter")
	for range 6 {
		if strings.Contains(r.View(), "承办人答复") {
			break
		}
		r.Press("pgdown")
	}
	r.Contains("承办人答复")
	r.Contains("照片已在证据中。")
}

// On a 轻微不罚 case the law allows no penalty instead: 不采纳 is not
// offered, and the step says why in Chinese (no internal field names).
func TestNotPunishableOffersNoDeparture(t *testing.T) {
	_, d := tuitest.OfficerSignedIn(t)
	tuitest.ToDecision(d) // corrected, no harm, minor: 轻微不罚
	d.Contains("第 7 步 处理决定")
	d.Contains("不能改为警告或罚款")
	d.Press("right")
	for _, no := range []string{"不采纳", "罚款金额", "choice."} {
		if strings.Contains(d.View(), no) {
			t.Fatalf("offers %q on a case the law does not punish:\n%s", no, d.View())
		}
	}
	d.Press("f8")
	d.Contains("第 8 步 执法人员")
}

// Resumed at step 7, the wizard computes the suggestion again instead of
// saying there is none.
func TestResumeAtDecisionRecomputesTheSuggestion(t *testing.T) {
	st, d := tuitest.OfficerSignedIn(t)
	tuitest.ToDecision(d)
	d.Contains("第 7 步 处理决定")
	d.Press("f10")

	d2 := tuitest.New(t, st, "wangwu")
	d2.SignIn()
	d2.Contains("第 7 步 处理决定")
	d2.Contains("系统建议：不予处罚（轻微不罚）")
	if strings.Contains(d2.View(), "尚无处理建议") {
		t.Fatalf("resumed without the suggestion:\n%s", d2.View())
	}
	d2.Press("enter")
	d2.Contains("第 8 步 执法人员")
}

// timers holds the timers the program asked for, to fire them when the
// test says (the runtime would after their delay).
type timers struct {
	delays []time.Duration
	fire   []func(time.Time) tea.Msg
}

func (tm *timers) tick(d time.Duration, f func(time.Time) tea.Msg) tea.Cmd {
	if d < time.Minute/2 { // not the header clock
		tm.delays = append(tm.delays, d)
		tm.fire = append(tm.fire, f)
	}
	return nil
}

// Typing is saved after a short pause (under a second), and during typing
// that never pauses, not only when the field is left.
func TestAutosaveAfterAShortPause(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.AddUsers(t, st, tuitest.OfficerWang, tuitest.OfficerZhao)
	tm := &timers{}
	d := tuitest.NewWith(t, tui.Options{Store: st, As: "wangwu", Tick: tm.tick})
	d.SignIn()
	tuitest.ToFacts(d)
	tm.delays, tm.fire = nil, nil
	d.Type("当事人")
	if len(tm.delays) != 1 || tm.delays[0] > time.Second {
		t.Fatalf("autosave timers %v: want one under a second", tm.delays)
	}
	d.Send(screen.Result{To: screen.Wizard, Msg: tm.fire[0](tuitest.Now)})
	if dr, _ := st.Draft("wangwu"); dr == nil || !strings.Contains(string(dr.State), "当事人") {
		t.Fatalf("not saved after the pause: %+v", dr)
	}

	// Typing on without a pause: a timer that finds newer edits waits for
	// the pause, unless many edits went unsaved.
	tm.delays, tm.fire = nil, nil
	d.Type("在")
	d.Type("人")
	d.Send(screen.Result{To: screen.Wizard, Msg: tm.fire[0](tuitest.Now)})
	if dr, _ := st.Draft("wangwu"); dr == nil || strings.Contains(string(dr.State), "当事人在") {
		t.Fatalf("saved while typing went on after two edits: %s", dr.State)
	}
	for _, r := range "行道上摆摊销售蔬菜占用人行道约二平方米" {
		d.Type(string(r))
	}
	d.Send(screen.Result{To: screen.Wizard, Msg: tm.fire[1](tuitest.Now)})
	if dr, _ := st.Draft("wangwu"); dr == nil || !strings.Contains(string(dr.State), "当事人在人行道上摆摊销售蔬菜") {
		t.Fatalf("twenty edits without a pause were not saved: %s", dr.State)
	}
}

// Step 9 does not call a case without evidence complete, and shows the 轻微
// answer.
func TestReviewSummaryChecksEvidenceAndMinor(t *testing.T) {
	_, d := tuitest.OfficerSignedIn(t)
	tuitest.ToReview(d) // no evidence attached on the way
	if strings.Contains(d.View(), "各项已填写完整") {
		t.Fatalf("complete with no evidence:\n%s", d.View())
	}
	d.Contains("尚未添加证据")
	d.Contains("行为轻微：是")
}

// Party search by pinyin does not offer to register the pinyin as a name.
func TestPartySearchPinyinIsNoNewName(t *testing.T) {
	_, d := tuitest.OfficerSignedIn(t)
	tuitest.ToParty(d)
	d.Type("zxm")
	if strings.Contains(d.View(), "新登记公民：zxm") {
		t.Fatalf("offers to register the pinyin:\n%s", d.View())
	}
	d.Press("enter") // the first row: register a person
	if got := wizard.PartyField(d, "party.name"); got != "" {
		t.Fatalf("name prefilled with %q", got)
	}
}
