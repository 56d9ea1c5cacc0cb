package e2e_test

import (
	"context"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/store/procfix"
	"fieldcase/sync/device"
	"fieldcase/sync/hq"
)

// TestProcedureStepsSync: the steps of the procedure (行政处罚法 Art. 44,
// 45, 62, 67) are ordinary events: recorded on the officer's laptop, they
// reach HQ and the supervisor's laptop, the decision made there comes
// back, and the payment recorded after it reaches everyone.
func TestProcedureStepsSync(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend, st hq.Store) {
		ctx := context.Background()
		hq := serveHQ(t, st, fastServer)
		if err := hq.hq.SetPolicy(ctx, twoLevel); err != nil {
			t.Fatal(err)
		}
		opt := device.ClientOptions{RequestTimeout: 10 * time.Second}
		o1 := enrol(t, hq.hq, hq.url, "南岸一中队-01", wang, opt)
		s1 := enrol(t, hq.hq, hq.url, "审核-李四", li, opt)
		o1.mustRound()
		s1.mustRound()
		c := content(wang, "张三", "11010519491231002X", 30)
		c.Circumstances = cases.Circumstances{Harm: cases.HarmMinor}
		fine := 300.0
		c.Circumstances.ProposedFine = &fine
		a := o1.record(c, nil)
		procfix.Notified(t, o1.st, wang.Actor(), a.ID, time.Now().Add(-time.Minute))
		o1.mustRound()
		s1.mustRound()
		got, err := s1.st.Get(a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n, ok := got.PriorNotice(); !ok || n.Proposal == nil || len(got.Proceedings.Statements) != 1 {
			t.Fatalf("the supervisor's copy lacks the notice or the waiver: %+v %+v", got.Review.Notices, got.Proceedings)
		}
		if _, err := s1.st.Approve(li.Actor(), a.ID, "同意"); err != nil {
			t.Fatal(err)
		}
		s1.mustRound()
		o1.mustRound()
		if got, _ := o1.st.Get(a.ID); got.Status != cases.StatusApproved {
			t.Fatalf("the officer's copy is %s", got.Status)
		}
		if _, err := o1.st.RecordPayment(wang.Actor(), a.ID, cases.Payment{Amount: 300, PaidAt: time.Now(), Receipt: "工行转账001"}); err != nil {
			t.Fatal(err)
		}
		o1.mustRound()
		s1.mustRound()
		if got, _ := s1.st.Get(a.ID); got.Paid() != 300 {
			t.Fatalf("the payment did not reach the supervisor: %+v", got.Proceedings)
		}
		checkConverged(t, st, o1, s1)
	})
}
