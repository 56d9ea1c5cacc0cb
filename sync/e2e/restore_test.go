package e2e_test

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/cases/store/storefix"
	"fieldcase/sync/device"
	"fieldcase/sync/hq"
	"fieldcase/sync/internal/pgtest"
	"fieldcase/sync/proto"
)

// TestRestoreFromAnOlderBackup: a laptop is backed up, records and pushes
// more, and dies. Its backup restored on a new laptop waits for a sync,
// learns how far HQ holds its history, and numbers new events after it:
// HQ sees no replay that differs (no quarantine), and nothing is pushed twice.
func TestRestoreFromAnOlderBackup(t *testing.T) {
	st := backends[0].open(t, backends[0].target(t))
	t.Cleanup(func() { st.Close() })
	hs := serveHQ(t, st, fastServer)
	o := enrol(t, hs.hq, hs.url, "一中队-01", wang, device.ClientOptions{})
	o.record(content(wang, "张三", "11010519491231002X", 5), nil)
	o.mustRound()
	var backup bytes.Buffer
	if _, err := o.st.Backup(&backup, testPass); err != nil {
		t.Fatal(err)
	}
	later := o.record(content(wang, "李四", "440524198001010013", 4), nil)
	o.mustRound() // HQ now holds more than the backup
	o.st.Close()  // the laptop dies

	dir := filepath.Join(t.TempDir(), "new")
	if _, err := store.Restore(bytes.NewReader(backup.Bytes()), dir, testPass); err != nil {
		t.Fatal(err)
	}
	rs, err := openDeviceStore(dir, wang, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rs.Close() })
	n := &laptop{t: t, name: "一中队-01（恢复）", dir: dir, st: rs, c: device.NewClient(rs, device.ClientOptions{}), user: wang}
	book, err := rs.Rules()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rs.AddCases(wang.Actor(), book, []store.NewCase{{Content: content(wang, "王二", "11010519491231002X", 1)}}, false); !errors.Is(err, store.ErrSyncAfterRestore) {
		t.Fatalf("recording before the first sync: %v", err)
	}
	// The first sync brings back the case the dead laptop pushed after the
	// backup: HQ addresses its events to the device that created it.
	if r := n.mustRound(); r.Pulled != int(later.Events) {
		t.Fatalf("pulled %d events after the restore, want the later case's %d: %+v", r.Pulled, later.Events, r)
	}
	if got, err := rs.Get(later.ID); err != nil || got.Events != later.Events || got.Head != later.Head {
		t.Fatalf("the case pushed after the backup, on the restored laptop: %+v %v", got, err)
	}
	c := n.record(content(wang, "王二", "11010519491231002X", 1), nil)
	// A replay that differs would be refused here with a quarantine.
	if r := n.mustRound(); r.Pushed != int(c.Events) {
		t.Fatalf("pushed %d events after the restore, want the new case's %d: %+v", r.Pushed, c.Events, r)
	}
	problems, _, err := rs.Verify()
	if err != nil || len(store.Failures(problems)) != 0 {
		t.Fatalf("verify the restored device: %v %v", problems, err)
	}
	named := false
	for _, p := range problems {
		named = named || p.Warning && strings.Contains(p.Detail, "从备份恢复") && strings.Contains(p.Detail, "已随同步从 HQ 取回")
	}
	if !named {
		t.Fatalf("verify does not say the adopted range came back: %v", problems)
	}
}

