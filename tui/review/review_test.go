package review_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/tui/review"
	"fieldcase/tui/screen"
	"fieldcase/tui/tuitest"
)

// The reviewer's screens: the queue and one case under review, driven
// through the root model as a supervisor, a legal reviewer and a head would
// use them, compared with goldens at 80×24.

var (
	legalChen = cases.User{ID: "chenjing", Name: "陈静", Cert: "渝城执50010021", Role: cases.RoleLegal}
	headZhou  = cases.User{ID: "zhoumin", Name: "周敏", Cert: "渝城执50010031", Role: cases.RoleHead}
)

// reviewSeed is the review fixture: the ids of its cases by role in the story.
type reviewSeed struct {
	minor, major, resubmitted, pending, inLegal, toDecide string
	evidenceDir                                           string
}

// seedReview records cases in every stage of the chain, through the
// store's workflow as the officers and reviewers would.
func seedReview(t testing.TB, st *store.Store) reviewSeed {
	t.Helper()
	tuitest.AddUsers(t, st, tuitest.OfficerWang, tuitest.OfficerZhao, tuitest.ReviewerLi, legalChen, headZhou)
	var s reviewSeed
	book, err := st.Rules()
	if err != nil {
		t.Fatal(err)
	}
	day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 15, 0, 0, cases.ChinaTime()) }
	officer, li, chen, zhou := tuitest.OfficerWang.Actor(), tuitest.ReviewerLi.Actor(), legalChen.Actor(), headZhou.Actor()
	add := func(f tuitest.Case, fine float64, evs ...cases.Evidence) cases.Case {
		c := f.Content(tuitest.OfficerWang, tuitest.OfficerZhao)
		if fine > 0 {
			c.Circumstances.ProposedFine = &fine
		}
		c.Evidence = evs
		got, err := st.AddCases(officer, book, []store.NewCase{{Content: c}}, false)
		if err != nil {
			t.Fatal(err)
		}
		return got[0]
	}
	must := func(c cases.Case, err error) cases.Case {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// Evidence: one file intact, one changed since it was recorded, one not on this machine.
	s.evidenceDir = t.TempDir()
	evidence := func(name, content, recorded string, kind string) cases.Evidence {
		p := filepath.Join(s.evidenceDir, name)
		if content != "" {
			if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		sum, size, err := cases.HashFile(p, nil)
		if err != nil {
			sum, size = strings.Repeat("ab", 32), 2048
		}
		if recorded != "" {
			sum = recorded
		}
		return cases.Evidence{Path: p, Kind: kind, SHA256: sum, Size: size, CapturedAt: day(19, 10)}
	}
	evs := []cases.Evidence{
		evidence("现场照片-01.jpg", "photo one", "", "audiovisual"),
		evidence("询问笔录.pdf", "record, altered", strings.Repeat("cd", 32), "statement"),
		evidence("执法记录仪.mp4", "", "", "audiovisual"),
	}

	s.minor = add(tuitest.Case{Violation: "CG01", Party: tuitest.Person(t, "张建国", "50010819800315123"), Place: "南岸区南坪正街 88 号门前",
		Facts: "在人行道摆摊销售水果，占用人行道约3平方米。", Occurred: day(18, 9), Corrected: true, Harm: cases.HarmMinor}, 0).ID
	s.major = add(tuitest.Case{Violation: "CG23", Party: tuitest.Person(t, "刘德明", "50010819790101123"), Place: "南岸区江南大道 8 号",
		Facts: "渣土运输车未密闭运输，沿途散落约200米。", Occurred: day(19, 9), Harm: cases.HarmSerious}, 6000, evs...).ID

	r := add(tuitest.Case{Violation: "CG08", Party: tuitest.Person(t, "李秀英", "50010319751201234"), Place: "渝中区解放碑步行街",
		Facts: "在电线杆上张贴小广告 12 张。", Occurred: day(17, 8), Harm: cases.HarmMinor}, 0)
	must(st.Return(li, r.ID, "请补充张贴位置的照片。"))
	edited := r.Content
	edited.Facts = "在电线杆上张贴小广告 12 张，已拍照取证（照片 3 张）。"
	must(st.SaveContent(officer, r.ID, edited))
	s.resubmitted = must(st.Submit(officer, r.ID, book)).ID

	p := add(tuitest.Case{Violation: "CG10", Party: tuitest.Person(t, "王志强", "50010519920808111"), Place: "江北区观音桥步行街",
		Facts: "遛狗时宠物粪便未立即清除。", Occurred: day(16, 9), Corrected: true, Minor: true, Harm: cases.HarmNone}, 0)
	s.pending = must(st.Approve(li, p.ID, "事实清楚，同意。")).ID

	l := add(tuitest.Case{Violation: "CG23", Party: cases.Party{Kind: cases.PartyOrg, Name: "重庆渝南建筑工程有限公司", USCC: tuitest.USCC(t, "91500108MA5U4B8X"), LegalRep: "陈刚"},
		Place: "南岸区学府大道 66 号", Facts: "渣土车未密闭运输。", Occurred: day(15, 9), Harm: cases.HarmSerious}, 60000)
	s.inLegal = must(st.SendToLegal(li, l.ID, "罚款6万元，请法制审核。")).ID

	d := add(tuitest.Case{Violation: "CG23", Party: tuitest.Person(t, "赵德明", "50010819850505123"), Place: "南岸区南坪东路 3 号",
		Facts: "渣土运输车未密闭运输，沿途散落。", Occurred: day(14, 9), Harm: cases.HarmSerious}, 8000)
	must(st.SendToLegal(li, d.ID, ""))
	must(st.RecordLegalOpinion(chen, d.ID, cases.LegalOpinion{Pass: true, Checklist: cases.NewChecklist(), Comment: "事实清楚，程序合法。"}))
	must(st.RecordNotice(officer, d.ID, cases.Notice{Kind: cases.NoticePrior, ServedAt: day(16, 10), Note: "直接送达"}))
	s.toDecide = d.ID
	_ = zhou
	return s
}

// reviewScenarios bring the TUI to one reviewer's screen.
var reviewScenarios = []struct {
	name  string
	as    string
	drive func(d *tuitest.Driver, s reviewSeed)
}{
	{"queue_supervisor", "lihua", nil},
	{"queue_all", "lihua", func(d *tuitest.Driver, s reviewSeed) { d.Press("tab") }},
	{"queue_search", "lihua", func(d *tuitest.Driver, s reviewSeed) { d.Type("/"); d.Type("德明") }},
	{"queue_filter_legal", "lihua", func(d *tuitest.Driver, s reviewSeed) { d.Press("f7", "f7", "f7") }},
	{"queue_legal", "chenjing", nil},
	{"queue_head", "zhoumin", nil},
	{"review_summary", "lihua", func(d *tuitest.Driver, s reviewSeed) { openInQueue(d, s.major) }},
	{"review_evidence", "lihua", func(d *tuitest.Driver, s reviewSeed) { openInQueue(d, s.major); d.Press("tab") }},
	{"review_decision", "lihua", func(d *tuitest.Driver, s reviewSeed) { openInQueue(d, s.major); d.Press("tab", "tab") }},
	{"review_resubmitted", "lihua", func(d *tuitest.Driver, s reviewSeed) { openInQueue(d, s.resubmitted) }},
	{"review_log", "lihua", func(d *tuitest.Driver, s reviewSeed) { openInQueue(d, s.resubmitted); d.Press("tab", "tab", "tab") }},
	{"review_return_needs_comment", "lihua", func(d *tuitest.Driver, s reviewSeed) { openInQueue(d, s.minor); d.Press("f3", "ctrl+s") }},
	{"review_legal_form", "chenjing", func(d *tuitest.Driver, s reviewSeed) { openInQueue(d, s.inLegal); d.Press("f7") }},
	{"review_head_blocked", "zhoumin", func(d *tuitest.Driver, s reviewSeed) { openInQueue(d, s.toDecide) }},
	// F9 before the collective discussion: refused with the reason, nothing recorded.
	{"review_head_decide_refused", "zhoumin", func(d *tuitest.Driver, s reviewSeed) { openInQueue(d, s.toDecide); d.Press("f9") }},
	{"review_discussion_form", "zhoumin", func(d *tuitest.Driver, s reviewSeed) { openInQueue(d, s.toDecide); d.Press("f8") }},
	{"review_decide_form", "zhoumin", func(d *tuitest.Driver, s reviewSeed) {
		openInQueue(d, s.toDecide)
		d.Press("f8", "tab")
		d.Type("、吴建华、郑丽")
		d.Press("tab")
		d.Type("同意罚款5000元")
		d.Press("ctrl+s")
		openInQueue(d, s.toDecide)
		d.Press("f9")
	}},
	{"review_approved_notice", "zhoumin", func(d *tuitest.Driver, s reviewSeed) {
		openInQueue(d, s.pending)
		d.Press("f2")
		d.Type("同意。")
		d.Press("ctrl+s")
	}},
}

// openInQueue moves the queue's cursor to the case and opens it.
func openInQueue(d *tuitest.Driver, id string) {
	d.T.Helper()
	for i, shown := range review.Shown(d) {
		if shown == id {
			for review.Cursor(d) < i {
				d.Press("down")
			}
			for review.Cursor(d) > i {
				d.Press("up")
			}
			d.Press("enter")
			if d.Active() != screen.Review || review.CaseID(d) != id {
				d.T.Fatalf("did not open %s", id)
			}
			return
		}
	}
	d.T.Fatalf("case %s is not in the queue:\n%s", id, d.View())
}

func runReview(t *testing.T, as string, drive func(*tuitest.Driver, reviewSeed)) (*tuitest.Driver, reviewSeed) {
	t.Helper()
	st := tuitest.OpenStore(t, t.TempDir())
	s := seedReview(t, st)
	d := tuitest.New(t, st, as)
	d.SignIn() // sign in: reviewers land on their queue
	if d.Active() != screen.Queue {
		t.Fatalf("signed in as %s, view %q:\n%s", as, d.Active(), d.View())
	}
	if drive != nil {
		drive(d, s)
	}
	return d, s
}

// TestReviewScreens renders every reviewer's screen at 80×24 against its golden.
func TestReviewScreens(t *testing.T) {
	for _, sc := range reviewScenarios {
		t.Run(sc.name, func(t *testing.T) {
			d, s := runReview(t, sc.as, sc.drive)
			tuitest.CheckFits(t, d.View(), d.W, d.H)
			d.Golden(s.evidenceDir)
		})
	}
}

// TestReviewScreensFitAndAreInert draws every scenario at other sizes and
// in colour: no line overflows, nothing but styling reaches the terminal,
// and no key of the help bar means two things.
func TestReviewScreensFitAndAreInert(t *testing.T) {
	defer lipgloss.SetColorProfile(termenv.Ascii)
	// The goldens hold 80×24 under ASCII; here: colour, narrower and wider.
	for _, run := range []struct {
		profile termenv.Profile
		w, h    int
	}{{termenv.ANSI256, 80, 24}, {termenv.ANSI256, 60, 20}, {termenv.Ascii, 100, 30}} {
		lipgloss.SetColorProfile(run.profile)
		for _, sc := range reviewScenarios {
			d, _ := runReview(t, sc.as, sc.drive)
			d.Resize(run.w, run.h)
			tuitest.CheckFits(t, d.View(), d.W, d.H)
			tuitest.CheckInert(t, d.View())
			tuitest.CheckHelpKeysUnique(t, d)
		}
	}
}

func TestQueueOrderSortAndSearch(t *testing.T) {
	d, s := runReview(t, "lihua", nil)
	ids := func() []string {
		var out []string
		out = append(out, review.Shown(d)...)
		return out
	}
	// 立案 order: all were filed at the same moment, so creation order.
	if got := ids(); !slices.Equal(got, []string{s.minor, s.major, s.resubmitted}) {
		t.Fatalf("queue %v", got)
	}
	d.Press("f7", "f7", "f7") // 需法制审核
	if got := ids(); !slices.Equal(got, []string{s.major}) {
		t.Fatalf("legal filter %v", got)
	}
	d.Press("f7", "f7", "f7") // 退回后重交
	if got := ids(); !slices.Equal(got, []string{s.resubmitted}) {
		t.Fatalf("resubmitted filter %v", got)
	}
	d.Press("f7") // back to all
	if got := ids(); len(got) != 3 {
		t.Fatalf("all again: %v", got)
	}
	d.Press("f6") // 期限最近: the three share the 90-day clock; the order holds
	if got := ids(); len(got) != 3 {
		t.Fatalf("sorted: %v", got)
	}
	d.Press("f6", "f6", "f6")
	// Search: CJK matches are highlighted on the right runes.
	d.Type("/")
	d.Type("建国")
	if got := review.Shown(d); len(got) != 1 || got[0] != s.minor {
		t.Fatalf("search 建国: %v", ids())
	}
	if got := review.PartyMatch(d, 0); got != "建国" {
		t.Fatalf("highlighted %q, want 建国", got)
	}
	// Pinyin initials find the party too, and typing q does not quit.
	d.Press("esc")
	d.Type("/")
	d.Type("lxy")
	if got := ids(); len(got) == 0 || got[0] != s.resubmitted || d.Quit {
		t.Fatalf("search lxy: %v quit=%v", got, d.Quit)
	}
	d.Type("q")
	if d.Quit {
		t.Fatal("q typed into the search quit")
	}
}

func TestReviewActsThroughTheChain(t *testing.T) {
	d, s := runReview(t, "lihua", nil)
	st := d.Store
	// The supervisor may not approve the major case before legal review:
	// the key is off, and the screen says why.
	openInQueue(d, s.major)
	if review.CanApprove(d) {
		t.Fatal("approve is offered before legal review")
	}
	d.Contains("您可以：F3 退回补正；F4 送法制审核")
	d.Press("f4")
	d.Type("请法制审核")
	d.Press("ctrl+s")
	if d.Active() != screen.Queue {
		t.Fatalf("after sending: view %q", d.Active())
	}
	d.Contains("已记录「送法制审核」")
	if c, _ := st.Get(s.major); c.Status != cases.StatusLegalReview || c.Review.LegalSent.Comment != "请法制审核" {
		t.Fatalf("major case %s %+v", c.Status, c.Review.LegalSent)
	}
	// Returning the minor case, with a comment.
	openInQueue(d, s.minor)
	d.Press("f3")
	d.Type("请补充当事人陈述")
	d.Press("tab", "enter") // the button
	if c, _ := st.Get(s.minor); c.Status != cases.StatusReturned || c.Review.Returned.Comment != "请补充当事人陈述" {
		t.Fatalf("minor case %s", c.Status)
	}
	// Esc leaves a form without recording anything.
	openInQueue(d, s.resubmitted)
	d.Press("f2", "esc")
	if review.FormOpen(d) {
		t.Fatal("Esc did not close the form")
	}
	if c, _ := st.Get(s.resubmitted); c.Status != cases.StatusSubmitted {
		t.Fatalf("Esc recorded: %s", c.Status)
	}
	d.Press("f2", "ctrl+s")
	if c, _ := st.Get(s.resubmitted); c.Status != cases.StatusPendingApproval {
		t.Fatalf("approve: %s", c.Status)
	}
}

func TestLegalAndHeadInTheTUI(t *testing.T) {
	d, s := runReview(t, "chenjing", nil)
	st := d.Store
	openInQueue(d, s.inLegal)
	d.Press("f7")
	// Unticking a point turns the result to 不通过; without reasons it is refused.
	d.Press("down", "down", "space")
	if review.FormField(d, "result") != "fail" {
		t.Fatal("an unticked point left the opinion passing")
	}
	d.Press("ctrl+s")
	d.Contains("审核不通过时须写明理由")
	if c, _ := st.Get(s.inLegal); c.Status != cases.StatusLegalReview {
		t.Fatalf("a refused opinion was recorded: %s", c.Status)
	}
	for review.FormFocused(d) != "comment" {
		d.Press("tab")
	}
	d.Type("运输单位资质未核实")
	d.Press("ctrl+s")
	c, _ := st.Get(s.inLegal)
	if c.Status != cases.StatusReturned || c.Review.Legal == nil || c.Review.Legal.Pass || len(c.Review.Legal.Failed()) != 1 {
		t.Fatalf("legal failure: %s %+v", c.Status, c.Review.Legal)
	}

	// The head: discussion first, then the decision.
	h, s2 := runReview(t, "zhoumin", nil)
	st2 := h.Store
	openInQueue(h, s2.toDecide)
	if review.CanDecide(h) || review.CanApprove(h) {
		t.Fatal("decide offered before the discussion")
	}
	h.Press("f8", "tab")
	h.Type("、吴建华")
	h.Press("tab")
	h.Type("同意罚款5000元")
	h.Press("ctrl+s")
	// The party waives the hearing (Art. 62–64), or the decision waits for
	// the five working days.
	if _, err := st2.RecordHearing(tuitest.OfficerWang.Actor(), s2.toDecide,
		cases.HearingStep{Stage: cases.HearingWaived, At: time.Date(2026, 11, 17, 9, 0, 0, 0, cases.ChinaTime())}); err != nil {
		t.Fatal(err)
	}
	openInQueue(h, s2.toDecide)
	h.Press("f9", "tab", "ctrl+u")
	h.Type("5000")
	h.Press("tab")
	h.Type("经集体讨论，从轻处罚")
	h.Press("ctrl+s")
	got, _ := st2.Get(s2.toDecide)
	if got.Status != cases.StatusApproved || got.Review.Decision == nil || *got.Review.Decision.Fine != 5000 || got.Review.Discussion == nil ||
		!slices.Equal(got.Review.Discussion.Participants, []string{"周敏", "吴建华"}) {
		t.Fatalf("decided: %s %+v", got.Status, got.Review)
	}
}

// TestReviewScreensCleanHostileText: text from the store never reaches the
// terminal raw, in the queue or the review screen.
func TestReviewScreensCleanHostileText(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.AddUsers(t, st, tuitest.OfficerWang, tuitest.OfficerZhao, tuitest.ReviewerLi)
	cs := tuitest.SeedHostile(t, st)
	d := tuitest.New(t, st, "lihua")
	d.SignIn()
	views := []string{d.View()}
	d.Press("tab")
	views = append(views, d.View())
	for _, c := range cs {
		if c.Status != cases.StatusSubmitted {
			continue
		}
		d.Send(screen.Navigate{To: screen.Review, CaseID: c.ID})
		for range review.Tabs {
			views = append(views, d.View())
			d.Press("tab")
		}
		d.Press("esc")
	}
	for _, v := range views {
		if strings.ContainsAny(v, "\x1b\u009b\u202e\u202d\x07") {
			t.Fatalf("raw control text on screen:\n%q", v)
		}
	}
}

// Issue 15 item 2: queue search is no looser than party search: initials
// that only scatter over a company's pinyin, or a neighbouring violation
// code, find nothing; pinyin initials and the case number do.
func TestQueueSearchIsNotLoose(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	s := seedReview(t, st)
	shop := tuitest.Record(t, st, tuitest.Case{Violation: "CG35", Party: cases.Party{Kind: cases.PartyOrg, Name: "重庆小面馆", USCC: tuitest.USCC(t, "91500103MA5U4C2Y"), LegalRep: "周强"},
		Place: "渝中区民族路 4 号", Facts: "油烟直排。", Occurred: time.Date(2026, 11, 19, 12, 0, 0, 0, cases.ChinaTime()), Harm: cases.HarmMinor, Submit: true})
	d := tuitest.New(t, st, "lihua")
	d.SignIn()
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"zxm", nil}, // zhongqing xiao mian: z, x and m, scattered
		{"CG34", nil},
		{"CG35", []string{shop.ID}},
		{"cqxm", []string{shop.ID}},
		{"ldm", []string{s.major}},
		{"liudeming", []string{s.major}},
		{s.major[len(s.major)-8:], []string{s.major}},
	} {
		d.Type("/")
		d.Type(tc.q)
		if got := review.Shown(d); !slices.Equal(got, tc.want) {
			t.Errorf("search %q shows %v, want %v", tc.q, got, tc.want)
		}
		d.Press("esc")
	}
}

// Issue 15 item 8: at 120×40 the queue gives the width to the names, so a
// company's name is whole; at 80×24 the columns are as before.
func TestQueueWidensAt120(t *testing.T) {
	d, _ := runReview(t, "lihua", func(d *tuitest.Driver, s reviewSeed) { d.Press("tab") })
	d.Resize(120, 40)
	tuitest.CheckFits(t, d.View(), 120, 40)
	d.Contains("重庆渝南建筑工程有限公司 ")
	d.Contains("CG23 未密闭运输 ")
	d.Golden()
}

// Issue 15 item 8: at 60×20 the flags column keeps room for a whole flag
// (it shrank to one character): the 立案 date gives way.
func TestQueueAt60KeepsTheFlags(t *testing.T) {
	d, _ := runReview(t, "lihua", func(d *tuitest.Driver, s reviewSeed) { d.Press("tab") })
	d.Resize(60, 20)
	tuitest.CheckFits(t, d.View(), 60, 20)
	for _, l := range strings.Split(d.View(), "\n") {
		if strings.Contains(l, "张建国") && !strings.Contains(l, "首违存疑") {
			t.Fatalf("the flags are cut: %q", l)
		}
	}
	d.Golden()
}
