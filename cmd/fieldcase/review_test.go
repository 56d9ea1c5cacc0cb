package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"fieldcase/cases"
)

// reviewDevice is a laptop with the whole chain registered.
func reviewDevice(t *testing.T) string {
	t.Helper()
	dir := initDevice(t) // wangwu, officer
	for _, u := range [][]string{
		{"lihua", "李华", "50010011", "supervisor"},
		{"chenjing", "陈静", "50010021", "legal"},
		{"zhoumin", "周敏", "50010031", "head"},
		{"zhaoliu", "赵六", "50010002", "supervisor"}, // the example case's second officer, now a supervisor
	} {
		if code, _, errOut := runCLI(t, "", "init", "--data", dir, "--as", "wangwu", "--officer-id", u[0], "--name", u[1], "--cert", u[2], "--role", u[3]); code != 0 {
			t.Fatalf("init %s: %s", u[0], errOut)
		}
	}
	return dir
}

func addCase(t *testing.T, dir, js string) string {
	t.Helper()
	code, out, errOut := runCLI(t, js, "case", "add", "--json", "-", "--data", dir, "--as", "wangwu")
	if code != 0 {
		t.Fatalf("case add: %s", errOut)
	}
	return strings.TrimSpace(out)
}

func caseEvents(t *testing.T, dir, id string) int {
	t.Helper()
	code, out, errOut := runCLI(t, "", "case", "log", id, "--json", "--data", dir, "--as", "wangwu")
	if code != 0 {
		t.Fatalf("case log: %s", errOut)
	}
	var evs []cases.Event
	if err := json.Unmarshal([]byte(out), &evs); err != nil {
		t.Fatal(err)
	}
	return len(evs)
}

func showCase(t *testing.T, dir, id string) cases.Case {
	t.Helper()
	code, out, _ := runCLI(t, "", "case", "show", id, "--json", "--data", dir, "--as", "wangwu")
	if code != 0 {
		t.Fatal("case show failed")
	}
	var c cases.Case
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// refused runs a command that must be refused: exit 2, the reason on
// stderr, and nothing added to the case's log.
func refused(t *testing.T, dir, id, says string, args ...string) {
	t.Helper()
	before := caseEvents(t, dir, id)
	code, out, errOut := runCLI(t, "", append(args, "--data", dir)...)
	if code != exitInvalid {
		t.Fatalf("%v: exit %d, want 2; stdout %q stderr %q", args, code, out, errOut)
	}
	if !strings.Contains(errOut, says) {
		t.Fatalf("%v: stderr %q does not say %q", args, errOut, says)
	}
	if after := caseEvents(t, dir, id); after != before {
		t.Fatalf("%v: a refused act recorded %d events", args, after-before)
	}
}

// withAs reads as the officer when the command names nobody: on a device
// with several users, reading needs someone signed in too.
func withAs(args []string) []string {
	for _, a := range args {
		if a == "--as" {
			return args
		}
	}
	return append(args, "--as", "wangwu")
}

func ok(t *testing.T, dir string, args ...string) string {
	t.Helper()
	code, out, errOut := runCLI(t, "", withAs(append(args, "--data", dir))...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errOut)
	}
	return out
}

