package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"fieldcase/cases/store"
	"fieldcase/cases/store/storefix"
	"fieldcase/sync/device"
	"fieldcase/sync/hq"
	"fieldcase/sync/proto"
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

// TestDeclarationHeldAtHQGrowsBeforeRetry: a case is deleted before it was
// pushed; the laptop declares its seqs a–b lost, HQ records the
// declaration, the answer is lost. Before the next round the next case,
// never pushed either, is deleted too, so the laptop's declaration is now
// a–c. HQ refuses it (loss_held: a–b are settled, by the earlier
// declaration). Before, the laptop settled a–b as events held at HQ: a
// false notice, the case asked of HQ, which never had it, and verify
// saying for good that HQ holds a–b. Now a–b is settled as the laptop's
// own declaration HQ recorded: the officer is told they are declared
// lost, nothing is fetched back, b+1–c is declared next, and verify names
// both ranges as declared lost to HQ.
func TestDeclarationHeldAtHQGrowsBeforeRetry(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend, st hq.Store) {
		ctx := context.Background()
		hs := serveHQ(t, st, fastServer)
		o := enrol(t, hs.hq, hs.url, "一中队-01", wang, device.ClientOptions{})
		first := o.record(content(wang, "张三", "11010519491231002X", 5), nil)
		o.mustRound()
		lost1 := o.record(content(wang, "李四", "440524198001010013", 4), nil)
		lost2 := o.record(content(wang, "王二", "11010519491231002X", 3), nil)
		after := o.record(content(wang, "赵六", "11010519491231002X", 2), nil).Events
		a := first.Events + 1
		bb := a + lost1.Events - 1
		c := bb + lost2.Events

		drop := &loseFirstLossAnswer{}
		o.reopen(t, device.ClientOptions{Transport: drop, Attempts: 1}, func() { storefix.DeleteCase(t, o.dir, lost1.ID) })
		if _, err := o.round(); err == nil || !drop.lost.Load() {
			t.Fatalf("the round whose declaration answer was lost: %v", err)
		}
		losses, err := hs.hq.Losses(ctx, "")
		if err != nil || len(losses) != 1 || losses[0].From != a || losses[0].Through != bb {
			t.Fatalf("HQ's losses after the first declaration: %+v %v", losses, err)
		}

		rs := o.reopen(t, device.ClientOptions{}, func() { storefix.DeleteCase(t, o.dir, lost2.ID) })
		r, err := o.round()
		if err != nil {
			t.Fatalf("round after the second loss: %v (%+v)", err, r)
		}
		if len(r.Held) != 0 || r.Rebuilt != 0 || hasNotice(r.Notices, proto.NoticeHeld) {
			t.Fatalf("seqs HQ holds as a declaration were settled as events held at HQ: %+v", r)
		}
		if r.Pushed != int(after) || len(r.Lost) != 2 ||
			!strings.Contains(r.Lost[0], seqs(a, bb)) || !strings.Contains(r.Lost[0], proto.ShortID(lost1.ID)) || !strings.Contains(r.Lost[0], "此前已向 HQ 申报丢失") ||
			!strings.Contains(r.Lost[1], seqs(bb+1, c)) || !strings.Contains(r.Lost[1], proto.ShortID(lost2.ID)) {
			t.Fatalf("round after the second loss: %+v", r)
		}
		if stale, err := rs.StaleCases(); err != nil || len(stale) != 0 {
			t.Fatalf("cases left to fetch from HQ: %v %v", stale, err)
		}
		losses, err = hs.hq.Losses(ctx, "")
		if err != nil || len(losses) != 2 || losses[1].From != bb+1 || losses[1].Through != c || len(losses[1].Cases) != 1 || losses[1].Cases[0] != lost2.ID {
			t.Fatalf("HQ's losses: %+v %v", losses, err)
		}

		problems := verifiedIntact(t, rs, "verify after the settlement")
		wantNoProblemSaying(t, problems, "verify names a declared range as held at HQ", "HQ 已保存")
		wantWarning(t, problems, "verify does not name the first range as declared lost", "向 HQ 申报丢失", lost1.ID, seqs(a, bb))
		wantWarning(t, problems, "verify does not name the second range as declared lost", "向 HQ 申报丢失", seqs(bb+1, c))

		settledForGood(t, o, st, rs)
	})
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

// oldHQ strips loss_held's held range from HQ's answers, as an HQ from
// before it would answer; stripped counts them.
type oldHQ struct{ stripped atomic.Int32 }

func (o *oldHQ) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusConflict {
		return resp, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var body map[string]json.RawMessage
	if json.Unmarshal(data, &body) == nil && string(body["code"]) == `"`+proto.CodeLossHeld+`"` {
		if _, ok := body["held"]; ok {
			o.stripped.Add(1)
		}
		delete(body, "held")
		data, _ = json.Marshal(body)
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))
	resp.ContentLength = int64(len(data))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// TestHeldAtHQThatDoesNotSayHow: an HQ from before loss_held said how it
// holds the seqs. A run HQ holds as events is settled as held at HQ as
// before, the rest declared after it.
func TestHeldAtHQThatDoesNotSayHow(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend, st hq.Store) {
		hs := serveHQ(t, st, fastServer)
		o, drop, first := enrolLosingAnswers(t, hs)
		held := o.record(content(wang, "李四", "440524198001010013", 4), nil)
		o.answerLost(t, drop)
		lost := o.record(content(wang, "王二", "11010519491231002X", 3), nil)
		old := &oldHQ{}
		rs := o.reopen(t, device.ClientOptions{Transport: old}, func() {
			storefix.DeleteCase(t, o.dir, held.ID)
			storefix.DeleteCase(t, o.dir, lost.ID)
		})
		heldFrom := first.Events + 1
		lostFrom := heldFrom + held.Events
		r := o.mustRound()
		if len(r.Held) != 1 || !strings.Contains(r.Held[0], seqs(heldFrom, lostFrom-1)) ||
			len(r.Lost) != 1 || !strings.Contains(r.Lost[0], seqs(lostFrom, lostFrom+lost.Events-1)) || r.Rebuilt != 1 || old.stripped.Load() != 1 {
			t.Fatalf("round after the deletions: %+v", r)
		}
		verifiedIntact(t, rs, "verify")
		wantReceiptCoversAll(t, rs, st)
	})
}
