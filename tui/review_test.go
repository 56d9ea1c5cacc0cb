package tui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"fieldcase/cases"
	"fieldcase/cases/store"
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
	addUsers(t, st, officerWang, officerZhao, reviewerLi, legalChen, headZhou)
	var s reviewSeed
	book, err := st.Rules()
	if err != nil {
		t.Fatal(err)
	}
	day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 15, 0, 0, cases.ChinaTime()) }
	officer, li, chen, zhou := officerWang.Actor(), reviewerLi.Actor(), legalChen.Actor(), headZhou.Actor()
	add := func(f fixtureCase, fine float64, evs ...cases.Evidence) cases.Case {
		c := f.content(officerWang, officerZhao)
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

	s.minor = add(fixtureCase{violation: "CG01", party: person(t, "张建国", "50010819800315123"), place: "南岸区南坪正街 88 号门前",
		facts: "在人行道摆摊销售水果，占用人行道约3平方米。", occurred: day(18, 9), corrected: true, harm: cases.HarmMinor}, 0).ID
	s.major = add(fixtureCase{violation: "CG23", party: person(t, "刘德明", "50010819790101123"), place: "南岸区江南大道 8 号",
		facts: "渣土运输车未密闭运输，沿途散落约200米。", occurred: day(19, 9), harm: cases.HarmSerious}, 6000, evs...).ID

	r := add(fixtureCase{violation: "CG08", party: person(t, "李秀英", "50010319751201234"), place: "渝中区解放碑步行街",
		facts: "在电线杆上张贴小广告 12 张。", occurred: day(17, 8), harm: cases.HarmMinor}, 0)
	must(st.Return(li, r.ID, "请补充张贴位置的照片。"))
	edited := r.Content
	edited.Facts = "在电线杆上张贴小广告 12 张，已拍照取证（照片 3 张）。"
	must(st.SaveContent(officer, r.ID, edited))
	s.resubmitted = must(st.Submit(officer, r.ID, book)).ID

	p := add(fixtureCase{violation: "CG10", party: person(t, "王志强", "50010519920808111"), place: "江北区观音桥步行街",
		facts: "遛狗时宠物粪便未立即清除。", occurred: day(16, 9), corrected: true, minor: true, harm: cases.HarmNone}, 0)
	s.pending = must(st.Approve(li, p.ID, "事实清楚，同意。")).ID

	l := add(fixtureCase{violation: "CG23", party: cases.Party{Kind: cases.PartyOrg, Name: "重庆渝南建筑工程有限公司", USCC: uscc(t, "91500108MA5U4B8X"), LegalRep: "陈刚"},
		place: "南岸区学府大道 66 号", facts: "渣土车未密闭运输。", occurred: day(15, 9), harm: cases.HarmSerious}, 60000)
	s.inLegal = must(st.SendToLegal(li, l.ID, "罚款6万元，请法制审核。")).ID

	d := add(fixtureCase{violation: "CG23", party: person(t, "赵德明", "50010819850505123"), place: "南岸区南坪东路 3 号",
		facts: "渣土运输车未密闭运输，沿途散落。", occurred: day(14, 9), harm: cases.HarmSerious}, 8000)
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
	drive func(d *driver, s reviewSeed)
}{
	{"queue_supervisor", "lihua", nil},
	{"queue_all", "lihua", func(d *driver, s reviewSeed) { d.press("tab") }},
	{"queue_search", "lihua", func(d *driver, s reviewSeed) { d.typeText("/"); d.typeText("德明") }},
	{"queue_filter_legal", "lihua", func(d *driver, s reviewSeed) { d.press("f7", "f7", "f7") }},
	{"queue_legal", "chenjing", nil},
	{"queue_head", "zhoumin", nil},
	{"review_summary", "lihua", func(d *driver, s reviewSeed) { openInQueue(d, s.major) }},
	{"review_evidence", "lihua", func(d *driver, s reviewSeed) { openInQueue(d, s.major); d.press("tab") }},
	{"review_decision", "lihua", func(d *driver, s reviewSeed) { openInQueue(d, s.major); d.press("tab", "tab") }},
	{"review_resubmitted", "lihua", func(d *driver, s reviewSeed) { openInQueue(d, s.resubmitted) }},
	{"review_log", "lihua", func(d *driver, s reviewSeed) { openInQueue(d, s.resubmitted); d.press("tab", "tab", "tab") }},
	{"review_return_needs_comment", "lihua", func(d *driver, s reviewSeed) { openInQueue(d, s.minor); d.press("f3", "ctrl+s") }},
	{"review_legal_form", "chenjing", func(d *driver, s reviewSeed) { openInQueue(d, s.inLegal); d.press("f7") }},
	{"review_head_blocked", "zhoumin", func(d *driver, s reviewSeed) { openInQueue(d, s.toDecide) }},
	// F9 before the collective discussion: refused with the reason, nothing recorded.
	{"review_head_decide_refused", "zhoumin", func(d *driver, s reviewSeed) { openInQueue(d, s.toDecide); d.press("f9") }},
	{"review_discussion_form", "zhoumin", func(d *driver, s reviewSeed) { openInQueue(d, s.toDecide); d.press("f8") }},
	{"review_decide_form", "zhoumin", func(d *driver, s reviewSeed) {
		openInQueue(d, s.toDecide)
		d.press("f8", "tab")
		d.typeText("、吴建华、郑丽")
		d.press("tab")
		d.typeText("同意罚款5000元")
		d.press("ctrl+s")
		openInQueue(d, s.toDecide)
		d.press("f9")
	}},
	{"review_approved_notice", "zhoumin", func(d *driver, s reviewSeed) {
		openInQueue(d, s.pending)
		d.press("f2")
		d.typeText("同意。")
		d.press("ctrl+s")
	}},
}