func TestReviewReturnResubmitApprove(t *testing.T) {
	dir := reviewDevice(t)
	id := addCase(t, dir, exampleCase)

	var q []queueRow
	if err := json.Unmarshal([]byte(ok(t, dir, "review", "list", "--json", "--as", "lihua")), &q); err != nil {
		t.Fatal(err)
	}
	if len(q) != 1 || q[0].CaseID != id || q[0].StatusLabel != "待审核" || strings.Join(actNames(q[0].Acts), ",") != "approve,return,send_legal" {
		t.Fatalf("supervisor's queue: %+v", q)
	}
	refused(t, dir, id, "只有审核人", "review", "approve", id, "--comment", "自己批", "--as", "wangwu")
	refused(t, dir, id, "回避", "review", "approve", id, "--as", "zhaoliu")
	refused(t, dir, id, "只有审核人", "review", "return", id, "--comment", "x", "--as", "zhoumin")
	refused(t, dir, id, "退回意见", "review", "return", id, "--as", "lihua")
	refused(t, dir, id, "不能法制审核通过", "review", "legal", id, "--pass", "--as", "lihua")

	out := ok(t, dir, "review", "return", id, "--comment", "请补充当事人陈述", "--as", "lihua")
	if !strings.Contains(out, "退回补正") {
		t.Fatalf("return: %q", out)
	}
	if out := ok(t, dir, "review", "list", "--as", "wangwu"); !strings.Contains(out, id) {
		t.Fatalf("the officer's queue lacks the returned case: %s", out)
	}
	ok(t, dir, "case", "submit", id, "--as", "wangwu")
	log := ok(t, dir, "case", "log", id)
	for _, want := range []string{"退回意见：请补充当事人陈述", "第2次提交", "自退回以来未作修改"} {
		if !strings.Contains(log, want) {
			t.Fatalf("log lacks %q:\n%s", want, log)
		}
	}
	if out := ok(t, dir, "review", "approve", id, "--comment", "同意", "--as", "lihua"); !strings.Contains(out, "待审批") {
		t.Fatalf("three levels: the supervisor's approval should go to the head: %q", out)
	}
	refused(t, dir, id, "只有负责人", "review", "approve", id, "--as", "lihua")
	if out := ok(t, dir, "review", "approve", id, "--comment", "同意承办意见", "--as", "zhoumin"); !strings.Contains(out, "已批准") {
		t.Fatalf("head's approval: %q", out)
	}
	refused(t, dir, id, "已批准", "review", "return", id, "--comment", "再看看", "--as", "zhoumin")
	log = ok(t, dir, "case", "log", id)
	for _, want := range []string{"李华（审核人", "审核同意", "周敏（负责人", "批准"} {
		if !strings.Contains(log, want) {
			t.Fatalf("log lacks %q:\n%s", want, log)
		}
	}
}

func actNames(acts []cases.Act) []string {
	out := make([]string, len(acts))
	for i, a := range acts {
		out[i] = string(a)
	}
	return out
}

const majorCase = `{"violation":"CG23","party":{"kind":"person","name":"刘德明","id_number":"11010519491231002X","address":"重庆市南岸区南坪正街1号"},
 "place":"南岸区江南大道8号","occurred_at":"2026-11-20T10:30:00+08:00","facts":"渣土运输车未密闭运输，沿途散落约200米",
 "officers":[{"name":"王五","cert":"50010001"},{"name":"赵六","cert":"50010002"}],
 "harm":"serious","proposed_fine":6000}`