// hqSnapshot copies the HQ store at target (backend b) as a backup taken
// with HQ stopped; the function it returns puts HQ back to that copy (the
// store closed first by the caller) and rotates its epoch, as the admin's
// restore does, returning HQ reopened and serving on addr.
func hqSnapshot(t *testing.T, b backend, target string) func(addr string) (hq.Store, *hqServer) {
	t.Helper()
	restore := func(addr string) (hq.Store, *hqServer) {
		st := b.open(t, target)
		t.Cleanup(func() { st.Close() })
		hs := serveHQAt(t, st, addr)
		if _, err := hs.hq.RotateEpoch(context.Background()); err != nil {
			t.Fatal(err)
		}
		return st, hs
	}
	if b.name == "bbolt" {
		backup := filepath.Join(t.TempDir(), "hq.db")
		copyFile(t, filepath.Join(target, "hq.db"), backup)
		return func(addr string) (hq.Store, *hqServer) {
			copyFile(t, backup, filepath.Join(target, "hq.db"))
			return restore(addr)
		}
	}
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	backup := pgtest.DSN(t)
	bu, _ := url.Parse(backup)
	backupName := strings.TrimPrefix(bu.Path, "/")
	admin := pgtest.DSN(t) // a database of its own to run the copies from: a template takes no connections
	pgExec := func(sqls ...string) {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		for _, q := range sqls {
			if _, err := conn.Exec(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	pgExec("DROP DATABASE "+backupName+" WITH (FORCE)", "CREATE DATABASE "+backupName+" TEMPLATE "+name)
	return func(addr string) (hq.Store, *hqServer) {
		pgExec("DROP DATABASE "+name+" WITH (FORCE)", "CREATE DATABASE "+name+" TEMPLATE "+backupName)
		return restore(addr)
	}
}

// heldThenHQRestored: a case is pushed, HQ stores it but the answer is
// lost, and damage (a deleted case, a cut tail) takes it from the
// laptop's file; the next round settles its seqs as held at HQ and brings
// the case back from HQ's copy, and a later case is pushed. Then HQ is
// restored from a backup taken before that push, with a new epoch. It
// returns the laptop, HQ as restored, the two cases and the held range.
func heldThenHQRestored(t *testing.T, b backend, damage func(dir, id string)) (o *laptop, st hq.Store, hs *hqServer, held, after cases.Case, from, through uint64) {
	t.Helper()
	target := b.target(t)
	st = b.open(t, target)
	hs = serveHQ(t, st, fastServer)
	addr := strings.TrimPrefix(hs.url, "http://")
	o, drop, first := enrolLosingAnswers(t, hs)

	hs.srv.Close()
	st.Close()
	restoreHQ := hqSnapshot(t, b, target)
	st = b.open(t, target)
	hs = serveHQAt(t, st, addr)

	held = o.record(content(wang, "李四", "440524198001010013", 4), nil)
	o.answerLost(t, drop)
	o.reopen(t, device.ClientOptions{}, func() { damage(o.dir, held.ID) })
	from, through = first.Events+1, first.Events+held.Events
	if r := o.mustRound(); len(r.Held) != 1 || !strings.Contains(r.Held[0], seqs(from, through)) {
		t.Fatalf("round after the damage: %+v", r)
	}
	if c, err := o.st.Get(held.ID); err != nil || c.Events != held.Events {
		t.Fatalf("the held case back from HQ: %+v %v", c, err)
	}
	after = o.record(content(wang, "王二", "11010519491231002X", 3), nil)
	if r := o.mustRound(); r.Pushed != int(after.Events) {
		t.Fatalf("round after the settlement: %+v", r)
	}

	hs.srv.Close()
	st.Close()
	st, hs = restoreHQ(addr)
	return o, st, hs, held, after, from, through
}

// TestHeldRangeLostByHQRestore: the held case's tail was cut from the
// laptop's file, outbox entries and all; HQ, restored, no longer holds
// its seqs either. Before, the laptop reset its acked seq below the range
// and its push stopped there for good (ErrOutboxGap, "待同步记录缺失").
// Now the laptop declares the range lost to HQ, continuing HQ's chain
// head, tells the officer, pushes what came after, and verify names the
// range as declared lost to HQ after HQ's restore, no longer held there.
func TestHeldRangeLostByHQRestore(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			o, st, hs, held, after, from, through := heldThenHQRestored(t, b, func(dir, id string) { storefix.CutTail(t, dir, id) })
			rs := o.st
			r, err := o.round()
			if err != nil {
				t.Fatalf("round after HQ's restore: %v (%+v)", err, r)
			}
			if !r.EpochChanged || r.Pushed != int(after.Events) || len(r.Held) != 0 || len(r.Lost) != 1 ||
				!strings.Contains(r.Lost[0], seqs(from, through)) || !strings.Contains(r.Lost[0], proto.ShortID(held.ID)) ||
				!strings.Contains(r.Lost[0], "HQ 已从较早的备份恢复") || !strings.Contains(r.Lost[0], "已向 HQ 申报丢失") {
				t.Fatalf("round after HQ's restore: %+v", r)
			}
			if !hasNotice(r.Notices, proto.NoticeLoss) {
				t.Fatalf("the officer is not told: %+v", r.Notices)
			}
			losses, err := hs.hq.Losses(context.Background(), "")
			if err != nil || len(losses) != 1 || losses[0].From != from || losses[0].Through != through ||
				len(losses[0].Cases) != 1 || losses[0].Cases[0] != held.ID {
				t.Fatalf("HQ's losses: %+v %v", losses, err)
			}
			if n := len(hqLog(t, st, after.ID)); n != int(after.Events) {
				t.Fatalf("HQ holds %d events of the case after the range", n)
			}
			problems := verifiedIntact(t, rs, "verify after the declaration")
			wantNoProblemSaying(t, problems, "verify still names the range as held at HQ", "HQ 已保存")
			wantWarning(t, problems, "verify does not name the range as declared lost after HQ's restore",
				"HQ 从较早的备份恢复后不再保存", "向 HQ 申报丢失", seqs(from, through), held.ID)
			settledForGood(t, o, st, rs)
		})
	}
}

