package procedure_test

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/cases/docs"
	"fieldcase/cases/store"
	"fieldcase/cases/store/procfix"
	"fieldcase/tui"
	"fieldcase/tui/procedure"
	"fieldcase/tui/screen"
	"fieldcase/tui/tuitest"
)

// headZhou closes cases (结案 is the head's).
var headZhou = cases.User{ID: "zhoumin", Name: "周敏", Cert: "渝城执50010031", Role: cases.RoleHead}

// clock is a store clock the test moves between the steps.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// stage is how far a case has gone.
type stage int

const (
	filed      stage = iota // submitted, no notice
	noticed                 // notice served, statement period open
	hearing                 // a 6,000-yuan fine: notice served, hearing requested
	served                  // decided, decision served, payment period open
	overdue                 // decided, served, payment overdue
	closedCase              // paid and closed
)

// month is the month the seeded cases happen in (2026-11 unless a test
// moves it).
var month = time.Date(2026, 11, 1, 0, 0, 0, 0, cases.ChinaTime())

func at(day, hour int) time.Time {
	return month.AddDate(0, 0, day-1).Add(time.Duration(hour) * time.Hour)
}

// seed records one case on a store of its own, taken to st, and leaves the
// clock at the moment the screen is looked at.
func seed(t *testing.T, s stage) (*store.Store, *clock, string) {
	t.Helper()
	clk := &clock{t: at(2, 9)}
	st, err := store.Open(t.TempDir(), store.Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tuitest.AddUsers(t, st, tuitest.OfficerWang, tuitest.OfficerZhao, tuitest.ReviewerLi, headZhou)
	book, err := st.Rules()
	if err != nil {
		t.Fatal(err)
	}
	fine := 500.0
	f := tuitest.Case{Violation: "CG01", Party: cases.Party{Kind: cases.PartyPerson, Name: "张三", IDNumber: "11010519491231002X", Address: "重庆市南岸区南坪正街8号"},
		Place: "南岸区南坪正街12号", Facts: "在人行道摆摊销售水果，经劝阻拒不离开", Occurred: at(2, 8), Harm: cases.HarmMinor}
	if s == hearing {
		fine = 6000
		f.Violation, f.Facts = "CG23", "运输渣土未密闭，沿途撒漏"
		f.Party = cases.Party{Kind: cases.PartyPerson, Name: "李四", IDNumber: tuitest.ResidentID(t, "50010819920708332"), Address: "重庆市南岸区四公里1号"}
	}
	content := f.Content(tuitest.OfficerWang, tuitest.OfficerZhao)
	content.Circumstances.ProposedFine = &fine
	got, err := st.AddCases(tuitest.OfficerWang.Actor(), book, []store.NewCase{{Content: content}}, false)
	if err != nil {
		t.Fatal(err)
	}
	id := got[0].ID
	officer := tuitest.OfficerWang.Actor()
	must := func(_ cases.Case, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	clk.t = at(3, 10)
	switch s {
	case filed:
		return st, clk, id
	case noticed:
		must(st.RecordNotice(officer, id, cases.Notice{Kind: cases.NoticePrior, ServedAt: at(3, 9), Method: "direct"}))
		clk.t = at(4, 15)
		return st, clk, id
	case hearing:
		must(st.RecordNotice(officer, id, cases.Notice{Kind: cases.NoticePrior, ServedAt: at(3, 9), Method: "post"}))
		clk.t = at(5, 11)
		must(st.RecordHearing(officer, id, cases.HearingStep{Stage: cases.HearingRequested, At: at(5, 10)}))
		return st, clk, id
	}
	procfix.Notified(t, st, officer, id, at(3, 9))
	clk.t = at(4, 10)
	issue := func(kind string) {
		t.Helper()
		if _, err := st.ReserveNumbers(kind, 1, 100); err != nil {
			t.Fatal(err)
		}
		events, err := st.Events(id)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := st.IssueDocument(officer, id, kind, func(c cases.Case, seq uint64, when time.Time) (cases.IssuedDocument, error) {
			return docs.Prepare(kind, docs.Input{Case: c, Events: events, Rules: book.InForce(c.Content.OccurredAt), Agency: agency.Default(), Now: when}, seq, when)
		}); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
	}
	issue(agency.KindInspection)
	must(st.Approve(tuitest.ReviewerLi.Actor(), id, "同意"))
	if c, _ := st.Get(id); !cases.Decided(c.Status) {
		must(st.Approve(headZhou.Actor(), id, "同意"))
	}
	clk.t = at(4, 11)
	issue(agency.KindDecision)
	clk.t = at(5, 10)
	must(st.RecordService(officer, id, cases.Service{Doc: "decision", ServedAt: at(5, 9), Method: "direct", Note: "当事人签收"}))
	switch s {
	case served:
		clk.t = at(10, 10)
	case overdue:
		clk.t = at(25, 10)
	case closedCase:
		clk.t = at(12, 10)
		must(st.RecordPayment(officer, id, cases.Payment{Amount: fine, PaidAt: at(12, 9), Receipt: "工行转账00001234"}))
		clk.t = at(13, 10)
		must(st.CloseCase(headZhou.Actor(), id, "executed", "罚款已缴清，同意结案归档。"))
		clk.t = at(14, 10)
	}
	return st, clk, id
}

// open signs in as, finds the case in the list and opens its procedure
// with F12 from the detail.
func open(t *testing.T, st *store.Store, clk *clock, as, id string) *tuitest.Driver {
	t.Helper()
	d := tuitest.NewWith(t, tui.Options{Store: st, As: as, Clock: clk.now})
	d.SignIn()
	d.Press("f3", "enter")
	if got, _ := d.Screen(screen.Detail).Subject(); d.Active() != screen.Detail || got != id {
		t.Fatalf("not on the case:\n%s", d.View())
	}
	d.Contains("F12 办案程序")
	d.Send(tea.KeyMsg{Type: tea.KeyF12})
	if d.Active() != procedure.ID {
		t.Fatalf("F12 did not open the procedure:\n%s", d.View())
	}
	return d
}

// golden compares the screen at 80×24 and 100×30.
func golden(t *testing.T, d *tuitest.Driver) {
	t.Helper()
	for _, size := range [][2]int{{80, 24}, {100, 30}} {
		t.Run(tuitest.SizeName(size), func(t *testing.T) {
			d.T = t
			d.Resize(size[0], size[1])
			tuitest.CheckFits(t, d.View(), size[0], size[1])
			d.Golden()
		})
	}
}

// TestTimeline shows the timeline of a case at each stage.
func TestTimeline(t *testing.T) {
	for _, tc := range []struct {
		name  string
		stage stage
		as    string
		want  []string
	}{
		// Art. 45, 62: the statement period runs from service, in working days.
		{"statement_open", noticed, "wangwu", []string{"下一步：陈述申辩", "期限 2026-11-06", "[v] 事先告知", "拟罚款 500 元"}},
		// Art. 63–64: a hearing requested waits for its notice.
		{"hearing_requested", hearing, "wangwu", []string{"当事人已要求听证", "[v] 事先告知"}},
		// Art. 67, 72: fifteen days after service, then the late fee.
		{"payment_overdue", overdue, "wangwu", []string{"[v] 送达决定书", "加处罚款", "已过5天", "催告"}},
		{"closed", closedCase, "wangwu", []string{"程序已完结", "[v] 结案", "处罚决定已执行完毕"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, clk, id := seed(t, tc.stage)
			d := open(t, st, clk, tc.as, id)
			for _, w := range tc.want {
				d.Contains(w)
			}
			golden(t, d)
		})
	}
}

// TestCalendarWarning: a period that runs into a year the holiday calendar
// does not cover is counted Monday to Friday and says so (Art. 85).
func TestCalendarWarning(t *testing.T) {
	month = time.Date(2027, 12, 28, 0, 0, 0, 0, cases.ChinaTime())
	t.Cleanup(func() { month = time.Date(2026, 11, 1, 0, 0, 0, 0, cases.ChinaTime()) })
	st, clk, id := seed(t, noticed)
	d := open(t, st, clk, "wangwu", id)
	d.Contains("[>] 陈述申辩")
	d.Contains("2028")
	d.Contains("! ")
	if !strings.Contains(d.View(), "节假日") {
		t.Fatalf("no calendar warning:\n%s", d.View())
	}
}

// TestRecordNoticeAndWaiver records the prior notice and the party's
// waiver of statement and defence through the screen (Art. 44, 62).
func TestRecordNoticeAndWaiver(t *testing.T) {
	st, clk, id := seed(t, filed)
	d := open(t, st, clk, "wangwu", id)
	d.Contains("[>] 事先告知")
	d.Press("tab")
	tuitest.CheckHelpKeysUnique(t, d)
	acts := procedure.Acts(d)
	if len(acts) == 0 || acts[0].Code != "notice" || acts[0].Refused != "" {
		t.Fatalf("the notice is not the first act offered: %+v", acts)
	}
	// A time that does not exist is refused with a clear message.
	d.Press("enter")
	d.Contains("记录：送达事先告知书")
	d.Contains("告知内容")
	d.Press("ctrl+u")
	d.Type("2026-11-31 09:00")
	d.Press("f9")
	d.Contains("没有这个日期或时间")
	d.Press("ctrl+u")
	d.Type("2026-11-03 09:30")
	d.Press("tab", "right") // the method: left at the party's address
	tuitest.CheckHelpKeysUnique(t, d)
	d.Press("f9")
	tuitest.CheckHelpKeysUnique(t, d)
	d.Contains("将记录：事先告知书于 2026-11-03 09:30 留置送达")
	d.Contains("不能撤销")
	if c, _ := st.Get(id); hasNotice(c) {
		t.Fatal("recorded before confirmation")
	}
	d.Press("enter")
	d.Contains("已记录")
	c, err := st.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	n, ok := c.PriorNotice()
	if !ok || n.Method != "left" || !n.ServedAt.Equal(time.Date(2026, 11, 3, 9, 30, 0, 0, cases.ChinaTime())) {
		t.Fatalf("notice not recorded as typed: %+v", n)
	}
	d.Contains("[v] 事先告知")
	// The waiver: the statement act, mode 明确放弃.
	d.Press("tab")
	for i, a := range procedure.Acts(d) {
		if a.Code == "statement" {
			for range i - procedure.Cursor(d) {
				d.Press("down")
			}
		}
	}
	d.Press("enter")
	d.Contains("记录：陈述申辩")
	d.Press("tab", "right") // 明确放弃
	d.Press("f9")
	d.Contains("当事人明确放弃陈述、申辩")
	d.Press("enter")
	c, err = st.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Proceedings.Statements) != 1 || !c.Proceedings.Statements[0].Waived {
		t.Fatalf("waiver not recorded: %+v", c.Proceedings.Statements)
	}
	if c.Proceedings.Statements[0].By.ID != "wangwu" {
		t.Fatalf("waiver recorded by %+v", c.Proceedings.Statements[0].By)
	}
	d.Contains("当事人明确放弃陈述、申辩")
}

// TestRefusedActs: an act the domain refuses is offered disabled, with the
// article and, where a date settles it, the first possible day; Enter
// opens no form.
func TestRefusedActs(t *testing.T) {
	t.Run("statement_before_notice", func(t *testing.T) {
		st, clk, id := seed(t, filed)
		d := open(t, st, clk, "wangwu", id)
		d.Press("tab")
		refused := refusedOf(t, d, "statement")
		if !strings.Contains(refused, "尚未送达行政处罚事先告知书") || !strings.Contains(refused, "第四十四条") {
			t.Fatalf("statement refused as %q", refused)
		}
		d.Press("down", "enter")
		if strings.Contains(d.View(), "记录：陈述申辩") {
			t.Fatal("a refused act opened its form")
		}
		d.Contains("不能办理：")
		d.Contains("第四十四")
	})
	// 行政强制法 Art. 54: no reminder before the payment period ends.
	t.Run("reminder_before_due", func(t *testing.T) {
		st, clk, id := seed(t, served)
		d := open(t, st, clk, "wangwu", id)
		d.Press("tab")
		refused := refusedOf(t, d, "reminder")
		if !strings.Contains(refused, "行政强制法第五十四条") || !strings.Contains(refused, "最早可于 2026-11-21") {
			t.Fatalf("reminder refused as %q", refused)
		}
	})
	// Closing is the head's.
	t.Run("closing_by_officer", func(t *testing.T) {
		st, clk, id := seed(t, closedCase)
		_ = st
		d := open(t, st, clk, "wangwu", id)
		d.Press("tab")
		if refused := refusedOf(t, d, "closing"); refused == "" {
			t.Fatal("an officer may record a closing")
		}
	})
}

func refusedOf(t *testing.T, d *tuitest.Driver, code string) string {
	t.Helper()
	for _, a := range procedure.Acts(d) {
		if a.Code == code {
			return a.Refused
		}
	}
	t.Fatalf("act %s not offered: %+v", code, procedure.Acts(d))
	return ""
}

func hasNotice(c cases.Case) bool {
	_, ok := c.PriorNotice()
	return ok
}

// TestEntries: the queue's selected case and the case under review open
// their procedure too, and Esc goes back where the officer came from.
func TestEntries(t *testing.T) {
	st, clk, id := seed(t, filed)
	d := tuitest.NewWith(t, tui.Options{Store: st, As: "lihua", Clock: clk.now})
	d.SignIn()
	if d.Active() != screen.Queue {
		d.Press("f4")
	}
	if d.Active() != screen.Queue {
		t.Fatalf("not on the queue:\n%s", d.View())
	}
	d.Press("ctrl+o")
	if got, _ := d.Screen(procedure.ID).Subject(); d.Active() != procedure.ID || got != id {
		t.Fatalf("Ctrl+O on the queue did not open the case's procedure:\n%s", d.View())
	}
	d.Press("esc")
	if d.Active() != screen.Queue {
		t.Fatalf("Esc did not go back to the queue:\n%s", d.View())
	}
	d.Press("enter")
	if d.Active() != screen.Review {
		t.Fatalf("not on the review:\n%s", d.View())
	}
	d.Press("ctrl+o")
	if d.Active() != procedure.ID {
		t.Fatalf("Ctrl+O on the review did not open the procedure:\n%s", d.View())
	}
	d.Press("esc")
	if d.Active() != screen.Review {
		t.Fatalf("Esc did not go back to the review:\n%s", d.View())
	}
}

// TestScheduleHearing: the hearing form offers only hosts who did not
// investigate the case and proposes the first day a notice served now
// allows (Art. 64(二)(四), 85); recorded as offered, it passes the domain.
func TestScheduleHearing(t *testing.T) {
	st, clk, id := seed(t, hearing)
	d := open(t, st, clk, "wangwu", id)
	d.Press("tab")
	for i, a := range procedure.Acts(d) {
		if a.Code == "hearing_scheduled" {
			for range i {
				d.Press("down")
			}
		}
	}
	d.Press("enter")
	d.Contains("记录：安排听证")
	if v := d.View(); strings.Contains(v, "王五  ") || strings.Contains(v, "赵六") {
		t.Fatalf("an investigator is offered as host:\n%s", v)
	}
	d.Press("f9")
	d.Contains("将记录：听证定于 2026-11-16 09:00")
	d.Press("enter")
	c, err := st.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	h := c.Proceedings.Hearing
	if len(h) != 2 || h[1].Stage != cases.HearingScheduled || h[1].Host == nil || h[1].Host.ID != "lihua" {
		t.Fatalf("hearing not scheduled as offered: %+v", h)
	}
	d.Contains("定于 2026-11-16 09:00 举行")
}

// TestEnforcementQueue: the 待执行 tab lists decided cases with an open
// deadline (payment overdue: Art. 67, 72) and opens one's procedure.
func TestEnforcementQueue(t *testing.T) {
	st, clk, id := seed(t, overdue)
	d := open(t, st, clk, "wangwu", id)
	d.Press("tab", "tab")
	d.Contains("[待执行]")
	d.Contains("缴纳罚款逾期5天")
	golden(t, d)
	d.T = t
	d.Press("enter")
	d.Contains("[时间线]")
	if got, _ := d.Screen(procedure.ID).Subject(); got != id {
		t.Fatalf("opened %s, want %s", got, id)
	}
}

// TestRecordChallenge: once the decision is served, a 行政复议 is recorded
// from the screen (行政处罚法 Art. 73: it does not stop enforcement), and
// before any filing its outcome is refused.
func TestRecordChallenge(t *testing.T) {
	st, clk, id := seed(t, served)
	d := open(t, st, clk, "wangwu", id)
	d.Press("tab")
	if refused := refusedOf(t, d, "challenge_decided"); !strings.Contains(refused, "没有待决") {
		t.Fatalf("an outcome before any filing is refused as %q", refused)
	}
	for i, a := range procedure.Acts(d) {
		if a.Code == "challenge_filed" {
			if a.Refused != "" {
				t.Fatalf("filing refused after service: %s", a.Refused)
			}
			for range i - procedure.Cursor(d) {
				d.Press("down")
			}
		}
	}
	d.Press("enter")
	d.Contains("记录：当事人申请行政复议或提起行政诉讼")
	d.Press("tab", "tab")
	d.Type("重庆市南岸区人民政府")
	d.Press("f9")
	d.Contains("行政复议，重庆市南岸区人民政府")
	d.Press("enter")
	c, err := st.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Proceedings.Challenges) != 1 || c.Proceedings.Challenges[0].Kind != cases.ChallengeReconsideration ||
		c.Proceedings.Challenges[0].Body != "重庆市南岸区人民政府" || !c.Proceedings.Challenges[0].Open() {
		t.Fatalf("challenge not recorded as typed: %+v", c.Proceedings.Challenges)
	}
}
