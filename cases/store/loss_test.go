package store

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

func eventHash(t *testing.T, st *Store, seq uint64) string {
	t.Helper()
	var h string
	if err := st.view(func(tx *bolt.Tx) error {
		_, e, err := st.outboxEvent(tx, seq)
		h = e.Hash
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return h
}

// intact is the store's verify, which must find no failure; the warnings
// it gives are returned.
func intact(t *testing.T, st *Store, when string) []Problem {
	t.Helper()
	problems, _, err := st.Verify()
	if err != nil || len(Failures(problems)) != 0 {
		t.Fatalf("%s: %v %v", when, problems, err)
	}
	return problems
}

func wantWarning(t *testing.T, problems []Problem, says ...string) {
	t.Helper()
	for _, p := range problems {
		all := p.Warning
		for _, s := range says {
			all = all && strings.Contains(p.String(), s)
		}
		if all {
			return
		}
	}
	t.Fatalf("no warning saying %q among %v", says, problems)
}

// A deleted case HQ never received: the store names its seqs and case in a
// declaration signed with the device key; once HQ's acceptance is
// acknowledged, the outbox goes on after the gap from the hash before it,
// the case leaves the indexes and counters, and Verify names the range as
// declared instead of failing — also after the next event is recorded.
func TestDeclaredLossOfADeletedCase(t *testing.T) {
	dir, ids := threeCases(t)
	removeCase(t, dir, ids[1], false)
	st := openTest(t, dir)
	if l, err := st.LostAfter(0); err != nil || l != nil {
		t.Fatalf("lost after 0: %+v %v", l, err)
	}
	l, err := st.LostAfter(2)
	if err != nil || l == nil {
		t.Fatalf("lost after 2: %+v %v", l, err)
	}
	if l.Device != st.DeviceID() || l.From != 3 || l.Through != 4 || len(l.Cases) != 1 || l.Cases[0] != ids[1] || l.PrevHash != eventHash(t, st, 2) {
		t.Fatalf("declaration %+v", l)
	}
	sig, _ := base64.StdEncoding.DecodeString(l.Sig)
	if !ed25519.Verify(st.SigningPublicKey(), l.message(), sig) {
		t.Fatal("the declaration is not signed by the device key")
	}
	again, _ := st.LostAfter(2)
	if again.Digest() != l.Digest() {
		t.Fatal("a second declaration of the same loss differs: a retry would not be a duplicate")
	}
	if err := st.Acknowledge(Ack{Through: 4, Loss: l}); err != nil {
		t.Fatal(err)
	}
	if err := st.Acknowledge(Ack{Through: 4, Loss: l}); err != nil {
		t.Fatalf("the same acceptance again: %v", err)
	}
	if ls, err := st.DeclaredLosses(); err != nil || len(ls) != 1 || ls[0].DeclaredAt.IsZero() {
		t.Fatalf("declared: %+v %v", ls, err)
	}
	out, err := st.Outbox(4, 10)
	if err != nil || len(out) != 2 || out[0].Seq != 5 || out[0].PrevHash != eventHash(t, st, 2) {
		t.Fatalf("outbox after the gap: %+v %v", out, err)
	}
	if l, err := st.LostAfter(4); err != nil || l != nil {
		t.Fatalf("a declared loss is lost again: %+v %v", l, err)
	}
	// HQ restored from a backup that predates the declaration: the same
	// declaration is sent again.
	if err := st.ResetAcked(2); err != nil {
		t.Fatal(err)
	}
	if again, err := st.LostAfter(2); err != nil || again == nil || again.Digest() != l.Digest() {
		t.Fatalf("declaration for an HQ that lost it: %+v %v", again, err)
	}
	if err := st.Acknowledge(Ack{Through: 4, Loss: l}); err != nil {
		t.Fatalf("acceptance by the restored HQ: %v", err)
	}
	problems := intact(t, st, "verify after the declaration")
	wantWarning(t, problems, "第 3–4 条", "向 HQ 申报丢失", ids[1])
	if cs, err := st.List(Filter{}); err != nil || len(cs) != 2 {
		t.Fatalf("cases listed: %d %v", len(cs), err)
	}
	create(t, st, sampleContent("赵六", "11010519491231002X", time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)))
	intact(t, st, "verify after the next event")
	if evs, err := st.DeviceEvents(); err != nil || len(evs) != 5 {
		t.Fatalf("device events: %d %v", len(evs), err)
	}
	if err := st.Acknowledge(Ack{Loss: &Loss{Device: st.DeviceID(), From: 1, Through: 1}}); err == nil {
		t.Fatal("a held event recorded as declared lost")
	}
}

// A cut tail — the newest case removed with its outbox entries and
// next_seq put back — is declared from the sealed chain, and its seqs are
// never numbered again.
func TestDeclaredLossOfACutTail(t *testing.T) {
	dir, ids := threeCases(t)
	removeCase(t, dir, ids[2], true)
	tamperRaw(t, dir, func(events, _ *bolt.Bucket) error {
		return events.Tx().Bucket(bRoot).Bucket(bMeta).Put(kNextSeq, u64(5))
	})
	st := openTest(t, dir)
	if out, err := st.Outbox(4, 10); err != nil || len(out) != 0 {
		t.Fatalf("outbox: %v %v", out, err)
	}
	l, err := st.LostAfter(4)
	if err != nil || l == nil || l.From != 5 || l.Through != 6 || len(l.Cases) != 0 || l.PrevHash != eventHash(t, st, 4) {
		t.Fatalf("declaration %+v %v", l, err)
	}
	if err := st.Acknowledge(Ack{Through: 6, Loss: l}); err != nil {
		t.Fatal(err)
	}
	problems := intact(t, st, "verify")
	wantWarning(t, problems, "第 5–6 条", "向 HQ 申报丢失")
	c := create(t, st, sampleContent("赵六", "11010519491231002X", time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)))
	var seq uint64
	st.view(func(tx *bolt.Tx) error {
		var e struct{ Seq uint64 }
		_, err := st.getJSON(tx, bEvents, eventKey(mustCaseKey(c.ID), 1), &e)
		seq = e.Seq
		return err
	})
	if seq != 7 {
		t.Fatalf("the next event is numbered %d, want 7", seq)
	}
	intact(t, st, "verify after the next event")
}

