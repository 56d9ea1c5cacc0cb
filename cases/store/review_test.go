package store

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

var (
	second     = cases.Actor{ID: "zhao6", Name: "赵六", Cert: "50010002", Role: cases.RoleOfficer}
	supervisor = cases.Actor{ID: "lihua", Name: "李华", Cert: "50010011", Role: cases.RoleSupervisor}
	legalRev   = cases.Actor{ID: "chenjing", Name: "陈静", Cert: "50010021", Role: cases.RoleLegal}
	head       = cases.Actor{ID: "zhoumin", Name: "周敏", Cert: "50010031", Role: cases.RoleHead}
)

// clock is a settable clock for event times.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }

func openAt(t *testing.T, start time.Time) (*Store, *clock) {
	t.Helper()
	ck := &clock{t: start}
	return openTestOpt(t, t.TempDir(), Options{Now: ck.now}), ck
}

// submitCase records and submits a complete case as the officer.
func submitCase(t *testing.T, st *Store, c cases.Content) cases.Case {
	t.Helper()
	book, err := st.Rules()
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.AddCases(officer, book, []NewCase{{Content: c}}, false)
	if err != nil {
		t.Fatal(err)
	}
	return got[0]
}

// majorContent needs everything: a fine of 6,000 yuan for a person reaches
// the hearing, legal-review and collective-discussion thresholds.
func majorContent(at time.Time) cases.Content {
	c := sampleContent("刘德明", "11010519491231002X", at)
	c.Violation = "CG23"
	c.Facts = "渣土运输车未密闭运输，沿途散落约200米"
	fine := 6000.0
	c.Circumstances = cases.Circumstances{Harm: cases.HarmSerious, ProposedFine: &fine}
	return c
}

func events(t *testing.T, st *Store, id string) []cases.EventKind {
	t.Helper()
	evs, err := st.Events(id)
	if err != nil {
		t.Fatal(err)
	}
	var out []cases.EventKind
	for _, e := range evs {
		out = append(out, e.Kind)
	}
	return out
}

func wantForbidden(t *testing.T, err error, says string) {
	t.Helper()
	var fe *cases.ForbiddenError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v, want a ForbiddenError", err)
	}
	if !strings.Contains(err.Error(), says) {
		t.Fatalf("refusal %q does not say %q", err, says)
	}
}

func TestReturnEditResubmitApprove(t *testing.T) {
	start := time.Date(2026, 11, 20, 10, 0, 0, 0, cases.ChinaTime())
	st, ck := openAt(t, start)
	book, _ := st.Rules()
	c := submitCase(t, st, sampleContent("张三", "11010519491231002X", start.Add(-time.Hour)))

	// A return needs a comment; without one nothing is written.
	if _, err := st.Return(supervisor, c.ID, "  "); err == nil || !strings.Contains(err.Error(), "退回意见") {
		t.Fatalf("return without comment: %v", err)
	}
	ck.add(time.Hour)
	got, err := st.Return(supervisor, c.ID, "请补充当事人陈述")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != cases.StatusReturned || got.Review.Returned.Comment != "请补充当事人陈述" {
		t.Fatalf("returned: %s %+v", got.Status, got.Review)
	}
	// The supervisor may not put it right; the officer does.
	edited := got.Content
	edited.Facts += "。当事人陈述：不知道不能在此摆摊"
	if _, err := st.SaveContent(supervisor, c.ID, edited); err == nil {
		t.Fatal("the supervisor edited the facts")
	}
	ck.add(time.Hour)
	if _, err := st.SaveContent(officer, c.ID, edited); err != nil {
		t.Fatal(err)
	}
	ck.add(time.Hour)
	got, err = st.Submit(officer, c.ID, book)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != cases.StatusSubmitted || got.Review.Round != 2 || !slices.Contains(got.Review.Changed, "违法事实") {
		t.Fatalf("resubmitted: %s %+v", got.Status, got.Review)
	}
	if !got.SubmittedAt.Equal(start) {
		t.Fatalf("立案 moved: %v", got.SubmittedAt)
	}
	// Three levels: the supervisor's approval sends it to the head.
	ck.add(time.Hour)
	got, err = st.Approve(supervisor, c.ID, "同意")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != cases.StatusPendingApproval || got.Review.Reviewed == nil {
		t.Fatalf("after review: %s", got.Status)
	}
	if _, err := st.Approve(supervisor, c.ID, "再批一次"); err == nil {
		t.Fatal("the supervisor approved in the head's stage")
	}
	got, err = st.Approve(head, c.ID, "同意承办意见")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != cases.StatusApproved || got.Review.Approved.By.ID != head.ID {
		t.Fatalf("after approval: %s %+v", got.Status, got.Review.Approved)
	}
	want := []cases.EventKind{cases.EventCreated, cases.EventDecisionMade, cases.EventSubmitted, cases.EventReturned,
		cases.EventContentSet, cases.EventDecisionMade, cases.EventSubmitted, cases.EventReviewed, cases.EventApproved}
	if got := events(t, st, c.ID); !slices.Equal(got, want) {
		t.Fatalf("log = %v\nwant  %v", got, want)
	}
	if problems, _, err := st.Verify(); err != nil || len(problems) > 0 {
		t.Fatalf("verify: %v %v", problems, err)
	}
}