// TestHeldCaseBackFromHQIsPushedAfterHQRestore: the held case was deleted
// from the laptop's file but its outbox entries stayed, and its events,
// brought back from HQ's copy, stand under them again. HQ, restored, lost
// them: the laptop pushes them to HQ again, as it does any event HQ lost,
// and declares nothing lost; the range stays held at HQ, truthfully.
func TestHeldCaseBackFromHQIsPushedAfterHQRestore(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			o, st, hs, held, after, from, through := heldThenHQRestored(t, b, func(dir, id string) { storefix.DeleteCase(t, dir, id) })
			rs := o.st
			r := o.mustRound()
			if !r.EpochChanged || r.Pushed != int(held.Events+after.Events) || len(r.Lost) != 0 || len(r.Held) != 0 {
				t.Fatalf("round after HQ's restore: %+v", r)
			}
			if losses, err := hs.hq.Losses(context.Background(), ""); err != nil || len(losses) != 0 {
				t.Fatalf("HQ's losses: %+v %v", losses, err)
			}
			if n := len(hqLog(t, st, held.ID)); n != int(held.Events) {
				t.Fatalf("HQ holds %d events of the held case, want %d", n, held.Events)
			}
			wantWarning(t, verifiedIntact(t, rs, "verify"), "verify does not name the range held at HQ", "HQ 已保存", seqs(from, through))
			wantReceiptCoversAll(t, rs, st)
			recordingGoesOn(t, o, st, rs)
		})
	}
}