// A cut tail, then a new case recorded before any sync: the new events
// are numbered after the chain's last seq, never over the lost ones, so
// the gap stays visible and is declared like any other.
func TestRecordingAfterACutTailKeepsTheGap(t *testing.T) {
	dir, ids := threeCases(t)
	removeCase(t, dir, ids[2], true)
	tamperRaw(t, dir, func(events, _ *bolt.Bucket) error {
		return events.Tx().Bucket(bRoot).Bucket(bMeta).Put(kNextSeq, u64(5))
	})
	st := openTest(t, dir)
	create(t, st, sampleContent("赵六", "11010519491231002X", time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)))
	if ss, err := st.SyncState(); err != nil || ss.LastSeq != 7 {
		t.Fatalf("after recording: %+v %v", ss, err)
	}
	problems, _, err := st.Verify()
	if err != nil {
		t.Fatal(err)
	}
	wantProblem(t, problems, "", "第 5–6 条", "无法确定所属案件")
	l, err := st.LostAfter(4)
	if err != nil || l == nil || l.From != 5 || l.Through != 6 {
		t.Fatalf("declaration %+v %v", l, err)
	}
	if err := st.Acknowledge(Ack{Through: 6, Loss: l}); err != nil {
		t.Fatal(err)
	}
	intact(t, st, "verify after the declaration")
	if out, err := st.Outbox(6, 10); err != nil || len(out) != 1 || out[0].Seq != 7 || out[0].PrevHash != eventHash(t, st, 4) {
		t.Fatalf("outbox after the gap: %+v %v", out, err)
	}
}

