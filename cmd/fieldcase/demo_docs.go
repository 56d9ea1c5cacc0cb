package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/cases/docs"
	"fieldcase/cases/store"
	"fieldcase/rules"
)

// The demo's papers: the number blocks a device gets from HQ, the fines
// officers propose, and the documents an office issues along the way — the
// inspection record and the prior notice of an ordinary-procedure case
// when it is filed, its decision once approved — so that every kind of
// document can be printed, and a disclosure exported, from the demo data.

// demoBlocks reserves a block of numbers for every kind of document.
func demoBlocks(st *store.Store) error {
	blocks, err := st.NumberBlocks()
	if err != nil {
		return err
	}
	for _, k := range agency.Kinds {
		if len(blocks[k]) > 0 {
			continue
		}
		if _, err := st.ReserveNumbers(k, 1, 500); err != nil {
			return err
		}
	}
	return nil
}

// demoProposeFine proposes, as an officer would, a fine a quarter of the
// way into the provision's range, in whole tens of yuan.
func demoProposeFine(c *cases.Content, book *rules.Book) {
	rs := book.InForce(c.OccurredAt)
	if rs == nil {
		return
	}
	it, ok := rs.Item(c.Violation)
	if !ok {
		return
	}
	t := it.DefaultTier()
	if t == nil {
		return
	}
	spec := t.For(rules.PartyKind(c.Party.Kind))
	if spec == nil || spec.Kind != rules.FineRangeKind || spec.Max <= spec.Min {
		return
	}
	yuan := int64(spec.Min+(spec.Max-spec.Min)/4) / int64(rules.Yuan)
	v := float64(yuan - yuan%10)
	c.Circumstances.ProposedFine = &v
}

// demoHome is a person's address, made from what the demo already drew.
func demoHome(district string, n int) string {
	return fmt.Sprintf("重庆市%s%s%d号%d单元", district, demoPlaces[n%len(demoPlaces)], 1+n*7%300, 1+n%6)
}

// issue issues a document for the case as the demo officer, if it fits.
func demoIssue(st *store.Store, c cases.Case, kind string, book *rules.Book) (cases.Case, error) {
	if _, ok := c.Document(kind); ok {
		return c, nil
	}
	events, err := st.Events(c.ID)
	if err != nil {
		return c, err
	}
	ag := agency.Default()
	rs := book.InForce(c.Content.OccurredAt)
	got, _, _, err := st.IssueDocument(demoOfficer, c.ID, kind, func(cur cases.Case, seq uint64, at time.Time) (cases.IssuedDocument, error) {
		return docs.Prepare(kind, docs.Input{Case: cur, Events: events, Rules: rs, Agency: ag, Now: at}, seq, at)
	})
	var unfit *docs.UnfitError
	if errors.As(err, &unfit) {
		return c, nil
	}
	if err != nil {
		return c, err
	}
	return got, nil
}

// earlyPapers: the inspection record and, in the ordinary procedure, the
// prior notice, issued when the case is filed.
func (d *demoCase) earlyPapers() error {
	disp := d.c.Disposition(d.book.InForce(d.c.Content.OccurredAt))
	if !disp.Penalty || disp.Procedure != rules.ProcedureOrdinary || !disp.Fixed() {
		return nil
	}
	for _, k := range []string{agency.KindInspection, agency.KindNotice} {
		c, err := demoIssue(d.st, d.c, k, d.book)
		if err != nil {
			return err
		}
		d.c = c
	}
	return nil
}

// decisionPaper issues the decision of an ordinary-procedure case once it
// is decided: a 行政处罚决定书 or a 不予行政处罚决定书.
func (d *demoCase) decisionPaper() error {
	c := d.c
	if !cases.Decided(c.Status) {
		return nil
	}
	disp := c.Disposition(d.book.InForce(c.Content.OccurredAt))
	kind := agency.KindDecision
	switch {
	case disp.Referral:
		return nil
	case !disp.Penalty:
		kind = agency.KindNoPenalty
	case disp.Procedure != rules.ProcedureOrdinary:
		return nil
	}
	got, err := demoIssue(d.st, c, kind, d.book)
	if err == nil {
		d.c = got
	}
	return err
}

// notice serves the prior notice of an ordinary-procedure penalty when the
// case is filed, and records what the party did with it: an explicit
// waiver, a statement the agency reviewed, or nothing (the period runs).
func (d *demoCase) notice() error {
	disp := d.c.Disposition(d.book.InForce(d.c.Content.OccurredAt))
	if disp.Penalty && disp.Procedure == rules.ProcedureSimple {
		b := cases.Briefing{At: *d.clock, Waived: true}
		if d.rng.IntN(2) == 0 {
			b = cases.Briefing{At: *d.clock, Said: "当事人承认违法事实，表示立即改正"}
		}
		return d.do(d.st.RecordBriefing(demoOfficer, d.c.ID, b))
	}
	if !disp.Penalty || disp.Procedure != rules.ProcedureOrdinary {
		return nil
	}
	served := *d.clock
	if doc, ok := d.c.Document(agency.KindNotice); ok {
		served = doc.IssuedAt
	}
	if err := d.do(d.st.RecordNotice(demoOfficer, d.c.ID, cases.Notice{Kind: cases.NoticePrior, ServedAt: served, Method: "direct",
		Note: "直接送达，当事人签收"})); err != nil {
		return err
	}
	if n, _ := d.c.PriorNotice(); n.HearingRight && d.rng.Float64() < 0.4 {
		// The party asks for a hearing; it is set for three weeks on, the
		// hearing notice served the same day (Art. 64).
		if err := d.do(d.st.RecordHearing(demoOfficer, d.c.ID, cases.HearingStep{Stage: cases.HearingRequested, At: served})); err != nil {
			return err
		}
		host := demoLegal
		return d.do(d.st.RecordHearing(demoOfficer, d.c.ID, cases.HearingStep{Stage: cases.HearingScheduled, At: served.AddDate(0, 0, 21),
			Host: &host, NoticeServed: &served, Place: "南岸区城市管理局三楼听证室"}))
	}
	switch r := d.rng.Float64(); {
	case r < 0.35:
		return d.do(d.st.RecordStatement(demoOfficer, d.c.ID, cases.Statement{At: served, Waived: true}))
	case r < 0.7:
		no := false
		return d.do(d.st.RecordStatement(demoOfficer, d.c.ID, cases.Statement{At: served,
			Summary: "当事人称系初次经营，请求从轻处罚", Accepted: &no, Reason: "所述情节已在裁量中考虑，不再减轻"}))
	}
	return nil
}