func TestLegalReviewBlocksApproval(t *testing.T) {
	start := time.Date(2026, 11, 20, 10, 0, 0, 0, cases.ChinaTime())
	st, ck := openAt(t, start)
	c := submitCase(t, st, majorContent(start.Add(-2*time.Hour)))
	d := c.Suggestion.Decision
	if !d.LegalReview || !d.CollectiveDiscussion || !d.HearingRight {
		t.Fatalf("the test case should need legal review, discussion and hearing: %+v", d)
	}
	pending, _ := st.PendingSync()
	_, err := st.Approve(supervisor, c.ID, "同意")
	wantForbidden(t, err, "第五十八条")
	if n, _ := st.PendingSync(); n != pending {
		t.Fatal("a refused approval wrote to the log")
	}
	if _, err := st.SendToLegal(supervisor, c.ID, "罚款6000元，请法制审核"); err != nil {
		t.Fatal(err)
	}
	// Only the legal reviewer gives the opinion; a pass needs every point.
	_, err = st.RecordLegalOpinion(head, c.ID, cases.LegalOpinion{Pass: true, Checklist: cases.NewChecklist()})
	wantForbidden(t, err, "只有法制审核员")
	_, err = st.RecordLegalOpinion(legalRev, c.ID, cases.LegalOpinion{Pass: true, Checklist: cases.NewChecklist("documents")})
	var fe cases.FieldErrors
	if !errors.As(err, &fe) {
		t.Fatalf("a pass with a failed point: %v", err)
	}
	ck.add(24 * time.Hour)
	got, err := st.RecordLegalOpinion(legalRev, c.ID, cases.LegalOpinion{Pass: true, Checklist: cases.NewChecklist(), Comment: "事实清楚，程序合法"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != cases.StatusPendingApproval || !got.LegalPassed() {
		t.Fatalf("after the opinion: %s", got.Status)
	}
	// Collective discussion before the head decides.
	_, err = st.Approve(head, c.ID, "同意")
	wantForbidden(t, err, "集体讨论")
	_, err = st.RecordDiscussion(supervisor, c.ID, cases.Discussion{Date: ck.t, Participants: []string{"周敏", "吴九"}, Conclusion: "同意"})
	wantForbidden(t, err, "只有负责人")
	if _, err := st.RecordDiscussion(head, c.ID, cases.Discussion{Date: ck.t, Participants: []string{" 周敏 ", "吴九", "郑十"}, Conclusion: "同意罚款5000元"}); err != nil {
		t.Fatal(err)
	}
	fine := 5000.0
	notified(t, st, officer, c.ID, ck.t)
	got, err = st.RecordHeadDecision(head, c.ID, cases.HeadDecision{Ruling: "penalty", Fine: &fine, Comment: "经集体讨论，当事人及时整改，从轻罚款5000元"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != cases.StatusApproved || got.Review.Discussion.Participants[0] != "周敏" || *got.Review.Decision.Fine != 5000 {
		t.Fatalf("decided: %s %+v", got.Status, got.Review)
	}
	want := []cases.EventKind{cases.EventCreated, cases.EventDecisionMade, cases.EventSubmitted, cases.EventLegalReviewRequired,
		cases.EventLegalPassed, cases.EventDiscussed, cases.EventNoticeServed, cases.EventStatement, cases.EventHearing, cases.EventHeadDecision}
	if got := events(t, st, c.ID); !slices.Equal(got, want) {
		t.Fatalf("log = %v", got)
	}
}

func TestLegalFailureReturnsToOfficer(t *testing.T) {
	start := time.Date(2026, 11, 20, 10, 0, 0, 0, cases.ChinaTime())
	st, _ := openAt(t, start)
	c := submitCase(t, st, majorContent(start.Add(-2*time.Hour)))
	if _, err := st.SendToLegal(supervisor, c.ID, ""); err != nil {
		t.Fatal(err)
	}
	_, err := st.RecordLegalOpinion(legalRev, c.ID, cases.LegalOpinion{Checklist: cases.NewChecklist("facts")})
	if err == nil || !strings.Contains(err.Error(), "理由") {
		t.Fatalf("a failure without reasons: %v", err)
	}
	got, err := st.RecordLegalOpinion(legalRev, c.ID, cases.LegalOpinion{Checklist: cases.NewChecklist("facts"), Comment: "散落距离无测量记录"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != cases.StatusReturned || got.Review.Returned.By.ID != legalRev.ID {
		t.Fatalf("after failure: %s %+v", got.Status, got.Review.Returned)
	}
	q, err := st.Queue(officer, QueueFilter{})
	if err != nil || len(q) != 1 || q[0].Case.ID != c.ID {
		t.Fatalf("officer's queue: %v %v", q, err)
	}
}

func TestRecordEnforcesRoles(t *testing.T) {
	start := time.Date(2026, 11, 20, 10, 0, 0, 0, cases.ChinaTime())
	st, _ := openAt(t, start)
	c := submitCase(t, st, sampleContent("张三", "11010519491231002X", start.Add(-time.Hour)))
	// The raw Record path meets the same rules as the workflow.
	_, err := st.Record(officer, c.ID, Change{cases.EventApproved, cases.CommentPayload{Comment: "自己批"}})
	wantForbidden(t, err, "只有审核人")
	own := cases.Actor{ID: "wang5b", Name: "王五", Cert: "50010001", Role: cases.RoleSupervisor} // same cert as an officer of the case
	_, err = st.Approve(own, c.ID, "")
	wantForbidden(t, err, "回避")
	_, err = st.Approve(legalRev, c.ID, "")
	wantForbidden(t, err, "只有审核人")
	if _, err := st.Approve(supervisor, "not-an-id", ""); err == nil {
		t.Fatal("a bad id was accepted")
	}
	if _, err := st.Approve(supervisor, "0190d5d6-0000-7000-8000-000000000000", ""); !errors.Is(err, cases.ErrNotFound) {
		t.Fatalf("unknown case: %v", err)
	}
	if got := events(t, st, c.ID); len(got) != 3 {
		t.Fatalf("refusals wrote events: %v", got)
	}
}

func TestTwoLevelChain(t *testing.T) {
	start := time.Date(2026, 11, 20, 10, 0, 0, 0, cases.ChinaTime())
	st, _ := openAt(t, start)
	if p, err := st.ReviewPolicy(); err != nil || p.Chain != cases.ChainThreeLevel {
		t.Fatalf("default policy %+v %v", p, err)
	}
	if err := st.SetReviewPolicy(cases.ReviewPolicy{Chain: "one"}); err == nil {
		t.Fatal("an invalid policy was stored")
	}
	if err := st.SetReviewPolicy(cases.ReviewPolicy{Chain: cases.ChainTwoLevel, StaleIndexDays: 14}); err != nil {
		t.Fatal(err)
	}
	c := submitCase(t, st, sampleContent("张三", "11010519491231002X", start.Add(-time.Hour)))
	got, err := st.Approve(supervisor, c.ID, "同意")
	if err != nil || got.Status != cases.StatusApproved {
		t.Fatalf("two levels: %s %v", got.Status, err)
	}
	// A case for collective discussion still goes to the head.
	m := submitCase(t, st, majorContent(start.Add(-time.Hour)))
	st.SendToLegal(supervisor, m.ID, "")
	if got, err = st.RecordLegalOpinion(legalRev, m.ID, cases.LegalOpinion{Pass: true, Checklist: cases.NewChecklist()}); err != nil {
		t.Fatal(err)
	}
	_, err = st.Approve(supervisor, m.ID, "")
	wantForbidden(t, err, "只有负责人")
	hq, _ := st.Queue(head, QueueFilter{})
	sq, _ := st.Queue(supervisor, QueueFilter{})
	if len(hq) != 1 || hq[0].Case.ID != m.ID || len(sq) != 0 {
		t.Fatalf("head's queue %d, supervisor's %d", len(hq), len(sq))
	}
}

func TestQueueOrderAndFlags(t *testing.T) {
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, cases.ChinaTime())
	st, ck := openAt(t, start)
	// Recorded in one order, submitted in another: the queue follows 立案.
	book, _ := st.Rules()
	a, _ := st.AddCases(officer, book, []NewCase{{Content: sampleContent("张三", "11010519491231002X", start.Add(-time.Hour))}}, true)
	ck.add(time.Hour)
	b := submitCase(t, st, majorContent(start))
	ck.add(time.Hour)
	dep := cases.Choice{Follow: false, Outcome: "warning", Reason: "当事人系残疾人，生活困难"}
	punishable := sampleContent("王芳", "11010519491231002X", start)
	punishable.Circumstances = cases.Circumstances{Harm: cases.HarmMinor} // not 轻微不罚: a departure is open
	cc, err := st.AddCases(officer, book, []NewCase{{Content: punishable, Choice: &dep}}, false)
	if err != nil {
		t.Fatal(err)
	}
	ck.add(time.Hour)
	if _, err := st.Submit(officer, a[0].ID, book); err != nil {
		t.Fatal(err)
	}
	ck.add(24 * time.Hour)
	q, err := st.Queue(supervisor, QueueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range q {
		ids = append(ids, it.Case.ID)
	}
	if !slices.Equal(ids, []string{b.ID, cc[0].ID, a[0].ID}) {
		t.Fatalf("queue order %v, want %v", ids, []string{b.ID, cc[0].ID, a[0].ID})
	}
	codes := func(it cases.QueueItem) []string {
		var out []string
		for _, f := range it.Flags {
			out = append(out, f.Code)
		}
		return out
	}
	major := codes(q[0])
	for _, want := range []string{cases.FlagFirstUnconfirmed, cases.FlagLegalReview, cases.FlagHearingRight, cases.FlagCollective} {
		if !slices.Contains(major, want) {
			t.Errorf("major case flags %v lack %s", major, want)
		}
	}
	if !slices.Contains(codes(q[1]), cases.FlagDeparture) {
		t.Errorf("departure not flagged: %v", codes(q[1]))
	}
	if len(q[0].Deadlines) == 0 || q[0].Deadlines[0].Code != cases.DeadlineDecision || q[0].Deadlines[0].Left != 89 {
		t.Errorf("major case deadlines %+v", q[0].Deadlines)
	}
	if !slices.Equal(q[0].Acts, []cases.Act{cases.ActReturn, cases.ActSendLegal}) {
		t.Errorf("acts on the major case %v", q[0].Acts)
	}
	// The hearing countdown starts with the prior notice.
	if _, err := st.RecordNotice(supervisor, b.ID, cases.Notice{Kind: cases.NoticePrior, ServedAt: ck.t}); err == nil {
		t.Fatal("a supervisor recorded a notice")
	}
	if _, err := st.RecordNotice(officer, b.ID, cases.Notice{Kind: cases.NoticePrior, ServedAt: ck.t.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	q, _ = st.Queue(supervisor, QueueFilter{})
	var hearing bool
	for _, d := range q[0].Deadlines {
		hearing = hearing || d.Code == cases.DeadlineHearing
	}
	if !hearing {
		t.Errorf("no hearing countdown after the notice: %+v", q[0].Deadlines)
	}
	// Other roles see nothing yet; All shows everything in review.
	if lq, _ := st.Queue(legalRev, QueueFilter{}); len(lq) != 0 {
		t.Errorf("legal queue %d", len(lq))
	}
	if all, _ := st.Queue(head, QueueFilter{All: true}); len(all) != 3 {
		t.Errorf("all in review: %d", len(all))
	}
}

// TestMigrationReprojectsReview: a store written before the review record
// existed (schema 2) is re-projected on open, backed up first, and verifies.
func TestMigrationReprojectsReview(t *testing.T) {
	dir := t.TempDir()
	st := openLegacy(t, dir, Options{})
	at := time.Now().Add(-time.Hour)
	c := create(t, st, sampleContent("张三", "11010519491231002X", at), Change{cases.EventSubmitted, cases.CommentPayload{}})
	// Make it look like schema 2: the projection without its review record.
	err := st.db.Update(func(tx *bolt.Tx) error {
		ck, _ := caseKey(c.ID)
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(bucket(tx, bCases).Get(ck), &raw); err != nil {
			return err
		}
		delete(raw, "review")
		b, _ := json.Marshal(raw)
		if err := bucket(tx, bCases).Put(ck, b); err != nil {
			return err
		}
		return meta(tx).Put(kSchema, u64(2))
	})
	if err != nil {
		t.Fatal(err)
	}
	if problems, _, _ := st.Verify(); len(problems) == 0 {
		t.Fatal("the stripped projection should not verify before the migration")
	}
	st.Close()
	st = reopenAndEncrypt(t, dir, Options{})
	got, err := st.Get(c.ID)
	if err != nil || got.Review.Round != 1 {
		t.Fatalf("migrated case: %+v %v", got.Review, err)
	}
	if problems, _, err := st.Verify(); err != nil || len(problems) > 0 {
		t.Fatalf("verify after migration: %v %v", problems, err)
	}
	backups, _ := filepath.Glob(filepath.Join(dir, FileName+".v2.*.bak"))
	if len(backups) != 1 {
		t.Fatalf("backups %v", backups)
	}
	if _, err := os.Stat(backups[0]); err != nil {
		t.Fatal(err)
	}
}