// A case pushed, its answer lost, then deleted here: HQ holds seqs 3–4.
// The part of the run HQ holds is settled as held (acked_through moves to
// its end, its case is marked to be rebuilt), the outbox goes on from HQ's
// hash, Verify names the range as held at HQ, and bringing the case back
// from HQ's copy restores it without counting its figures twice. When HQ
// holds only part of the run, the rest is declared lost after it.
func TestHeldAtHQAfterALostAnswer(t *testing.T) {
	setUp := func(t *testing.T) (*Store, []string, map[uint64]string, []cases.Event, []DayCounts) {
		dir, ids := threeCases(t)
		st := openTest(t, dir)
		if err := st.Acknowledge(Ack{Through: 2}); err != nil {
			t.Fatal(err)
		}
		hashes := map[uint64]string{}
		for seq := uint64(1); seq <= 6; seq++ {
			hashes[seq] = eventHash(t, st, seq)
		}
		log, err := st.Events(ids[1])
		if err != nil {
			t.Fatal(err)
		}
		figures, err := st.DailyCounts(0, 1<<31)
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
		removeCase(t, dir, ids[1], false)
		return openTest(t, dir), ids, hashes, log, figures
	}

	t.Run("all held", func(t *testing.T) {
		st, ids, hashes, log, figures := setUp(t)
		for _, c := range []struct {
			after, hqLast uint64
		}{{4, 4}, {2, 2}} {
			if l, err := st.HeldAfter(c.after, c.hqLast, hashes[c.hqLast]); err != nil || l != nil {
				t.Fatalf("held after %d with HQ at %d: %+v %v", c.after, c.hqLast, l, err)
			}
		}
		held, err := st.HeldAfter(2, 4, hashes[4])
		if err != nil || held == nil || !held.Held || held.From != 3 || held.Through != 4 || held.ChainHead != hashes[4] ||
			len(held.Cases) != 1 || held.Cases[0] != ids[1] || held.Sig != "" {
			t.Fatalf("held part %+v %v", held, err)
		}
		for range 2 { // a retried acknowledgement changes nothing
			if err := st.Acknowledge(Ack{Through: held.Through, Loss: held, Stale: held.Cases}); err != nil {
				t.Fatal(err)
			}
		}
		if ss, err := st.SyncState(); err != nil || ss.AckedThrough != 4 || ss.Stale != 1 {
			t.Fatalf("sync state %+v %v", ss, err)
		}
		out, err := st.Outbox(4, 10)
		if err != nil || len(out) != 2 || out[0].Seq != 5 || out[0].PrevHash != hashes[4] {
			t.Fatalf("outbox after the held run: %+v %v", out, err)
		}
		if l, err := st.LostAfter(4); err != nil || l != nil {
			t.Fatalf("the held run is declared lost: %+v %v", l, err)
		}
		if l, err := st.LostAfter(2); err != nil || l != nil {
			t.Fatalf("the held run is declared lost from before it: %+v %v", l, err)
		}
		problems := intact(t, st, "verify after the settlement")
		wantWarning(t, problems, "第 3–4 条", "HQ 已保存", "同步时从 HQ 取回", ids[1])
		if cs, err := st.List(Filter{}); err != nil || len(cs) != 2 {
			t.Fatalf("cases listed: %d %v", len(cs), err)
		}

		// Brought back from HQ's copy: the figures stay as they were.
		if err := st.RebuildCase(ids[1], log); err != nil {
			t.Fatal(err)
		}
		if again, err := st.DailyCounts(0, 1<<31); err != nil || fmt.Sprint(again) != fmt.Sprint(figures) {
			t.Fatalf("figures before the loss %v, after the case came back %v (%v)", figures, again, err)
		}
		problems, _, err = st.Verify()
		if err != nil || len(Failures(problems)) != 0 {
			t.Fatalf("verify after the case came back: %v %v", problems, err)
		}
		wantWarning(t, problems, "第 3–4 条", "HQ 已保存", "已从 HQ 取回")
		if cs, err := st.List(Filter{}); err != nil || len(cs) != 3 {
			t.Fatalf("cases listed after the rebuild: %d %v", len(cs), err)
		}
		if evs, err := st.DeviceEvents(); err != nil || len(evs) != 6 {
			t.Fatalf("device events: %d %v", len(evs), err)
		}
		create(t, st, sampleContent("赵六", "11010519491231002X", time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)))
		intact(t, st, "verify after the next event")
	})

	t.Run("part held", func(t *testing.T) {
		st, ids, hashes, _, _ := setUp(t)
		held, err := st.HeldAfter(2, 3, hashes[3])
		if err != nil || held == nil || held.From != 3 || held.Through != 3 || held.ChainHead != hashes[3] {
			t.Fatalf("held part %+v %v", held, err)
		}
		if err := st.Acknowledge(Ack{Through: 3, Loss: held, Stale: held.Cases}); err != nil {
			t.Fatal(err)
		}
		l, err := st.LostAfter(3)
		if err != nil || l == nil || l.Held || l.From != 4 || l.Through != 4 || l.PrevHash != hashes[3] || l.Sig == "" {
			t.Fatalf("declaration after the held part: %+v %v", l, err)
		}
		if err := st.Acknowledge(Ack{Through: 4, Loss: l}); err != nil {
			t.Fatal(err)
		}
		out, err := st.Outbox(4, 10)
		if err != nil || len(out) != 2 || out[0].Seq != 5 || out[0].PrevHash != hashes[3] {
			t.Fatalf("outbox after the loss: %+v %v", out, err)
		}
		problems := intact(t, st, "verify")
		wantWarning(t, problems, "第 3 条", "HQ 已保存", ids[1])
		wantWarning(t, problems, "第 4 条", "向 HQ 申报丢失", ids[1])
	})
}