// openInQueue moves the queue's cursor to the case and opens it.
func openInQueue(d *driver, id string) {
	d.t.Helper()
	q := d.m.queue
	for i, r := range q.shown {
		if q.items[r.i].Case.ID == id {
			for q.cursor < i {
				d.press("down")
				q = d.m.queue
			}
			for q.cursor > i {
				d.press("up")
				q = d.m.queue
			}
			d.press("enter")
			if d.m.view != viewReview || d.m.review.c.ID != id {
				d.t.Fatalf("did not open %s", id)
			}
			return
		}
	}
	d.t.Fatalf("case %s is not in the queue:\n%s", id, d.view())
}

func runReview(t *testing.T, as string, drive func(*driver, reviewSeed)) (*driver, reviewSeed) {
	t.Helper()
	st := openTestStore(t, t.TempDir())
	s := seedReview(t, st)
	d := newDriver(t, st, as)
	d.signIn() // sign in: reviewers land on their queue
	if d.m.view != viewQueue {
		t.Fatalf("signed in as %s, view %d:\n%s", as, d.m.view, d.view())
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
			checkWidth(t, d)
			d.golden(s.evidenceDir)
		})
	}
}

// checkWidth fails when a line is wider than the terminal.
func checkWidth(t *testing.T, d *driver) {
	t.Helper()
	lines := strings.Split(d.view(), "\n")
	if len(lines) > d.h {
		t.Errorf("%d lines on a %d-line terminal", len(lines), d.h)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > d.w {
			t.Errorf("line %d is %d cells wide (terminal %d): %q", i, w, d.w, l)
		}
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
			d.resize(run.w, run.h)
			checkWidth(t, d)
			checkInert(t, d.view())
			checkHelpKeysUnique(t, d)
		}
	}
}

