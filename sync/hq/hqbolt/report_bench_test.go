package hqbolt

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/report"
	"fieldcase/sync/hq"
	"fieldcase/sync/hq/storetest"
)

// BenchmarkHQReportYear: the district's figures for a year over an HQ
// holding 2,000 decided cases (four events each), written straight into
// the store. HQ replays every log, so ns/op grows with the events HQ holds.
func BenchmarkHQReportYear(b *testing.B) {
	const n = 2000
	s, err := Open(b.TempDir(), 0)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	start := time.Date(2026, 1, 1, 9, 0, 0, 0, cases.ChinaTime())
	c := storetest.Content("当事人", storetest.ResidentID(1), start, storetest.Wang)
	decision := storetest.Decision(b, c, nil, start)
	err = s.Update(ctx, func(tx hq.Tx) error {
		for i := range n {
			id := fmt.Sprintf("case-%05d", i)
			at := start.Add(time.Duration(i) * (360 * 24 * time.Hour / n))
			steps := []struct {
				kind    cases.EventKind
				actor   cases.User
				payload any
			}{
				{cases.EventCreated, storetest.Wang, cases.ContentPayload{Content: c}},
				{cases.EventDecisionMade, storetest.Wang, decision},
				{cases.EventSubmitted, storetest.Wang, cases.CommentPayload{}},
				{cases.EventApproved, storetest.Li, cases.CommentPayload{Comment: "同意"}},
			}
			var proj cases.Case
			for j, st := range steps {
				p, _ := json.Marshal(st.payload)
				e := cases.Event{ID: fmt.Sprintf("%s-%d", id, j), CaseID: id, Index: uint64(j + 1), Device: "dev", Actor: st.actor.Actor(),
					At: at.Add(time.Duration(j) * time.Hour), Kind: st.kind, Payload: p}
				e.Hash = e.ComputeHash()
				if err := cases.Apply(&proj, e); err != nil {
					return err
				}
				raw, _ := json.Marshal(e)
				if err := tx.PutEvent(id, e.Index, raw); err != nil {
					return err
				}
			}
			if err := tx.PutCase(hq.CaseRecord{Case: proj, Creator: "dev"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	h := hq.NewHQ(s, nil, nil)
	q := hq.ReportQuery{From: report.DayOf(start), To: report.DayOf(start.AddDate(1, 0, -1)), AsOf: start.AddDate(1, 0, 0), By: report.ByMonth}
	b.ResetTimer()
	for b.Loop() {
		d, err := h.Report(ctx, q)
		if err != nil || d.Decided != n {
			b.Fatalf("%d decided, %v", d.Decided, err)
		}
	}
}