// A declaration HQ says it recorded (loss_held, the answer lost) is taken
// only as this device's own: its id, signed with its key, starting right
// after what HQ settled and continuing the hash before it. Taken, it is
// acknowledged as declared lost, not held at HQ.
func TestDeclaredEarlierIsTheDevicesOwn(t *testing.T) {
	dir, ids := threeCases(t)
	removeCase(t, dir, ids[1], false)
	st := openTest(t, dir)
	l, err := st.LostAfter(2)
	if err != nil || l == nil {
		t.Fatalf("lost after 2: %+v %v", l, err)
	}
	_, other, _ := ed25519.GenerateKey(nil)
	resign := func(l Loss) Loss {
		l.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(other, l.message()))
		return l
	}
	mutate := func(fn func(*Loss)) Loss { c := *l; fn(&c); return c }
	refused := []struct {
		name  string
		after uint64
		l     Loss
	}{
		{"another key", 2, resign(*l)},
		{"changed after signing", 2, mutate(func(c *Loss) { c.Cases = nil })},
		{"another device", 2, resign(mutate(func(c *Loss) { c.Device = ids[0] }))},
		{"not after what HQ settled", 1, *l},
		{"held, not declared", 2, mutate(func(c *Loss) { c.Held = true })},
		{"off the chain", 2, func() Loss {
			c := mutate(func(c *Loss) { c.PrevHash = strings.Repeat("0", 64) })
			ring, _ := st.ring()
			c.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(ring.sign, c.message()))
			return c
		}()},
	}
	for _, tt := range refused {
		if got, err := st.DeclaredEarlier(tt.after, tt.l); err == nil {
			t.Errorf("%s: taken as the device's own: %+v", tt.name, got)
		}
	}
	got, err := st.DeclaredEarlier(2, *l)
	if err != nil || got.Digest() != l.Digest() || got.Held {
		t.Fatalf("the device's own declaration: %+v %v", got, err)
	}
	if err := st.Acknowledge(Ack{Through: got.Through, Loss: got}); err != nil {
		t.Fatal(err)
	}
	problems := intact(t, st, "verify")
	wantWarning(t, problems, "第 3–4 条", "向 HQ 申报丢失", ids[1])
	for _, p := range problems {
		if strings.Contains(p.String(), "HQ 已保存") {
			t.Fatalf("a declared range named as held at HQ: %v", p)
		}
	}
}

