package e2e_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/cases/store/storefix"
	"fieldcase/sync/device"
	"fieldcase/sync/hq"
	"fieldcase/sync/hq/storetest"
	"fieldcase/sync/proto"
)

// loseFirstLossAnswer delivers the first push that carries a loss
// declaration to HQ and loses HQ's answer on the way back, so the client
// sends the declaration again.
type loseFirstLossAnswer struct {
	lost atomic.Bool
}

func (l *loseFirstLossAnswer) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil && req.URL.Path == proto.PathPush && bytes.Contains(body, []byte(`"loss":{`)) && l.lost.CompareAndSwap(false, true) {
		resp.Body.Close()
		return nil, errors.New("connection reset (test)")
	}
	return resp, err
}

// TestDeletedCaseIsDeclaredLost: a whole case (record and events) is
// deleted from a laptop's file before it was ever pushed. Before loss
// declarations the laptop stopped at the first lost event for good. Now it
// tells HQ which of its events are lost (the answer to the first try is
// lost, so it is sent twice), and goes on: HQ lists the loss once and
// accepts the events after the gap, a second round has nothing to do,
// HQ's receipt verifies on the laptop, and its verify names the range as
// declared lost to HQ.
func TestDeletedCaseIsDeclaredLost(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend, st hq.Store) {
		ctx := context.Background()
		hs := serveHQ(t, st, fastServer)
		o := enrol(t, hs.hq, hs.url, "一中队-01", wang, device.ClientOptions{})
		first := o.record(content(wang, "张三", "11010519491231002X", 5), nil)
		o.mustRound()
		lost := o.record(content(wang, "李四", "440524198001010013", 4), nil)
		after := o.record(content(wang, "王二", "11010519491231002X", 3), nil)
		drop := &loseFirstLossAnswer{}
		rs := o.reopen(t, device.ClientOptions{Transport: drop}, func() { storefix.DeleteCase(t, o.dir, lost.ID) })
		if problems, _, err := rs.Verify(); err != nil || len(store.Failures(problems)) == 0 {
			t.Fatalf("verify before the round names no loss: %v %v", problems, err)
		}

		from, through := first.Events+1, first.Events+lost.Events
		r := o.mustRound()
		if r.Pushed != int(after.Events) || len(r.Lost) != 1 || !strings.Contains(r.Lost[0], "HQ 已记录") || !strings.Contains(r.Lost[0], proto.ShortID(lost.ID)) {
			t.Fatalf("round after the loss: %+v", r)
		}
		if !drop.lost.Load() {
			t.Fatal("no declaration was sent")
		}
		if !hasNotice(r.Notices, proto.NoticeLoss) {
			t.Fatalf("the officer is not told: %+v", r.Notices)
		}
		losses, err := hs.hq.Losses(ctx, "一中队-01")
		if err != nil || len(losses) != 1 {
			t.Fatalf("HQ's losses: %+v %v", losses, err)
		}
		if l := losses[0]; l.From != from || l.Through != through || len(l.Cases) != 1 || l.Cases[0] != lost.ID || l.Device != rs.DeviceID() {
			t.Fatalf("HQ's loss record %+v, want %d–%d of %s", l, from, through, lost.ID)
		}
		if len(hqLog(t, st, lost.ID)) != 0 || len(hqLog(t, st, after.ID)) != int(after.Events) {
			t.Fatal("HQ's logs after the loss")
		}

		// A second round has nothing to push or declare.
		r = o.mustRound()
		if r.Pushed != 0 || len(r.Lost) != 0 || r.Pending != 0 {
			t.Fatalf("second round: %+v", r)
		}
		if losses, _ := hs.hq.Losses(ctx, ""); len(losses) != 1 {
			t.Fatalf("HQ's losses after the second round: %+v", losses)
		}

		// HQ's receipt covers the device's last event and verifies.
		wantReceiptCoversAll(t, rs, st)
		problems := verifiedIntact(t, rs, "verify after the declaration")
		wantWarning(t, problems, "verify does not name the declared range", "向 HQ 申报丢失", lost.ID, seqs(from, through))

		recordingGoesOn(t, o, st, rs)
	})
}

func seqs(from, through uint64) string {
	if from == through {
		return fmt.Sprintf("第 %d 条", from)
	}
	return fmt.Sprintf("第 %d–%d 条", from, through)
}

// losePushAnswers delivers every push to HQ and loses HQ's answer on the
// way back while on: HQ stores the events, the device never hears it.
type losePushAnswers struct {
	on atomic.Bool
}