func TestReviewLegalDiscussDecide(t *testing.T) {
	dir := reviewDevice(t)
	id := addCase(t, dir, majorCase)
	refused(t, dir, id, "第五十八条", "review", "approve", id, "--as", "lihua")
	ok(t, dir, "review", "send-legal", id, "--comment", "罚款6000元，请审核", "--as", "lihua")

	refused(t, dir, id, "--pass 或 --fail", "review", "legal", id, "--as", "chenjing")
	refused(t, dir, id, "理由", "review", "legal", id, "--fail", "--as", "chenjing")
	refused(t, dir, id, "未知的审核要点", "review", "legal", id, "--fail", "--failed", "mood", "--comment", "x", "--as", "chenjing")
	refused(t, dir, id, "不能审核通过", "review", "legal", id, "--pass", "--failed", "documents", "--as", "chenjing")
	ok(t, dir, "review", "legal", id, "--pass", "--comment", "事实清楚，程序合法", "--as", "chenjing")

	refused(t, dir, id, "集体讨论", "review", "approve", id, "--as", "zhoumin")
	refused(t, dir, id, "第五十七条", "review", "decide", id, "--ruling", "penalty", "--fine", "5000", "--comment", "x", "--as", "zhoumin")
	today := time.Now().In(cases.ChinaTime()).Format("2006-01-02")
	refused(t, dir, id, "只有负责人", "review", "discuss", id, "--date", today, "--participants", "周敏,吴九", "--conclusion", "同意", "--as", "lihua")
	refused(t, dir, id, "至少", "review", "discuss", id, "--date", today, "--participants", "周敏", "--conclusion", "同意", "--as", "zhoumin")
	ok(t, dir, "review", "discuss", id, "--date", today, "--participants", "周敏、吴九、郑十", "--conclusion", "同意罚款5000元", "--as", "zhoumin")
	refused(t, dir, id, "法定上限", "review", "decide", id, "--ruling", "penalty", "--fine", "50000", "--comment", "x", "--as", "zhoumin")
	// The reported defects: a decision with no notice served (Art. 44, 62)…
	refused(t, dir, id, "第四十四条", "review", "decide", id, "--ruling", "penalty", "--fine", "5000", "--comment", "x", "--as", "zhoumin")
	// … a service time before the notice existed or in the future (Art. 47)…
	future := time.Now().Add(48 * time.Hour).In(cases.ChinaTime()).Format("2006-01-02 15:04")
	refused(t, dir, id, "不能晚于现在", "review", "notice", id, "--kind", "prior_notice", "--served", future, "--as", "wangwu")
	refused(t, dir, id, "送达方式", "review", "notice", id, "--kind", "prior_notice", "--served", today, "--method", "pigeon", "--as", "wangwu")
	served := time.Now().Add(-time.Minute).In(cases.ChinaTime()).Format("2006-01-02 15:04")
	ok(t, dir, "review", "notice", id, "--kind", "prior_notice", "--served", served, "--method", "direct", "--as", "wangwu")
	// … the decision the same day as the service (Art. 62) and inside the
	// hearing window of a 6,000-yuan fine (Art. 64): refused with the date.
	refused(t, dir, id, "最早可于", "review", "decide", id, "--ruling", "penalty", "--fine", "5000", "--comment", "x", "--as", "zhoumin")
	refused(t, dir, id, "--summary", "review", "statement", id, "--at", served, "--as", "wangwu")
	ok(t, dir, "review", "statement", id, "--at", served, "--waived", "--as", "wangwu")
	refused(t, dir, id, "第六十四条", "review", "decide", id, "--ruling", "penalty", "--fine", "5000", "--comment", "x", "--as", "zhoumin")
	ok(t, dir, "review", "hearing", id, "--waived", served, "--note", "当事人书面表示放弃听证", "--as", "wangwu")
	// Heavier than notified (6,000 → 8,000): a new notice is needed (Art. 45 ¶2).
	refused(t, dir, id, "第四十五条第二款", "review", "decide", id, "--ruling", "penalty", "--fine", "8000", "--comment", "x", "--as", "zhoumin")
	out := ok(t, dir, "review", "decide", id, "--ruling", "penalty", "--fine", "5000", "--comment", "经集体讨论，从轻罚款", "--as", "zhoumin")
	if !strings.Contains(out, "已批准") {
		t.Fatalf("decide: %q", out)
	}
	c := showCase(t, dir, id)
	if c.Review.Decision == nil || *c.Review.Decision.Fine != 5000 || c.Review.Discussion == nil || len(c.Review.Discussion.Participants) != 3 {
		t.Fatalf("decided case: %+v", c.Review)
	}
	log := ok(t, dir, "case", "log", id)
	for _, want := range []string{"送法制审核", "法制审核通过", "审核意见：事实清楚，程序合法", "参加人员：周敏、吴九、郑十", "决定：给予行政处罚，罚款 5000 元"} {
		if !strings.Contains(log, want) {
			t.Fatalf("log lacks %q:\n%s", want, log)
		}
	}
	if code, out, _ := runCLI(t, "", "case", "verify", "--data", dir, "--as", "wangwu"); code != 0 {
		t.Fatalf("verify: %s", out)
	}
	afterDecision(t, dir, id)
}