// TestHeldRangePartlyLostByHQRestore: two cases pushed one after the
// other, each push's answer lost, HQ backed up between the two pushes;
// both are cut from the laptop's file and settled as one run held at HQ.
// HQ, restored, holds the first case's seqs but not the second's: HQ's
// last seq lies inside the held run. The laptop keeps the first part as
// held at HQ (ending at HQ's chain head), declares the second lost,
// continuing that head, and pushes what came after.
func TestHeldRangePartlyLostByHQRestore(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			target := b.target(t)
			st := b.open(t, target)
			hs := serveHQ(t, st, fastServer)
			addr := strings.TrimPrefix(hs.url, "http://")
			o, drop, first := enrolLosingAnswers(t, hs)

			kept := o.record(content(wang, "李四", "440524198001010013", 4), nil)
			o.answerLost(t, drop)
			hs.srv.Close()
			st.Close()
			restoreHQ := hqSnapshot(t, b, target)
			st = b.open(t, target)
			hs = serveHQAt(t, st, addr)
			gone := o.record(content(wang, "王二", "11010519491231002X", 3), nil)
			o.answerLost(t, drop)
			rs := o.reopen(t, device.ClientOptions{}, func() {
				storefix.CutTail(t, o.dir, gone.ID)
				storefix.CutTail(t, o.dir, kept.ID)
			})
			from := first.Events + 1
			split := first.Events + kept.Events
			through := split + gone.Events
			if r := o.mustRound(); len(r.Held) != 1 || !strings.Contains(r.Held[0], seqs(from, through)) {
				t.Fatalf("round after the cut: %+v", r)
			}
			after := o.record(content(wang, "赵六", "11010519491231002X", 2), nil)
			if r := o.mustRound(); r.Pushed != int(after.Events) {
				t.Fatalf("round after the settlement: %+v", r)
			}

			hs.srv.Close()
			st.Close()
			st, hs = restoreHQ(addr)
			r, err := o.round()
			if err != nil {
				t.Fatalf("round after HQ's restore: %v (%+v)", err, r)
			}
			if r.Pushed != int(after.Events) || len(r.Held) != 0 || len(r.Lost) != 1 ||
				!strings.Contains(r.Lost[0], seqs(split+1, through)) || !strings.Contains(r.Lost[0], proto.ShortID(gone.ID)) ||
				strings.Contains(r.Lost[0], proto.ShortID(kept.ID)) {
				t.Fatalf("round after HQ's restore: %+v", r)
			}
			losses, err := hs.hq.Losses(context.Background(), "")
			if err != nil || len(losses) != 1 || losses[0].From != split+1 || losses[0].Through != through ||
				len(losses[0].Cases) != 1 || losses[0].Cases[0] != gone.ID {
				t.Fatalf("HQ's losses: %+v %v", losses, err)
			}
			if n := len(hqLog(t, st, kept.ID)); n != int(kept.Events) {
				t.Fatalf("HQ holds %d events of the case it kept", n)
			}
			problems := verifiedIntact(t, rs, "verify after the declaration")
			wantWarning(t, problems, "verify does not name the part HQ kept as held there", "HQ 已保存", seqs(from, split), kept.ID)
			wantWarning(t, problems, "verify does not name the part HQ lost as declared lost", "HQ 从较早的备份恢复后不再保存", seqs(split+1, through), gone.ID)
			wantNoProblemSaying(t, problems, "verify names the lost part as held at HQ", "HQ 已保存", gone.ID)
			settledForGood(t, o, st, rs)
		})
	}
}

// TestHeldRangeLostByHQRestoreAnswerLost: the answer to the declaration
// of the held range HQ's restore lost is itself lost. HQ has recorded it
// and its last seq is now the range's end, as when it held the events;
// the laptop, its acked seq still before the range, sends the same
// declaration again, HQ answers it as a duplicate, and sync goes on.
func TestHeldRangeLostByHQRestoreAnswerLost(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			o, st, hs, held, after, from, through := heldThenHQRestored(t, b, func(dir, id string) { storefix.CutTail(t, dir, id) })
			drop := &loseFirstLossAnswer{}
			o.reopen(t, device.ClientOptions{Transport: drop, Attempts: 1}, func() {})
			if _, err := o.round(); err == nil || !drop.lost.Load() {
				t.Fatalf("the round whose declaration answer was lost: %v", err)
			}
			rs := o.reopen(t, device.ClientOptions{}, func() {})
			r, err := o.round()
			if err != nil {
				t.Fatalf("round after the lost answer: %v (%+v)", err, r)
			}
			if r.Pushed != int(after.Events) || len(r.Held) != 0 || len(r.Lost) != 1 ||
				!strings.Contains(r.Lost[0], seqs(from, through)) || !strings.Contains(r.Lost[0], proto.ShortID(held.ID)) {
				t.Fatalf("round after the lost answer: %+v", r)
			}
			if losses, err := hs.hq.Losses(context.Background(), ""); err != nil || len(losses) != 1 {
				t.Fatalf("HQ's losses: %+v %v", losses, err)
			}
			wantWarning(t, verifiedIntact(t, rs, "verify"), "verify does not name the range as declared lost after HQ's restore",
				"HQ 从较早的备份恢复后不再保存", seqs(from, through))
			wantReceiptCoversAll(t, rs, st)
			recordingGoesOn(t, o, st, rs)
		})
	}
}