func (l *losePushAnswers) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil && req.URL.Path == proto.PathPush && l.on.Load() {
		resp.Body.Close()
		return nil, errors.New("connection reset (test)")
	}
	return resp, err
}

// enrolLosingAnswers enrols a laptop at hs whose push answers drop can
// lose, and records and syncs a first case.
func enrolLosingAnswers(t *testing.T, hs *hqServer) (o *laptop, drop *losePushAnswers, first cases.Case) {
	t.Helper()
	drop = &losePushAnswers{}
	o = enrol(t, hs.hq, hs.url, "一中队-01", wang, device.ClientOptions{Transport: drop, Attempts: 1})
	first = o.record(content(wang, "张三", "11010519491231002X", 5), nil)
	o.mustRound()
	return o, drop, first
}

// answerLost runs a round whose push HQ stores and whose answer is lost.
func (d *laptop) answerLost(t *testing.T, drop *losePushAnswers) {
	t.Helper()
	drop.on.Store(true)
	defer drop.on.Store(false)
	if _, err := d.round(); err == nil {
		t.Fatal("the round whose answer was lost succeeded")
	}
}

// TestDeletedCaseHeldAtHQIsSettled: a case is pushed, HQ stores it but the
// answer is lost, then the case is deleted from the laptop's file. Before,
// the laptop declared the gap lost, HQ rightly refused (loss_held: it
// holds those events), and sync stopped there for good. Now the laptop
// takes HQ's state at the start of the round: the gap lies within what HQ
// holds, so it is settled as held at HQ, the officer is told, later events
// are pushed, the case is brought back from HQ's copy without counting its
// figures twice, verify names the range as held at HQ, a second round has
// nothing to do, and HQ's receipt verifies.
func TestDeletedCaseHeldAtHQIsSettled(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend, st hq.Store) {
		ctx := context.Background()
		hs := serveHQ(t, st, fastServer)
		o, drop, first := enrolLosingAnswers(t, hs)
		held := o.record(content(wang, "李四", "440524198001010013", 4), nil)
		o.answerLost(t, drop)
		if n := len(hqLog(t, st, held.ID)); n != int(held.Events) {
			t.Fatalf("HQ holds %d events of the case, want %d", n, held.Events)
		}
		after := o.record(content(wang, "王二", "11010519491231002X", 3), nil)
		today := store.DayOf(time.Now())
		figures, err := o.st.DailyCounts(today-30, today)
		if err != nil {
			t.Fatal(err)
		}
		rs := o.reopen(t, device.ClientOptions{}, func() { storefix.DeleteCase(t, o.dir, held.ID) })

		from, through := first.Events+1, first.Events+held.Events
		r := o.mustRound()
		if r.Pushed != int(after.Events) || len(r.Lost) != 0 || len(r.Held) != 1 || !strings.Contains(r.Held[0], seqs(from, through)) ||
			!strings.Contains(r.Held[0], proto.ShortID(held.ID)) || !strings.Contains(r.Held[0], "HQ 已保存") {
			t.Fatalf("round after the deletion: %+v", r)
		}
		if !hasNotice(r.Notices, proto.NoticeHeld) {
			t.Fatalf("the officer is not told: %+v", r.Notices)
		}
		if losses, err := hs.hq.Losses(ctx, ""); err != nil || len(losses) != 0 {
			t.Fatalf("HQ's losses: %+v %v", losses, err)
		}
		if len(hqLog(t, st, after.ID)) != int(after.Events) {
			t.Fatal("the events after the gap are not at HQ")
		}

		// The case is back from HQ's copy, its figures counted once.
		if r.Rebuilt != 1 {
			t.Fatalf("rebuilt %d cases, want the held one", r.Rebuilt)
		}
		if c, err := rs.Get(held.ID); err != nil || c.Events != held.Events {
			t.Fatalf("the held case after the round: %+v %v", c, err)
		}
		again, err := rs.DailyCounts(today-30, today)
		if err != nil || fmt.Sprint(again) != fmt.Sprint(figures) {
			t.Fatalf("daily figures before the deletion %v, after the case came back %v (%v)", figures, again, err)
		}

		problems := verifiedIntact(t, rs, "verify after the settlement")
		wantWarning(t, problems, "verify does not name the range held at HQ", "HQ 已保存", held.ID, seqs(from, through))

		settledForGood(t, o, st, rs)
	})
}