func TestQueueOrderSortAndSearch(t *testing.T) {
	d, s := runReview(t, "lihua", nil)
	ids := func() []string {
		var out []string
		for _, r := range d.m.queue.shown {
			out = append(out, d.m.queue.items[r.i].Case.ID)
		}
		return out
	}
	// 立案 order: all were filed at the same moment, so creation order.
	if got := ids(); !slices.Equal(got, []string{s.minor, s.major, s.resubmitted}) {
		t.Fatalf("queue %v", got)
	}
	d.press("f7", "f7", "f7") // 需法制审核
	if got := ids(); !slices.Equal(got, []string{s.major}) {
		t.Fatalf("legal filter %v", got)
	}
	d.press("f7", "f7", "f7") // 退回后重交
	if got := ids(); !slices.Equal(got, []string{s.resubmitted}) {
		t.Fatalf("resubmitted filter %v", got)
	}
	d.press("f7") // back to all
	if got := ids(); len(got) != 3 {
		t.Fatalf("all again: %v", got)
	}
	d.press("f6") // 期限最近: the three share the 90-day clock; the order holds
	if got := ids(); len(got) != 3 {
		t.Fatalf("sorted: %v", got)
	}
	d.press("f6", "f6", "f6")
	// Search: CJK matches are highlighted on the right runes.
	d.typeText("/")
	d.typeText("建国")
	q := d.m.queue
	if len(q.shown) != 1 || q.items[q.shown[0].i].Case.ID != s.minor {
		t.Fatalf("search 建国: %v", ids())
	}
	t0 := q.targets[q.shown[0].i]
	party := []rune(t0.text)[t0.start[1]:]
	var got []rune
	for _, m := range q.shown[0].match {
		if m >= t0.start[1] && m < t0.start[2] {
			got = append(got, party[m-t0.start[1]])
		}
	}
	if string(got) != "建国" {
		t.Fatalf("highlighted %q, want 建国", string(got))
	}
	// Pinyin initials find the party too, and typing q does not quit.
	d.press("esc")
	d.typeText("/")
	d.typeText("lxy")
	if got := ids(); len(got) == 0 || got[0] != s.resubmitted || d.quit {
		t.Fatalf("search lxy: %v quit=%v", got, d.quit)
	}
	d.typeText("q")
	if d.quit {
		t.Fatal("q typed into the search quit")
	}
}

func TestReviewActsThroughTheChain(t *testing.T) {
	d, s := runReview(t, "lihua", nil)
	st := d.m.sh.store
	// The supervisor may not approve the major case before legal review:
	// the key is off, and the screen says why.
	openInQueue(d, s.major)
	if d.m.review.keys.Approve.Enabled() {
		t.Fatal("approve is offered before legal review")
	}
	d.contains("您可以：F3 退回补正；F4 送法制审核")
	d.press("f4")
	d.typeText("请法制审核")
	d.press("ctrl+s")
	if d.m.view != viewQueue {
		t.Fatalf("after sending: view %d", d.m.view)
	}
	d.contains("已记录「送法制审核」")
	if c, _ := st.Get(s.major); c.Status != cases.StatusLegalReview || c.Review.LegalSent.Comment != "请法制审核" {
		t.Fatalf("major case %s %+v", c.Status, c.Review.LegalSent)
	}
	// Returning the minor case, with a comment.
	openInQueue(d, s.minor)
	d.press("f3")
	d.typeText("请补充当事人陈述")
	d.press("tab", "enter") // the button
	if c, _ := st.Get(s.minor); c.Status != cases.StatusReturned || c.Review.Returned.Comment != "请补充当事人陈述" {
		t.Fatalf("minor case %s", c.Status)
	}
	// Esc leaves a form without recording anything.
	openInQueue(d, s.resubmitted)
	d.press("f2", "esc")
	if d.m.review.form != nil {
		t.Fatal("Esc did not close the form")
	}
	if c, _ := st.Get(s.resubmitted); c.Status != cases.StatusSubmitted {
		t.Fatalf("Esc recorded: %s", c.Status)
	}
	d.press("f2", "ctrl+s")
	if c, _ := st.Get(s.resubmitted); c.Status != cases.StatusPendingApproval {
		t.Fatalf("approve: %s", c.Status)
	}
}

