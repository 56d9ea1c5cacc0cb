package e2e_test

import (
	"context"
	"strings"
	"testing"

	"fieldcase/cases/store"
	"fieldcase/cases/store/storefix"
	"fieldcase/sync/device"
	"fieldcase/sync/hq"
)

// reopen closes the laptop's store, lets damage do its work on the file,
// and opens it again under a client with opt.
func (d *laptop) reopen(t *testing.T, opt device.ClientOptions, damage func()) *store.Store {
	t.Helper()
	d.st.Close()
	damage()
	rs, err := openDeviceStore(d.dir, wang, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rs.Close() })
	d.st, d.c = rs, device.NewClient(rs, opt)
	return rs
}

// TestDeclarationRetriedUnchangedIsDuplicate: the answer to a declaration
// is lost and nothing more is lost before the next round: the laptop
// declares the same range again, signed the same, and HQ answers it as a
// duplicate; one loss at HQ, none settled as held.
func TestDeclarationRetriedUnchangedIsDuplicate(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend, st hq.Store) {
		ctx := context.Background()
		hs := serveHQ(t, st, fastServer)
		o := enrol(t, hs.hq, hs.url, "一中队-01", wang, device.ClientOptions{})
		first := o.record(content(wang, "张三", "11010519491231002X", 5), nil)
		o.mustRound()
		lost := o.record(content(wang, "李四", "440524198001010013", 4), nil)
		after := o.record(content(wang, "王二", "11010519491231002X", 3), nil)
		drop := &loseFirstLossAnswer{}
		o.reopen(t, device.ClientOptions{Transport: drop, Attempts: 1}, func() { storefix.DeleteCase(t, o.dir, lost.ID) })
		if _, err := o.round(); err == nil || !drop.lost.Load() {
			t.Fatalf("the round whose declaration answer was lost: %v", err)
		}
		rs := o.reopen(t, device.ClientOptions{}, func() {})
		r := o.mustRound()
		a, bb := first.Events+1, first.Events+lost.Events
		if len(r.Held) != 0 || len(r.Lost) != 1 || !strings.Contains(r.Lost[0], seqs(a, bb)) || r.Pushed != int(after.Events) {
			t.Fatalf("round after the lost answer: %+v", r)
		}
		if losses, err := hs.hq.Losses(ctx, ""); err != nil || len(losses) != 1 {
			t.Fatalf("HQ's losses: %+v %v", losses, err)
		}
		wantWarning(t, verifiedIntact(t, rs, "verify"), "verify does not name the declared range", "向 HQ 申报丢失", lost.ID, seqs(a, bb))
		wantReceiptCoversAll(t, rs, st)
	})
}