// TestCutTailHeldAtHQIsSettled: the newest case is pushed, the answer is
// lost, then the file's tail is cut (the case gone with its outbox
// entries). The seqs HQ holds are settled as held at HQ, though no case
// can be named, the case comes back from HQ with its figures counted
// once, and recording goes on after HQ's last seq.
func TestCutTailHeldAtHQIsSettled(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend, st hq.Store) {
		hs := serveHQ(t, st, fastServer)
		o, drop, first := enrolLosingAnswers(t, hs)
		held := o.record(content(wang, "李四", "440524198001010013", 4), nil)
		o.answerLost(t, drop)
		today := store.DayOf(time.Now())
		figures, err := o.st.DailyCounts(today-30, today)
		if err != nil {
			t.Fatal(err)
		}
		rs := o.reopen(t, device.ClientOptions{}, func() { storefix.CutTail(t, o.dir, held.ID) })

		from, through := first.Events+1, first.Events+held.Events
		r := o.mustRound()
		if len(r.Lost) != 0 || len(r.Held) != 1 || !strings.Contains(r.Held[0], seqs(from, through)) || !strings.Contains(r.Held[0], "HQ 已保存") {
			t.Fatalf("round after the cut: %+v", r)
		}
		if c, err := rs.Get(held.ID); err != nil || c.Events != held.Events {
			t.Fatalf("the held case after the round: %+v %v", c, err)
		}
		if again, err := rs.DailyCounts(today-30, today); err != nil || fmt.Sprint(again) != fmt.Sprint(figures) {
			t.Fatalf("daily figures before the cut %v, after the case came back %v (%v)", figures, again, err)
		}
		problems := verifiedIntact(t, rs, "verify after the settlement")
		wantWarning(t, problems, "verify does not name the range held at HQ", "HQ 已保存", seqs(from, through), "已从 HQ 取回")
		if r := o.mustRound(); r.Pushed != 0 || len(r.Held) != 0 || r.Pending != 0 {
			t.Fatalf("second round: %+v", r)
		}
		recordingGoesOn(t, o, st, rs)
	})
}

// TestLostRunPartlyHeldAtHQ: one case pushed with its answer lost, the
// next never pushed, then both deleted: one run of lost seqs, of which HQ
// holds the first part. That part is settled as held at HQ and the rest
// declared lost after it, continuing HQ's chain head; HQ lists only the
// declared part, and later events are pushed.
func TestLostRunPartlyHeldAtHQ(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend, st hq.Store) {
		ctx := context.Background()
		hs := serveHQ(t, st, fastServer)
		o, drop, first := enrolLosingAnswers(t, hs)
		held := o.record(content(wang, "李四", "440524198001010013", 4), nil)
		o.answerLost(t, drop)
		lost := o.record(content(wang, "王二", "11010519491231002X", 3), nil)
		after := o.record(content(wang, "赵六", "11010519491231002X", 2), nil)
		rs := o.reopen(t, device.ClientOptions{}, func() {
			storefix.DeleteCase(t, o.dir, held.ID)
			storefix.DeleteCase(t, o.dir, lost.ID)
		})

		heldFrom := first.Events + 1
		lostFrom := heldFrom + held.Events
		r := o.mustRound()
		if r.Pushed != int(after.Events) || len(r.Held) != 1 || !strings.Contains(r.Held[0], seqs(heldFrom, lostFrom-1)) ||
			len(r.Lost) != 1 || !strings.Contains(r.Lost[0], seqs(lostFrom, lostFrom+lost.Events-1)) || !strings.Contains(r.Lost[0], proto.ShortID(lost.ID)) {
			t.Fatalf("round after the deletions: %+v", r)
		}
		losses, err := hs.hq.Losses(ctx, "")
		if err != nil || len(losses) != 1 || losses[0].From != lostFrom || len(losses[0].Cases) != 1 || losses[0].Cases[0] != lost.ID {
			t.Fatalf("HQ's losses: %+v %v", losses, err)
		}
		if c, err := rs.Get(held.ID); err != nil || c.Events != held.Events {
			t.Fatalf("the held case after the round: %+v %v", c, err)
		}
		verifiedIntact(t, rs, "verify")
		if r := o.mustRound(); r.Pushed != 0 || len(r.Held) != 0 || len(r.Lost) != 0 || r.Pending != 0 {
			t.Fatalf("second round: %+v", r)
		}
	})
}