// afterDecision serves the decision, takes the fine and closes the case,
// as far as the demo's target and clock reach.
func (d *demoCase) afterDecision(target int) error {
	if err := d.decisionPaper(); err != nil {
		return err
	}
	c := d.c
	disp := c.Disposition(d.book.InForce(c.Content.OccurredAt))
	kind := agency.KindDecision
	switch {
	case !disp.Penalty:
		kind = agency.KindNoPenalty
	case disp.Procedure == rules.ProcedureSimple:
		// The on-the-spot decision is handed over when issued (Art. 52).
		got, err := demoIssue(d.st, c, agency.KindOnsite, d.book)
		if err != nil {
			return err
		}
		d.c, c = got, got
	}
	if _, ok := c.Document(kind); ok {
		if _, served := c.DecisionServed(); !served {
			d.later()
			if err := d.do(d.st.RecordService(demoOfficer, c.ID, cases.Service{Doc: kind, ServedAt: *d.clock, Method: "direct", Note: "当事人签收"})); err != nil {
				return err
			}
		}
	}
	if target != demoClosed {
		// Some fines stay unpaid: past the fifteen days the party is
		// reminded (催告, 行政强制法第五十四条).
		sv, served := d.c.DecisionServed()
		if !served || d.c.Outstanding(d.now) <= 0 {
			return nil
		}
		if d.rng.IntN(3) > 0 { // most pay within the fifteen days
			d.later()
			return d.do(d.st.RecordPayment(demoOfficer, c.ID, cases.Payment{Amount: d.c.Outstanding(*d.clock), PaidAt: *d.clock, Receipt: fmt.Sprintf("工行转账%08d", d.rng.IntN(1e8))}))
		}
		at := cases.PaymentDue(sv.ServedAt, cases.PeriodsOf(nil)).AddDate(0, 0, 3).Add(10 * time.Hour)
		if at.After(d.now) {
			return nil
		}
		*d.clock = at
		return d.do(d.st.RecordService(demoOfficer, c.ID, cases.Service{Doc: "reminder", ServedAt: at, Method: "post", Note: "挂号邮寄，当事人签收"}))
	}
	reason := "executed"
	switch {
	case disp.Referral:
		reason = "transferred"
	case disp.Ground == cases.GroundNotEstablished:
		reason = "not_established"
	case !disp.Penalty:
		reason = "not_penalised"
	case disp.Fine != nil:
		d.later()
		if owe := d.c.Outstanding(*d.clock); owe > 0 {
			if err := d.do(d.st.RecordPayment(demoOfficer, c.ID, cases.Payment{Amount: owe, PaidAt: *d.clock, Receipt: fmt.Sprintf("工行转账%08d", d.rng.IntN(1e8))})); err != nil {
				return err
			}
		}
	}
	d.later()
	err := d.do(d.st.CloseCase(demoHead, c.ID, reason, "经审查，"+cases.ClosingReasonLabel(reason)+"，同意结案归档。"))
	var pe *cases.ProcedureError
	if errors.As(err, &pe) {
		return nil
	}
	return err
}

// holdHearing holds a scheduled hearing whose day has come, with its
// record (笔录) put into the evidence vault (Art. 64(八), 65).
func (d *demoCase) holdHearing() error {
	var at time.Time
	for _, h := range d.c.Proceedings.Hearing {
		switch h.Stage {
		case cases.HearingScheduled:
			at = h.At
		case cases.HearingHeld, cases.HearingWaived:
			return nil
		}
	}
	if at.IsZero() || at.After(d.now.Add(-time.Hour)) {
		return nil
	}
	f, err := os.CreateTemp("", "听证笔录-*.txt")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	fmt.Fprintf(f, "听证笔录\n案件：%s\n当事人：%s\n时间：%s\n当事人陈述：对违法事实无异议，请求从轻处罚。\n", d.c.ID, d.c.Content.Party.Name, at.In(cases.ChinaTime()).Format("2006-01-02 15:04"))
	if err := f.Close(); err != nil {
		return err
	}
	sha, _, err := d.st.ImportEvidence(f.Name(), nil)
	if err != nil {
		return err
	}
	if at.After(*d.clock) {
		*d.clock = at.Add(30 * time.Minute) // at is an hour or more before now
	}
	return d.do(d.st.RecordHearing(demoOfficer, d.c.ID, cases.HearingStep{Stage: cases.HearingHeld, At: at, Record: sha, RecordName: "听证笔录.txt"}))
}