// A run settled as held at HQ (seqs 3–4, its case deleted here) that HQ
// no longer holds once it is restored from an older backup: acked_through
// goes back below it, and the run is declared lost with the device key,
// continuing the hash before it. When HQ kept the run's first part
// (acked_through inside it), only the rest is declared, continuing HQ's
// chain head there, and the part HQ kept stays held. A declaration that
// does not end where the held run does is refused.
func TestHeldRunHQNoLongerHolds(t *testing.T) {
	setUp := func(t *testing.T) (*Store, []string, map[uint64]string) {
		dir, ids := threeCases(t)
		st := openTest(t, dir)
		if err := st.Acknowledge(Ack{Through: 2}); err != nil {
			t.Fatal(err)
		}
		hashes := map[uint64]string{}
		for seq := uint64(1); seq <= 6; seq++ {
			hashes[seq] = eventHash(t, st, seq)
		}
		st.Close()
		removeCase(t, dir, ids[1], false)
		st = openTest(t, dir)
		held, err := st.HeldAfter(2, 4, hashes[4])
		if err != nil || held == nil {
			t.Fatalf("held part %+v %v", held, err)
		}
		if err := st.Acknowledge(Ack{Through: 4, Loss: held}); err != nil {
			t.Fatal(err)
		}
		if err := st.Acknowledge(Ack{Through: 6}); err != nil {
			t.Fatal(err)
		}
		if l, err := st.HeldGoneAfter(6, hashes[6]); err != nil || l != nil {
			t.Fatalf("a declaration after the last seq: %+v %v", l, err)
		}
		return st, ids, hashes
	}

	t.Run("all gone", func(t *testing.T) {
		st, ids, hashes := setUp(t)
		if err := st.ResetAcked(2); err != nil {
			t.Fatal(err)
		}
		if l, err := st.LostAfter(2); err != nil || l != nil {
			t.Fatalf("LostAfter over the held run: %+v %v", l, err)
		}
		if _, err := st.HeldGoneAfter(2, hashes[1]); err == nil {
			t.Fatal("a declaration continuing another hash than HQ's")
		}
		l, err := st.HeldGoneAfter(2, hashes[2])
		if err != nil || l == nil || l.Held || !l.HeldBefore || l.From != 3 || l.Through != 4 || l.PrevHash != hashes[2] ||
			l.Sig == "" || len(l.Cases) != 1 || l.Cases[0] != ids[1] {
			t.Fatalf("declaration of the held run: %+v %v", l, err)
		}
		short := *l
		short.Through = 3
		if err := st.Acknowledge(Ack{Through: 3, Loss: &short}); err == nil {
			t.Fatal("a declaration of part of the held run's tail was recorded")
		}
		for range 2 { // a retried acknowledgement changes nothing
			if err := st.Acknowledge(Ack{Through: 4, Loss: l}); err != nil {
				t.Fatal(err)
			}
		}
		declared, err := st.DeclaredLosses()
		if err != nil || len(declared) != 1 || declared[0].Held || !declared[0].HeldBefore {
			t.Fatalf("declared losses: %+v %v", declared, err)
		}
		out, err := st.Outbox(4, 10)
		if err != nil || len(out) != 2 || out[0].Seq != 5 || out[0].PrevHash != hashes[2] {
			t.Fatalf("outbox after the declaration: %+v %v", out, err)
		}
		problems := intact(t, st, "verify")
		wantWarning(t, problems, "第 3–4 条", "HQ 从较早的备份恢复后不再保存", "向 HQ 申报丢失", ids[1])
		for _, p := range problems {
			if strings.Contains(p.Detail, "HQ 已保存") {
				t.Fatalf("verify still names the run as held at HQ: %v", p.Detail)
			}
		}
	})

	t.Run("part kept", func(t *testing.T) {
		st, ids, hashes := setUp(t)
		if err := st.ResetAcked(3); err != nil {
			t.Fatal(err)
		}
		if _, err := st.HeldGoneAfter(3, ""); err == nil {
			t.Fatal("a declaration after the part HQ kept, without HQ's chain head")
		}
		l, err := st.HeldGoneAfter(3, hashes[3])
		if err != nil || l == nil || !l.HeldBefore || l.From != 4 || l.Through != 4 || l.PrevHash != hashes[3] || l.Sig == "" {
			t.Fatalf("declaration of the part HQ lost: %+v %v", l, err)
		}
		if err := st.Acknowledge(Ack{Through: 4, Loss: l}); err != nil {
			t.Fatal(err)
		}
		declared, err := st.DeclaredLosses()
		if err != nil || len(declared) != 2 || !declared[0].Held || declared[0].Through != 3 || declared[0].ChainHead != hashes[3] ||
			declared[1].Held || declared[1].From != 4 {
			t.Fatalf("declared losses: %+v %v", declared, err)
		}
		out, err := st.Outbox(4, 10)
		if err != nil || len(out) != 2 || out[0].Seq != 5 || out[0].PrevHash != hashes[3] {
			t.Fatalf("outbox after the declaration: %+v %v", out, err)
		}
		problems := intact(t, st, "verify")
		wantWarning(t, problems, "第 3 条", "HQ 已保存", ids[1])
		wantWarning(t, problems, "第 4 条", "HQ 从较早的备份恢复后不再保存", ids[1])
	})
}