// TestHeldRunBeforeHeldEvents: two cases pushed in one push whose answer
// was lost, then only the first deleted. The held run ends before HQ's
// last seq, so HQ's hash of its last event is not known here; the second
// case's events, which HQ holds too, are pushed again and settled as
// duplicates, and the device ends where HQ is.
func TestHeldRunBeforeHeldEvents(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend, st hq.Store) {
		hs := serveHQ(t, st, fastServer)
		o, drop, first := enrolLosingAnswers(t, hs)
		held := o.record(content(wang, "李四", "440524198001010013", 4), nil)
		kept := o.record(content(wang, "王二", "11010519491231002X", 3), nil)
		o.answerLost(t, drop)
		rs := o.reopen(t, device.ClientOptions{}, func() { storefix.DeleteCase(t, o.dir, held.ID) })

		r := o.mustRound()
		if len(r.Held) != 1 || !strings.Contains(r.Held[0], seqs(first.Events+1, first.Events+held.Events)) ||
			r.Pushed != int(kept.Events) || r.Duplicates != int(kept.Events) || len(r.Lost) != 0 {
			t.Fatalf("round after the deletion: %+v", r)
		}
		ss, _ := rs.SyncState()
		if ss.AckedThrough != ss.LastSeq || ss.LastSeq != first.Events+held.Events+kept.Events {
			t.Fatalf("sync state %+v", ss)
		}
		verifiedIntact(t, rs, "verify")
		recordingGoesOn(t, o, st, rs)
	})
}

// recordingGoesOn: after a settlement, a case recorded next is pushed whole
// in the next round, with nothing lost, held or duplicated; HQ holds it and
// the laptop's verify finds no failure.
func recordingGoesOn(t *testing.T, o *laptop, st hq.Store, rs *store.Store) {
	t.Helper()
	next := o.record(content(wang, "赵六", "11010519491231002X", 2), nil)
	if r := o.mustRound(); r.Pushed != int(next.Events) || r.Duplicates != 0 || len(r.Lost) != 0 || len(r.Held) != 0 {
		t.Fatalf("round after recording again: %+v", r)
	}
	if n := len(hqLog(t, st, next.ID)); n != int(next.Events) {
		t.Fatalf("HQ holds %d events of the next case", n)
	}
	verifiedIntact(t, rs, "verify after recording again")
}

// verifiedIntact is the laptop's verify, which must find no failure; the
// warnings it gives are returned.
func verifiedIntact(t *testing.T, rs *store.Store, when string) []store.Problem {
	t.Helper()
	problems, _, err := rs.Verify()
	if err != nil || len(store.Failures(problems)) != 0 {
		t.Fatalf("%s: %v %v", when, problems, err)
	}
	return problems
}

// wantWarning fails unless one warning's detail says every part.
func wantWarning(t *testing.T, problems []store.Problem, fail string, parts ...string) {
	t.Helper()
	if p, ok := problemSaying(problems, parts); !ok || !p.Warning {
		t.Fatalf("%s: %v", fail, problems)
	}
}

// wantNoProblemSaying fails if any problem's detail says every part.
func wantNoProblemSaying(t *testing.T, problems []store.Problem, fail string, parts ...string) {
	t.Helper()
	if p, ok := problemSaying(problems, parts); ok {
		t.Fatalf("%s: %v", fail, p.Detail)
	}
}

// problemSaying is the first problem whose detail says every part,
// preferring a warning.
func problemSaying(problems []store.Problem, parts []string) (store.Problem, bool) {
	var found store.Problem
	ok := false
	for _, p := range problems {
		all := true
		for _, part := range parts {
			all = all && strings.Contains(p.Detail, part)
		}
		if all && (!ok || p.Warning && !found.Warning) {
			found, ok = p, true
		}
	}
	return found, ok
}

// settledForGood: after a settlement, a second round has nothing to push,
// declare, settle or fetch; HQ's receipt covers all; recording goes on.
func settledForGood(t *testing.T, o *laptop, st hq.Store, rs *store.Store) {
	t.Helper()
	if r := o.mustRound(); r.Pushed != 0 || len(r.Lost) != 0 || len(r.Held) != 0 || r.Pending != 0 || r.Rebuilt != 0 {
		t.Fatalf("second round: %+v", r)
	}
	wantReceiptCoversAll(t, rs, st)
	recordingGoesOn(t, o, st, rs)
}

// wantReceiptCoversAll: HQ's receipt kept on the laptop verifies with
// HQ's key and covers the device's last event, which HQ has acknowledged.
func wantReceiptCoversAll(t *testing.T, rs *store.Store, st hq.Store) {
	t.Helper()
	data, err := rs.HQReceipt()
	if err != nil {
		t.Fatal(err)
	}
	rc, err := proto.ParseReceipt(data)
	if err != nil {
		t.Fatal(err)
	}
	ss, _ := rs.SyncState()
	_, hqPub := storetest.SignKeys(t, st)
	if rc.Verify(hqPub) != nil || rc.Through != ss.LastSeq || ss.AckedThrough != ss.LastSeq {
		t.Fatalf("receipt %+v, state %+v", rc, ss)
	}
}
