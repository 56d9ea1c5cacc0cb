package e2e_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/sync/device"
	"fieldcase/sync/hq"
	"fieldcase/sync/internal/faultnet"
)

// soakRounds is how many seeded steps the soak runs per store.
const soakRounds = 60

// TestSoakThroughFaults: two officers and two supervisors work and sync
// through a proxy that cuts requests and responses part-way, delays, and
// duplicates requests. After many seeded steps and then a clean network,
// every event is at HQ exactly once, every chain verifies and every device
// holds HQ's copy of each case in its scope.
func TestSoakThroughFaults(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend, st hq.Store) {
		ctx := context.Background()
		seed := uint64(20261129)
		rng := rand.New(rand.NewPCG(seed, 1))
		hs := serveHQ(t, st, fastServer)
		if err := hs.hq.SetPolicy(ctx, twoLevel); err != nil {
			t.Fatal(err)
		}
		proxy, err := faultnet.Start(strings.TrimPrefix(hs.url, "http://"), seed, faultnet.Faults{})
		if err != nil {
			t.Fatal(err)
		}
		defer proxy.Close()
		// A new connection per request, so that every request meets the dice.
		opt := device.ClientOptions{RequestTimeout: 2 * time.Second, Attempts: 2, Batch: 7,
			Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil}}
		o1 := enrol(t, hs.hq, proxy.URL(), "一中队-01", wang, opt)
		o2 := enrol(t, hs.hq, proxy.URL(), "一中队-02", zhao, opt)
		s1 := enrol(t, hs.hq, proxy.URL(), "审核-李四", li, opt)
		s2 := enrol(t, hs.hq, proxy.URL(), "审核-陈七", chen, opt)
		devs := []*laptop{o1, o2, s1, s2}
		for _, d := range devs {
			d.mustRound()
		}
		proxy.SetFaults(faultnet.Faults{CutRequest: 0.12, CutResponse: 0.15, Delay: 0.1, Duplicate: 0.15, MaxDelay: 300 * time.Millisecond})
		parties := []struct{ name, id string }{
			{"张三", "11010519491231002X"}, {"张叁", "11010519491231002X"}, {"李四", "440524198001010013"},
			{"王五", "110101199003074477"}, {"赵六", "500103198506120034"},
		}
		failed, duplicates := 0, 0
		for step := range soakRounds {
			d := devs[rng.IntN(len(devs))]
			switch d.user.Role {
			case cases.RoleOfficer:
				switch x := rng.IntN(10); {
				case x < 5:
					p := parties[rng.IntN(len(parties))]
					var photo []byte
					if rng.IntN(4) == 0 {
						photo = bytes.Repeat([]byte(fmt.Sprintf("photo %d ", step)), 20000+rng.IntN(50000))
					}
					d.record(content(d.user, p.name, p.id, 1+rng.IntN(400)), photo)
				case x < 8:
					fixReturned(t, d, rng)
				}
			default:
				decideOne(t, d, rng)
			}
			r, err := d.round()
			if err != nil {
				failed++
			}
			if device.IsQuarantined(err) {
				t.Fatalf("step %d: faults on the way quarantined %s: %v", step, d.name, err)
			}
			duplicates += r.Duplicates
		}
		stats := proxy.Stats()
		t.Logf("%s: %d steps, %d rounds failed on the way, %d events answered from stored results; proxy %+v", b.name, soakRounds, failed, duplicates, stats)
		if stats.CutRequests == 0 || stats.CutResponses == 0 || stats.Duplicates == 0 || stats.Delays == 0 {
			t.Fatalf("faults were not injected: %+v", stats)
		}
		proxy.SetFaults(faultnet.Faults{})
		settle(t, devs...)
		checkConverged(t, st, devs...)
		// Cut, repeated and delayed requests are the network's doing, never
		// tampering: no device was ever quarantined.
		ds, err := hs.hq.Devices(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.Quarantine != nil || len(d.Released) > 0 || d.Alert != "" {
				t.Fatalf("device %s was quarantined by network faults: %+v %+v", d.Name, d.Quarantine, d.Released)
			}
		}
	})
}

// fixReturned corrects and resubmits one of the officer's returned cases.
func fixReturned(t *testing.T, d *laptop, rng *rand.Rand) {
	t.Helper()
	cs, err := d.st.List(store.Filter{Status: cases.StatusReturned, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) == 0 {
		return
	}
	c := cs[rng.IntN(len(cs))]
	fixed := c.Content
	fixed.Facts += fmt.Sprintf("（补正 %d）", rng.IntN(1000))
	if _, err := d.st.SaveContent(d.user.Actor(), c.ID, fixed); err != nil {
		t.Fatalf("%s edit: %v", d.name, err)
	}
	book, _ := d.st.Rules()
	if _, err := d.st.Submit(d.user.Actor(), c.ID, book); err != nil {
		t.Fatalf("%s resubmit: %v", d.name, err)
	}
}

// decideOne approves or returns one submitted case the supervisor holds.
func decideOne(t *testing.T, d *laptop, rng *rand.Rand) {
	t.Helper()
	cs, err := d.st.List(store.Filter{Status: cases.StatusSubmitted, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) == 0 {
		return
	}
	c := cs[rng.IntN(len(cs))]
	if rng.IntN(2) == 0 {
		_, err = d.st.Approve(d.user.Actor(), c.ID, "同意")
		var pe *cases.ProcedureError
		if errors.As(err, &pe) { // no prior notice served yet (Art. 44): send it back
			_, err = d.st.Return(d.user.Actor(), c.ID, "请先送达事先告知书")
		}
	} else {
		_, err = d.st.Return(d.user.Actor(), c.ID, "请补充证据")
	}
	if err != nil {
		t.Fatalf("%s decide: %v", d.name, err)
	}
}