// afterDecision walks a decided 5,000-yuan case through service (Art. 61),
// payment (Art. 67) and closing.
func afterDecision(t *testing.T, dir, id string) {
	t.Helper()
	now := func(d time.Duration) string {
		return time.Now().Add(d).In(cases.ChinaTime()).Format("2006-01-02 15:04")
	}
	refused(t, dir, id, "尚未出具", "review", "serve", id, "--doc", "decision", "--served", now(0), "--method", "direct", "--as", "wangwu")
	for _, k := range []string{"inspection", "decision"} {
		if code, _, errOut := runCLI(t, "", "doc", "numbers", "--reserve", "1-100", "--kind", k, "--data", dir, "--as", "wangwu"); code != 0 {
			t.Fatalf("numbers: %s", errOut)
		}
	}
	if code, out, errOut := runCLI(t, "", "doc", id, "--kind", "inspection", "--format", "text", "--data", dir, "--as", "wangwu"); code != 0 {
		t.Fatalf("inspection record: %d %s %s", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, "", "doc", id, "--kind", "decision", "--format", "text", "--data", dir, "--as", "wangwu"); code != 0 {
		t.Fatalf("decision document: %d %s %s", code, out, errOut)
	}
	refused(t, dir, id, "送达方式", "review", "serve", id, "--doc", "decision", "--served", now(0), "--method", "carrier-pigeon", "--as", "wangwu")
	refused(t, dir, id, "早于", "review", "serve", id, "--doc", "decision", "--served", now(-72*time.Hour), "--method", "direct", "--as", "wangwu")
	refused(t, dir, id, "早于作出决定", "review", "pay", id, "--amount", "5000", "--paid", now(-72*time.Hour), "--as", "zhaoliu")
	ok(t, dir, "review", "serve", id, "--doc", "decision", "--served", now(0), "--method", "direct", "--note", "当事人签收", "--as", "wangwu")
	refused(t, dir, id, "超过应缴数额", "review", "pay", id, "--amount", "6000", "--paid", now(0), "--as", "wangwu")
	// The party applies for 行政复议: recorded, shown, counted; the
	// payment deadline stays (行政处罚法第七十三条).
	today := now(0)[:10]
	refused(t, dir, id, "二者选一", "review", "challenge", id, "--kind", "reconsideration", "--filed", today, "--outcome", "upheld", "--as", "wangwu")
	refused(t, dir, id, "没有待决", "review", "challenge", id, "--kind", "reconsideration", "--outcome", "upheld", "--decided", today, "--as", "wangwu")
	refused(t, dir, id, "复议机关", "review", "challenge", id, "--kind", "reconsideration", "--filed", today, "--body", " ", "--as", "wangwu")
	ok(t, dir, "review", "challenge", id, "--kind", "reconsideration", "--filed", today, "--body", "南岸区人民政府", "--as", "wangwu")
	refused(t, dir, id, "待决", "review", "challenge", id, "--kind", "reconsideration", "--filed", today, "--body", "南岸区人民政府", "--as", "wangwu")
	var fig struct {
		Reconsiderations int64 `json:"reconsiderations"`
		InChallenge      int64 `json:"in_challenge"`
	}
	if err := json.Unmarshal([]byte(ok(t, dir, "report", "--from", "2000-01-01", "--to", "2099-12-31", "--json", "--as", "wangwu")), &fig); err != nil || fig.Reconsiderations != 1 || fig.InChallenge != 1 {
		t.Errorf("report while in review: %+v %v", fig, err)
	}
	if tl := ok(t, dir, "case", "timeline", id); !strings.Contains(tl, "南岸区人民政府") || !strings.Contains(tl, "不停止执行") {
		t.Errorf("timeline lacks the 复议:\n%s", tl)
	}
	ok(t, dir, "review", "challenge", id, "--kind", "reconsideration", "--outcome", "upheld", "--decided", today, "--as", "wangwu")
	if err := json.Unmarshal([]byte(ok(t, dir, "report", "--from", "2000-01-01", "--to", "2099-12-31", "--json", "--as", "wangwu")), &fig); err != nil || fig.Reconsiderations != 1 || fig.InChallenge != 0 {
		t.Errorf("report after the outcome: %+v %v", fig, err)
	}
	// The enforcement queue flags the payment period (Art. 67).
	var rows []queueRow
	if err := json.Unmarshal([]byte(ok(t, dir, "review", "list", "--decided", "--json", "--as", "zhoumin")), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].CaseID != id || len(rows[0].Deadlines) == 0 || rows[0].Deadlines[0].Code != cases.DeadlinePayment {
		t.Fatalf("review list --decided: %+v", rows)
	}
	refused(t, dir, id, "未缴清", "review", "close", id, "--reason", "executed", "--comment", "执行完毕", "--as", "zhoumin")
	ok(t, dir, "review", "pay", id, "--amount", "5000", "--paid", now(0), "--receipt", "工行转账20261206001", "--as", "wangwu")
	refused(t, dir, id, "只有负责人", "review", "close", id, "--reason", "executed", "--comment", "执行完毕", "--as", "wangwu")
	refused(t, dir, id, "结案事由", "review", "close", id, "--reason", "bored", "--comment", "x", "--as", "zhoumin")
	ok(t, dir, "review", "close", id, "--reason", "executed", "--comment", "罚款已缴清，同意结案", "--as", "zhoumin")
	var tl cases.Timeline
	if err := json.Unmarshal([]byte(ok(t, dir, "case", "timeline", id, "--json")), &tl); err != nil {
		t.Fatal(err)
	}
	done := map[string]bool{}
	for _, s := range tl.Steps {
		done[s.Code] = s.State == cases.StepDone
	}
	for _, code := range []string{"filing", "notice", "statement", "hearing", "legal_review", "discussion", "decision", "service", "payment", "closing"} {
		if !done[code] {
			t.Errorf("timeline step %s not done: %+v", code, tl.Steps)
		}
	}
	if tl.Next != nil || tl.Status != cases.StatusClosed {
		t.Errorf("closed case still has a next step: %+v", tl.Next)
	}
	log := ok(t, dir, "case", "log", id)
	for _, want := range []string{"当事人明确放弃陈述、申辩", "当事人放弃听证", "行政处罚决定书，直接送达", "缴纳 5000 元", "当事人申请行政复议，南岸区人民政府", "行政复议结果：维持（驳回）", "结案事由：处罚决定已执行完毕"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

// TestReviewHearingArt64: the hearing's steps through the CLI.
func TestReviewHearingArt64(t *testing.T) {
	dir := reviewDevice(t)
	id := addCase(t, dir, majorCase)
	served := time.Now().Add(-time.Minute).In(cases.ChinaTime())
	at := func(t time.Time) string { return t.Format("2006-01-02 15:04") }
	refused(t, dir, id, "第四十四条", "review", "hearing", id, "--requested", at(served), "--as", "wangwu")
	ok(t, dir, "review", "notice", id, "--kind", "prior_notice", "--served", at(served), "--as", "wangwu")
	refused(t, dir, id, "第六十四条第（一）项", "review", "hearing", id, "--scheduled", at(served.AddDate(0, 0, 20)), "--host", "lihua", "--notice-served", at(served), "--as", "wangwu")
	ok(t, dir, "review", "hearing", id, "--requested", at(served), "--as", "wangwu")
	// The host is an investigator of the case (Art. 64(四)).
	refused(t, dir, id, "第六十四条第（四）项", "review", "hearing", id, "--scheduled", at(served.AddDate(0, 0, 20)), "--host", "wangwu", "--notice-served", at(served), "--as", "wangwu")
	// Seven working days' notice (Art. 64(二), 85): two calendar days is never enough.
	refused(t, dir, id, "最早可定于", "review", "hearing", id, "--scheduled", at(served.AddDate(0, 0, 2)), "--host", "lihua", "--notice-served", at(served), "--as", "wangwu")
	refused(t, dir, id, "尚未安排听证", "case", "dossier", id, "--kind", "hearing_notice", "--as", "wangwu")
	ok(t, dir, "review", "hearing", id, "--scheduled", at(served.AddDate(0, 0, 20)), "--host", "lihua", "--notice-served", at(served), "--place", "本局三楼听证室", "--as", "wangwu")
	if out := ok(t, dir, "case", "dossier", id, "--kind", "hearing_notice", "--as", "wangwu"); !strings.Contains(out, "听证通知书") || !strings.Contains(out, "李华") {
		t.Errorf("hearing notice: %s", out)
	}
	refused(t, dir, id, "听证", "review", "hearing", id, "--held", at(served), "--as", "wangwu")
	var tl cases.Timeline
	if err := json.Unmarshal([]byte(ok(t, dir, "case", "timeline", id, "--json")), &tl); err != nil {
		t.Fatal(err)
	}
	var flagged bool
	for _, f := range tl.Flags {
		flagged = flagged || f.Code == cases.DeadlineHearingDay
	}
	if !flagged {
		t.Errorf("the hearing date is not flagged: %+v", tl.Flags)
	}
}

func TestReviewLegalFailureReturns(t *testing.T) {
	dir := reviewDevice(t)
	id := addCase(t, dir, majorCase)
	ok(t, dir, "review", "send-legal", id, "--as", "lihua")
	out := ok(t, dir, "review", "legal", id, "--fail", "--failed", "facts,procedure", "--comment", "散落距离无测量记录", "--as", "chenjing")
	if !strings.Contains(out, "退回补正") {
		t.Fatalf("legal failure: %q", out)
	}
	show := ok(t, dir, "review", "show", id, "--as", "wangwu")
	for _, want := range []string{"不通过", "事实清楚、证据合法充分", "散落距离无测量记录"} {
		if !strings.Contains(show, want) {
			t.Fatalf("review show lacks %q:\n%s", want, show)
		}
	}
}

func TestReviewNoticeAndSettings(t *testing.T) {
	dir := reviewDevice(t)
	id := addCase(t, dir, majorCase)
	// Served today, an hour ago or at midnight: served yesterday, the
	// hearing request's five working days would leave fewer calendar days.
	now := time.Now().In(cases.ChinaTime())
	y, m, d := now.Date()
	at := now.Add(-time.Hour)
	if midnight := time.Date(y, m, d, 0, 0, 0, 0, cases.ChinaTime()); at.Before(midnight) {
		at = midnight
	}
	served := at.Format("2006-01-02 15:04")
	refused(t, dir, id, "只有本案承办人", "review", "notice", id, "--kind", "prior_notice", "--served", served, "--as", "lihua")
	refused(t, dir, id, "改正期限", "review", "notice", id, "--kind", "correction_order", "--served", served, "--as", "wangwu")
	ok(t, dir, "review", "notice", id, "--kind", "prior_notice", "--served", served, "--note", "当场送达", "--as", "wangwu")
	var q []queueRow
	json.Unmarshal([]byte(ok(t, dir, "review", "list", "--json", "--as", "lihua")), &q)
	var hearing bool
	for _, d := range q[0].Deadlines {
		hearing = hearing || d.Code == cases.DeadlineHearing && d.Left >= 5
	}
	if !hearing {
		t.Fatalf("no hearing countdown: %+v", q[0].Deadlines)
	}

	refused(t, dir, id, "只有负责人", "review", "settings", "--chain", "two", "--as", "lihua")
	if code, _, errOut := runCLI(t, "", "review", "settings", "--chain", "four", "--as", "zhoumin", "--data", dir); code != 2 || !strings.Contains(errOut, "two") {
		t.Fatalf("bad chain: %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", "review", "settings", "--legal-triggers", "mood", "--as", "zhoumin", "--data", dir); code != 2 || !strings.Contains(errOut, "未知的触发条件") {
		t.Fatalf("bad trigger: %d %s", code, errOut)
	}
	ok(t, dir, "review", "settings", "--chain", "two", "--legal-triggers", "departure,uscc_override", "--stale-days", "14", "--as", "zhoumin")
	var p cases.ReviewPolicy
	if err := json.Unmarshal([]byte(ok(t, dir, "review", "settings", "--json")), &p); err != nil {
		t.Fatal(err)
	}
	if p.Chain != cases.ChainTwoLevel || len(p.LegalTriggers) != 2 || p.StaleIndexDays != 14 {
		t.Fatalf("settings: %+v", p)
	}
	// Two levels: the supervisor's approval decides an ordinary case.
	small := addCase(t, dir, strings.Replace(exampleCase, "张三", "李四", 1))
	if out := ok(t, dir, "review", "approve", small, "--as", "lihua"); !strings.Contains(out, "已批准") {
		t.Fatalf("two levels: %q", out)
	}
}

func TestReviewUsageErrors(t *testing.T) {
	dir := reviewDevice(t)
	for _, args := range [][]string{
		{"review"},
		{"review", "frobnicate"},
		{"review", "approve", "--as", "lihua"},
		{"review", "approve", "not-a-case", "--as", "lihua"},
		{"review", "approve", "0190d5d6-0000-7000-8000-000000000000", "--as", "lihua"},
		{"review", "approve", "0190d5d6-0000-7000-8000-000000000000", "--as", "nobody"},
		{"review", "decide", "0190d5d6-0000-7000-8000-000000000000", "--fine", "many", "--as", "zhoumin"},
		{"review", "list", "--limit", "0", "--as", "lihua"},
	} {
		code, _, errOut := runCLI(t, "", append(args, "--data", dir)...)
		if code != exitInvalid || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
	if code, out, _ := runCLI(t, "", "review", "list", "--as", "chenjing", "--data", dir); code != 0 || !strings.Contains(out, "没有等待法制审核员处理的案件") {
		t.Errorf("empty legal queue: %d %q", code, out)
	}
}

// TestPenaltyForAChildRefusedArt30: the engine finds a 13-year-old not
// punishable; the head may not record a penalty all the same (Art. 30).
func TestPenaltyForAChildRefusedArt30(t *testing.T) {
	dir := reviewDevice(t)
	id17 := "50010820130601123"
	check, err := cases.ResidentIDCheckChar(id17)
	if err != nil {
		t.Fatal(err)
	}
	child := strings.Replace(majorCase, "11010519491231002X", id17+string(check), 1)
	id := addCase(t, dir, child)
	ok(t, dir, "review", "approve", id, "--comment", "同意不予处罚", "--as", "lihua")
	refused(t, dir, id, "第三十条", "review", "decide", id, "--ruling", "penalty", "--fine", "5000", "--comment", "予以处罚", "--as", "zhoumin")
	ok(t, dir, "review", "decide", id, "--ruling", "no_penalty", "--comment", "不满十四周岁，不予处罚，责令监护人加以管教", "--as", "zhoumin")
}

// TestReductionNeedsLegalReviewArt30and58: a 16-year-old notified a fine
// inside the range; the head cuts it below the minimum (减轻, Art. 30).
// The rule set sends 减轻 to legal review (Art. 58): refused until it passed.
func TestReductionNeedsLegalReviewArt30and58(t *testing.T) {
	dir := reviewDevice(t)
	id17 := "50010820100601123"
	check, err := cases.ResidentIDCheckChar(id17)
	if err != nil {
		t.Fatal(err)
	}
	minor := strings.Replace(majorCase, "11010519491231002X", id17+string(check), 1)
	minor = strings.Replace(minor, `"harm":"serious","proposed_fine":6000`, `"harm":"minor","proposed_fine":2500`, 1)
	id := addCase(t, dir, minor)
	c := showCase(t, dir, id)
	if c.Suggestion == nil || !c.Suggestion.Decision.ReductionAllowed || c.Suggestion.Decision.StatutoryFine == nil || c.LegalRequired(cases.DefaultReviewPolicy()) {
		t.Fatalf("want a 16-year-old's case inside the range, 减轻 allowed, no legal review yet: %+v", c.Suggestion)
	}
	below := fmt.Sprint(float64(c.Suggestion.Decision.StatutoryFine.Min)/100 - 10)
	ok(t, dir, "review", "approve", id, "--as", "lihua")
	if showCase(t, dir, id).CollectiveRequired() {
		today := time.Now().In(cases.ChinaTime()).Format("2006-01-02")
		ok(t, dir, "review", "discuss", id, "--date", today, "--participants", "周敏、吴九", "--conclusion", "减轻", "--as", "zhoumin")
	}
	served := time.Now().Add(-time.Minute).In(cases.ChinaTime()).Format("2006-01-02 15:04")
	ok(t, dir, "review", "notice", id, "--kind", "prior_notice", "--served", served, "--as", "wangwu")
	ok(t, dir, "review", "statement", id, "--at", served, "--waived", "--as", "wangwu")
	refused(t, dir, id, "第五十八条", "review", "decide", id, "--ruling", "penalty", "--fine", below, "--comment", "减轻", "--as", "zhoumin")
	ok(t, dir, "review", "send-legal", id, "--comment", "拟减轻处罚", "--as", "zhoumin")
	ok(t, dir, "review", "legal", id, "--pass", "--comment", "已满十四周岁不满十八周岁，可以减轻", "--as", "chenjing")
	ok(t, dir, "review", "decide", id, "--ruling", "penalty", "--fine", below, "--comment", "依第三十条减轻", "--as", "zhoumin")
}
