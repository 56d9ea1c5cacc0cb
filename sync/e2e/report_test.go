package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/report"
	"fieldcase/cases/store"
	"fieldcase/sync/device"
	"fieldcase/sync/hq"
	"fieldcase/sync/hq/storetest"
)

func fineOf(v float64) *float64 { return &v }

// TestDistrictFiguresFromRealDevices: two officers' laptops record
// random cases — persons and organisations, fines and no-penalty outcomes,
// drafts — and a supervisor's laptop approves or returns what it pulls;
// the officers then record the fines paid; on each store. After everyone has
// synced, HQ's figures equal the sum of the officers' device stores'
// own figures (each holds its own cases and the supervisor's decisions on
// them), and equal the supervisor's device store's figures, which hold
// every case: the device stores count as they go, HQ replays the logs, and
// both count through report.Deltas.
func TestDistrictFiguresFromRealDevices(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend, st hq.Store) {
		ctx := context.Background()
		hs := serveHQ(t, st, fastServer)
		if err := hs.hq.SetPolicy(ctx, twoLevel); err != nil {
			t.Fatal(err)
		}
		opt := device.ClientOptions{RequestTimeout: 10 * time.Second}
		officers := []*laptop{
			enrol(t, hs.hq, hs.url, "南坪中队-01", wang, opt),
			enrol(t, hs.hq, hs.url, "弹子石中队-01", zhao, opt),
		}
		sup := enrol(t, hs.hq, hs.url, "审核-李四", li, opt)
		for _, d := range append(officers, sup) {
			d.mustRound()
		}
		rng := rand.New(rand.NewPCG(17, 29))
		n := 0
		for _, o := range officers {
			book, err := o.st.Rules()
			if err != nil {
				t.Fatal(err)
			}
			for range 8 {
				n++
				c := content(o.user, fmt.Sprintf("当事人%d", n), storetest.ResidentID(n), 2+rng.IntN(48))
				c.Violation = []string{"CG01", "CG03", "CG09"}[rng.IntN(3)]
				switch rng.IntN(3) {
				case 0:
					c.Circumstances = cases.Circumstances{Harm: cases.HarmMinor, ProposedFine: fineOf(100)}
				case 1:
					c.Circumstances = cases.Circumstances{Minor: true, Corrected: true, Harm: cases.HarmNone}
				}
				if rng.IntN(3) == 0 {
					c.Party = cases.Party{Kind: cases.PartyOrg, Name: fmt.Sprintf("重庆市南岸区第%d商贸有限公司", n), USCC: storetest.USCC(n), LegalRep: "刘德明"}
				}
				draft := rng.IntN(6) == 0
				if _, err := o.st.AddCases(o.user.Actor(), book, []store.NewCase{{Content: c}}, draft); err != nil {
					t.Fatalf("%s: %v", o.name, err)
				}
			}
			o.mustRound()
		}
		sup.mustRound()
		pending, err := sup.st.List(store.Filter{Status: cases.StatusSubmitted, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range pending {
			if i%4 == 3 {
				if _, err := sup.st.Return(li.Actor(), c.ID, "补充现场照片"); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if _, err := sup.st.Approve(li.Actor(), c.ID, "同意"); err != nil {
				t.Fatalf("approve %s: %v", c.ID, err)
			}
		}
		sup.mustRound()
		// The officers learn the decisions and record the fines paid.
		paid := 0
		for _, o := range officers {
			o.mustRound()
			decided, err := o.st.List(store.Filter{Status: cases.StatusApproved, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range decided {
				if d := c.Disposition(nil); d.Fine != nil && *d.Fine > 0 {
					if _, err := o.st.RecordPayment(o.user.Actor(), c.ID, cases.Payment{Amount: float64(*d.Fine) / 100, PaidAt: time.Now(), Receipt: "SK" + c.ID[:8]}); err != nil {
						t.Fatalf("%s pays %s: %v", o.name, c.ID, err)
					}
					paid++
				}
			}
			o.mustRound()
		}
		sup.mustRound()
		if paid == 0 {
			t.Fatal("no fine was decided")
		}

		from, to := report.DayOf(time.Now().AddDate(0, 0, -10)), report.DayOf(time.Now().AddDate(0, 0, 1))
		asOf := time.Now()
		var sum []report.Figures
		for _, o := range officers {
			f, err := report.Compute(o.st, from, to, asOf, nil)
			if err != nil {
				t.Fatal(err)
			}
			sum = append(sum, f)
		}
		reviewer, err := report.Compute(sup.st, from, to, asOf, nil)
		if err != nil {
			t.Fatal(err)
		}
		d, err := hs.hq.Report(ctx, hq.ReportQuery{From: from, To: to, AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		if d.Recorded != int64(n) || d.Decided == 0 || d.Returned == 0 || d.Payments != int64(paid) || d.CollectedYuan == "0" {
			t.Fatalf("HQ recorded %d of %d, decided %d, returned %d", d.Recorded, n, d.Decided, d.Returned)
		}
		want, got := storetest.SumFigures(sum), storetest.SumFigures([]report.Figures{d.Figures})
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: HQ %d, officers' devices %d", k, got[k], v)
			}
		}
		a, _ := json.Marshal(reviewer)
		c, _ := json.Marshal(d.Figures)
		if string(a) != string(c) {
			t.Errorf("the supervisor's device, which holds every case, counts otherwise than HQ:\n%s\n%s", a, c)
		}
	})
}
