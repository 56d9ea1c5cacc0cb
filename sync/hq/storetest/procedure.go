package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/sync/hq"
	"fieldcase/sync/proto"
)

// penaltyCase is a case the rules fine: not minor, not corrected.
func penaltyCase(name string, officers ...cases.User) cases.Content {
	c := Content(name, "11010519491231002X", Start, officers...)
	c.Circumstances = cases.Circumstances{Harm: cases.HarmMinor}
	return c
}

// testProcedureAtHQ: a device that skips its own checks cannot get a
// decision the law forbids into HQ's log (行政处罚法 Art. 44, 62). A
// decision with no prior notice served is rejected as invalid, naming the
// article, and consumes its seq; a decision rebased after a notice whose
// statement period is still open is kept as a stale conflict; the case is
// left as it was.
func testProcedureAtHQ(t *testing.T, open Open) {
	h := NewHQ(t, open)
	o := NewSim(t, h, "officer", Wang)
	s := NewSim(t, h, "supervisor", Li)
	id, ops := submitCase(t, o, Wang, penaltyCase("张三", Wang), nil)
	wantStatus(t, o.MustPush(t, h, ops...), proto.Applied, proto.Applied, proto.Applied)
	s.Adopt(t, h, id)
	before := caseAt(t, h, id)
	if d := before.Case.Disposition(nil); !d.Penalty {
		t.Fatalf("the sample case is not fined: %+v", d)
	}

	_, appr := s.Make(t, id, Li, cases.EventApproved, cases.CommentPayload{Comment: "同意"})
	rs := s.MustPush(t, h, appr)
	if rs[0].Status != proto.Rejected || rs[0].Reason != proto.ReasonInvalid || !strings.Contains(rs[0].Message, "第四十四条") {
		t.Fatalf("decision without a notice: %s", describe(rs))
	}
	if after := caseAt(t, h, id); after.Case.Head != before.Case.Head || after.Case.Status != before.Case.Status {
		t.Fatalf("the refused decision changed the case: %s", after.Case.Status)
	}
	if d := s.Device(t, h); d.LastSeq != s.Seq {
		t.Fatalf("the refusal did not consume the seq: HQ at %d, device at %d", d.LastSeq, s.Seq)
	}
	again := s.MustPush(t, h, appr)
	if !again[0].Duplicate || again[0].Status != proto.Rejected || again[0].Message != rs[0].Message {
		t.Fatalf("retry: %s", describe(again))
	}

	// The officer serves the notice; the supervisor, not knowing, decides
	// on the case as it was: HQ places the decision after the notice, where
	// the statement period is still open.
	s.Adopt(t, h, id)
	base := s.Logs[id]
	n := before.Case.PrepareNotice(cases.Notice{Kind: cases.NoticePrior, ServedAt: o.Now, Method: "direct"}, cases.ProcedureRules{})
	_, nop := o.Make(t, id, Wang, cases.EventNoticeServed, n)
	wantStatus(t, o.MustPush(t, h, nop), proto.Applied)
	_, late := s.MakeAt(t, id, uint64(len(base)+1), base[len(base)-1].Hash, Li, cases.EventApproved, cases.CommentPayload{Comment: "同意"})
	rs = s.MustPush(t, h, late)
	if rs[0].Status != proto.Conflict || rs[0].Reason != proto.ReasonStale || !strings.Contains(rs[0].Message, "第六十二条") {
		t.Fatalf("rebased decision in the statement period: %s", describe(rs))
	}
	if got := caseAt(t, h, id); got.Case.Status != before.Case.Status || got.Case.Events != before.Case.Events+1 {
		t.Fatalf("case after the stale decision: %s, %d events", got.Case.Status, got.Case.Events)
	}
	verifyLog(t, h, id)

	// A decision dated after the statement period, pushed while it runs,
	// is checked at HQ's time; dated now, the period refuses it.
	now := time.Now()
	o.Now, s.Now = now, now
	id2, ops := submitCase(t, o, Wang, penaltyCase("李雷", Wang), nil)
	wantStatus(t, o.MustPush(t, h, ops...), proto.Applied, proto.Applied, proto.Applied)
	c2 := caseAt(t, h, id2).Case
	_, nop = o.Make(t, id2, Wang, cases.EventNoticeServed, c2.PrepareNotice(cases.Notice{Kind: cases.NoticePrior, ServedAt: o.Now, Method: "direct"}, cases.ProcedureRules{}))
	wantStatus(t, o.MustPush(t, h, nop), proto.Applied)
	s.Adopt(t, h, id2)
	s.Now = now.AddDate(0, 0, 20)
	_, ahead := s.Make(t, id2, Li, cases.EventApproved, cases.CommentPayload{Comment: "同意"})
	rs = s.MustPush(t, h, ahead)
	if rs[0].Status != proto.Rejected || !strings.Contains(rs[0].Message, "晚于 HQ 当前时间") || !strings.Contains(rs[0].Message, "第六十二条") {
		t.Fatalf("decision dated 20 days ahead: %s", describe(rs))
	}
	s.Now = now
	s.Logs[id2] = s.Logs[id2][:len(s.Logs[id2])-1]
	_, today := s.Make(t, id2, Li, cases.EventApproved, cases.CommentPayload{Comment: "同意"})
	if rs = s.MustPush(t, h, today); rs[0].Status != proto.Rejected || strings.Contains(rs[0].Message, "晚于 HQ 当前时间") || !strings.Contains(rs[0].Message, "第六十二条") {
		t.Fatalf("decision in the statement period: %s", describe(rs))
	}
}

// testHolidaysPublished: a holiday schedule is checked with the
// calendar's parser before it is kept, reaches every device in the pull,
// and a later publication of the year replaces the earlier one.
func testHolidaysPublished(t *testing.T, open Open) {
	ctx := context.Background()
	h := NewHQ(t, open)
	o := NewSim(t, h, "officer", Wang)
	_, cursor := o.Pull(t, h, 0)
	var ae *hq.APIError
	for _, bad := range []string{`{"year":2028}`, `{"year":2028,"source":"x","days":[{"date":"2029-01-01","name":"元旦"}]}`, `not json`} {
		if _, err := h.PublishHolidays(ctx, []byte(bad)); !errors.As(err, &ae) || ae.Code != proto.CodeBadRequest {
			t.Fatalf("%s: %v", bad, err)
		}
	}
	if es, _ := o.Pull(t, h, cursor); len(es) != 0 {
		t.Fatalf("a refused schedule reached the device: %+v", es)
	}
	first := `{"year": 2028, "source": "第一次", "days": [{"date": "2028-01-03", "name": "元旦"}]}`
	second := `{"year":2028,"source":"第二次","days":[{"date":"2028-01-03","name":"元旦"},{"date":"2028-01-29","name":"春节调休","work":true}]}`
	for _, data := range []string{first, second} {
		sch, err := h.PublishHolidays(ctx, []byte(data))
		Must(t, err)
		if sch.Year != 2028 {
			t.Fatalf("published %+v", sch)
		}
	}
	es, _ := o.Pull(t, h, cursor)
	var got []string
	for _, en := range es {
		if en.Kind == proto.EntryHolidays {
			got = append(got, string(en.Holidays))
		}
	}
	if len(got) != 2 || !strings.Contains(got[0], "第一次") || got[1] != second {
		t.Fatalf("pulled holidays %q", got)
	}
	pub, err := h.PublishedHolidays(ctx)
	Must(t, err)
	if len(pub) != 1 || pub[0].Source != "第二次" || len(pub[0].Days) != 2 {
		t.Fatalf("published holidays %+v", pub)
	}
}