func TestLegalAndHeadInTheTUI(t *testing.T) {
	d, s := runReview(t, "chenjing", nil)
	st := d.m.sh.store
	openInQueue(d, s.inLegal)
	d.press("f7")
	// Unticking a point turns the result to 不通过; without reasons it is refused.
	d.press("down", "down", "space")
	if d.m.review.form.form.Value("result") != "fail" {
		t.Fatal("an unticked point left the opinion passing")
	}
	d.press("ctrl+s")
	d.contains("审核不通过时须写明理由")
	if c, _ := st.Get(s.inLegal); c.Status != cases.StatusLegalReview {
		t.Fatalf("a refused opinion was recorded: %s", c.Status)
	}
	for d.m.review.form.form.Focused() != "comment" {
		d.press("tab")
	}
	d.typeText("运输单位资质未核实")
	d.press("ctrl+s")
	c, _ := st.Get(s.inLegal)
	if c.Status != cases.StatusReturned || c.Review.Legal == nil || c.Review.Legal.Pass || len(c.Review.Legal.Failed()) != 1 {
		t.Fatalf("legal failure: %s %+v", c.Status, c.Review.Legal)
	}

	// The head: discussion first, then the decision.
	h, s2 := runReview(t, "zhoumin", nil)
	st2 := h.m.sh.store
	openInQueue(h, s2.toDecide)
	if h.m.review.keys.Decide.Enabled() || h.m.review.keys.Approve.Enabled() {
		t.Fatal("decide offered before the discussion")
	}
	h.press("f8", "tab")
	h.typeText("、吴建华")
	h.press("tab")
	h.typeText("同意罚款5000元")
	h.press("ctrl+s")
	// The party waives the hearing (Art. 62–64), or the decision waits for
	// the five working days.
	if _, err := st2.RecordHearing(officerWang.Actor(), s2.toDecide,
		cases.HearingStep{Stage: cases.HearingWaived, At: time.Date(2026, 11, 17, 9, 0, 0, 0, cases.ChinaTime())}); err != nil {
		t.Fatal(err)
	}
	openInQueue(h, s2.toDecide)
	h.press("f9", "tab", "ctrl+u")
	h.typeText("5000")
	h.press("tab")
	h.typeText("经集体讨论，从轻处罚")
	h.press("ctrl+s")
	got, _ := st2.Get(s2.toDecide)
	if got.Status != cases.StatusApproved || got.Review.Decision == nil || *got.Review.Decision.Fine != 5000 || got.Review.Discussion == nil ||
		!slices.Equal(got.Review.Discussion.Participants, []string{"周敏", "吴建华"}) {
		t.Fatalf("decided: %s %+v", got.Status, got.Review)
	}
}

// TestReviewScreensCleanHostileText: text from the store never reaches the
// terminal raw, in the queue or the review screen.
func TestReviewScreensCleanHostileText(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	addUsers(t, st, officerWang, officerZhao, reviewerLi)
	cs := seedHostile(t, st)
	d := newDriver(t, st, "lihua")
	d.signIn()
	views := []string{d.view()}
	d.press("tab")
	views = append(views, d.view())
	for _, c := range cs {
		if c.Status != cases.StatusSubmitted {
			continue
		}
		m, cmd, _ := d.m.reviewNavigate(nav{kind: navReview, caseID: c.ID})
		d.m = m
		d.run(cmd)
		for range reviewTabs {
			views = append(views, d.view())
			d.press("tab")
		}
		d.press("esc")
	}
	for _, v := range views {
		if strings.ContainsAny(v, "\x1b\u009b\u202e\u202d\x07") {
			t.Fatalf("raw control text on screen:\n%q", v)
		}
	}
}

// A reviewer's machine checks evidence from the encrypted vault when it
// holds it, whether or not the original is still at its recorded path,
// and a damaged vault copy is reported as changed, never as intact.
func TestCheckEvidenceUsesTheVault(t *testing.T) {
	dir := t.TempDir()
	st := openTestStore(t, dir)
	addUsers(t, st, officerWang)
	src := filepath.Join(t.TempDir(), "现场照片.jpg")
	if err := os.WriteFile(src, []byte(strings.Repeat("现场照片", 5000)), 0o600); err != nil {
		t.Fatal(err)
	}
	sha, size, err := st.ImportEvidence(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(src) // the officer tidied the camera folder
	evs := []cases.Evidence{
		{Path: src, SHA256: sha, Size: size},
		{Path: filepath.Join(dir, "nowhere.jpg"), SHA256: strings.Repeat("ab", 32), Size: 1},
	}
	check := func() []evidenceCheck {
		return checkEvidence(st, evs, 7)().(evidenceMsg).checks
	}
	if got := check(); got[0] != evidenceIntact || got[1] != evidenceMissing {
		t.Fatalf("vault copy / absent file: %v", got)
	}
	vault, err := filepath.Glob(filepath.Join(dir, store.EvidenceDir, "*"))
	if err != nil || len(vault) != 1 {
		t.Fatalf("vault files: %v %v", vault, err)
	}
	data, _ := os.ReadFile(vault[0])
	data[len(data)-20] ^= 1
	os.WriteFile(vault[0], data, 0o600)
	if got := check(); got[0] != evidenceChanged {
		t.Fatalf("damaged vault copy checked as %v", got[0])
	}
}
