package store

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
	"fieldcase/rules"
)

// otherDevice stands for a supervisor's laptop whose events arrive by pull,
// signed with its key.
var (
	otherDevice         = uuid.NewString()
	otherPub, otherPriv = mustKey()
	otherKeys           = map[string]ed25519.PublicKey{otherDevice: otherPub}
)

func mustKey() (ed25519.PublicKey, ed25519.PrivateKey) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return pub, priv
}

// remoteEvent is an event another device recorded on the case as c stands.
func remoteEvent(t *testing.T, c cases.Case, seq uint64, a cases.Actor, kind cases.EventKind, payload any) cases.Event {
	t.Helper()
	data, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	e := cases.Event{ID: uuid.NewString(), CaseID: c.ID, Index: c.Events + 1, Device: otherDevice, Seq: seq,
		Actor: a, At: time.Now(), Kind: kind, Payload: data, Prev: c.Head}
	e.Hash = e.ComputeHash()
	e.Sign(otherPriv)
	return e
}

func submitted(t *testing.T, st *Store) cases.Case {
	t.Helper()
	return create(t, st, sampleContent("张三", "11010519491231002X", time.Now().Add(-time.Hour)), Change{cases.EventSubmitted, cases.CommentPayload{}})
}

func TestOutboxChainsTheDevicesEvents(t *testing.T) {
	st := openTest(t, t.TempDir())
	c1 := submitted(t, st)
	submitted(t, st)
	all, err := st.Outbox(0, 10)
	if err != nil || len(all) != 4 {
		t.Fatalf("outbox %d entries, %v", len(all), err)
	}
	prev := ""
	for i, en := range all {
		var e cases.Event
		if err := json.Unmarshal(en.Event, &e); err != nil {
			t.Fatal(err)
		}
		if en.Seq != uint64(i+1) || e.Seq != en.Seq || en.PrevHash != prev {
			t.Fatalf("entry %d: seq %d prev %.8s, want prev %.8s", i, en.Seq, en.PrevHash, prev)
		}
		prev = e.Hash
	}
	rest, err := st.Outbox(2, 10)
	if err != nil || len(rest) != 2 || rest[0].PrevHash != all[1].PrevHash && rest[0].Seq != 3 {
		t.Fatalf("outbox after 2: %+v %v", rest, err)
	}
	if err := st.Acknowledge(Ack{Through: 3, Epoch: uuid.NewString(), Stale: []string{c1.ID}, Notices: []Notice{{Kind: "conflict", Message: "冲突\x1b[31m"}}}); err != nil {
		t.Fatal(err)
	}
	ss, _ := st.SyncState()
	if ss.AckedThrough != 3 || ss.Pending() != 1 || ss.Stale != 1 || ss.Notices != 1 {
		t.Fatalf("sync state %+v", ss)
	}
	ns, _ := st.Notices(10)
	if ns[0].Message != "冲突[31m" {
		t.Fatalf("notice text not cleaned: %q", ns[0].Message)
	}
	if err := st.ResetAcked(1); err != nil {
		t.Fatal(err)
	}
	if ss, _ := st.SyncState(); ss.AckedThrough != 1 {
		t.Fatalf("after reset %+v", ss)
	}
}

func TestApplyPullAddsOtherDevicesEvents(t *testing.T) {
	st := openTest(t, t.TempDir())
	c := submitted(t, st)
	ret := remoteEvent(t, c, 7, supervisor, cases.EventReturned, cases.CommentPayload{Comment: "请补充证据"})
	own, _ := st.Events(c.ID)
	bad := rules.DefaultData() // already installed: refused, the old rules stay
	res, err := st.ApplyPull(Pull{Epoch: uuid.NewString(), Next: 9, Complete: true, At: time.Now(),
		Events:   append(own, ret),
		Parties:  []PartyIndexEntry{{Key: "P:resident:110105194912310021", Priors: []cases.PriorCase{{CaseID: "hq-1", Violation: "CG01", OccurredAt: time.Now().Add(-48 * time.Hour)}}}},
		RuleSets: [][]byte{bad},
		Policies: []cases.ReviewPolicy{{Chain: cases.ChainTwoLevel, StaleIndexDays: 3}},
		Notices:  []Notice{{Kind: "judgement", Message: "需复核"}}, DeviceKeys: otherKeys})
	if err != nil {
		t.Fatal(err)
	}
	if res.Events != 1 || res.Known != 2 || len(res.Stale) != 0 || res.Parties != 1 || len(res.RuleErrors) != 1 || !res.Policy || res.Notices != 2 {
		t.Fatalf("result %+v", res)
	}
	got, _ := st.Get(c.ID)
	if got.Status != cases.StatusReturned || got.ReviewComment != "请补充证据" {
		t.Fatalf("case after pull: %s %q", got.Status, got.ReviewComment)
	}
	ss, _ := st.SyncState()
	if ss.Cursor != 9 || ss.Pending() != 2 || ss.LastSync == nil {
		t.Fatalf("the pulled event must not enter the outbox: %+v", ss)
	}
	if p, _ := st.ReviewPolicy(); p.Chain != cases.ChainTwoLevel {
		t.Fatalf("policy %+v", p)
	}
	if problems, _, err := st.Verify(); err != nil || len(problems) > 0 {
		t.Fatalf("verify: %v %v", problems, err)
	}
	// The page again changes nothing; a cursor going back is refused.
	res, err = st.ApplyPull(Pull{Next: 9, Events: []cases.Event{ret}})
	if err != nil || res.Events != 0 || res.Known != 1 {
		t.Fatalf("again: %+v %v", res, err)
	}
	if _, err := st.ApplyPull(Pull{Next: 3}); err == nil {
		t.Fatal("a cursor going back was accepted")
	}
}

// TestRebuildKeepsOwnEvents: the device's copy forked from HQ's (it
// approved a case another reviewer returned first). The fork is marked
// stale, the log is rebuilt from HQ's only once HQ has settled the device's
// events, and the device's own event stays pushable from superseded.
func TestRebuildKeepsOwnEvents(t *testing.T) {
	st := openTest(t, t.TempDir())
	if err := st.AddUser(cases.User{ID: supervisor.ID, Name: supervisor.Name, Cert: supervisor.Cert, Role: supervisor.Role}, testPass); err != nil {
		t.Fatal(err)
	}
	if err := st.SetReviewPolicy(cases.ReviewPolicy{Chain: cases.ChainTwoLevel, StaleIndexDays: 7}); err != nil {
		t.Fatal(err)
	}
	c := submitted(t, st)
	hqLog, _ := st.Events(c.ID)
	other := cases.Actor{ID: "chen7", Name: "陈七", Cert: "50020002", Role: cases.RoleSupervisor}
	hqLog = append(hqLog, remoteEvent(t, c, 3, other, cases.EventReturned, cases.CommentPayload{Comment: "证据不足"}))
	mine, err := st.Approve(supervisor, c.ID, "同意")
	if err != nil {
		t.Fatal(err)
	}
	res, err := st.ApplyPull(Pull{Next: 1, Events: hqLog[2:], DeviceKeys: otherKeys})
	if err != nil || len(res.Stale) != 1 {
		t.Fatalf("fork not detected: %+v %v", res, err)
	}
	if err := st.RebuildCase(c.ID, hqLog); !errors.Is(err, ErrPendingOnCase) {
		t.Fatalf("rebuild with the approval unsettled: %v", err)
	}
	if err := st.Acknowledge(Ack{Through: 3}); err != nil {
		t.Fatal(err)
	}
	if err := st.RebuildCase(c.ID, hqLog); err != nil {
		t.Fatal(err)
	}
	got, _ := st.Get(c.ID)
	if got.Status != cases.StatusReturned || got.Head != hqLog[2].Hash {
		t.Fatalf("rebuilt case %s", got.Status)
	}
	if stale, _ := st.StaleCases(); len(stale) != 0 {
		t.Fatalf("stale %v", stale)
	}
	out, err := st.Outbox(2, 10)
	if err != nil || len(out) != 1 {
		t.Fatalf("outbox %v %v", out, err)
	}
	var e cases.Event
	json.Unmarshal(out[0].Event, &e)
	if e.Hash != mine.Head || e.Kind != cases.EventApproved {
		t.Fatal("the device's own approval is no longer pushable")
	}
	if n, _ := st.SupersededCount(); n != 3 {
		t.Fatalf("superseded %d", n)
	}
	evs, err := st.DeviceEvents()
	if err != nil || len(evs) != 3 {
		t.Fatalf("device events %d %v", len(evs), err)
	}
	if problems, _, err := st.Verify(); err != nil || len(problems) > 0 {
		t.Fatalf("verify: %v %v", problems, err)
	}
	counts, _ := st.Counts()
	if counts[cases.StatusReturned] != 1 || counts[cases.StatusApproved] != 0 {
		t.Fatalf("counts %v", counts)
	}
	// A broken log from HQ is refused whole.
	broken := slices.Clone(hqLog)
	broken[1].Prev = "x"
	if err := st.RebuildCase(c.ID, broken); err == nil {
		t.Fatal("a broken log was accepted")
	}
}

func TestEnrolmentAndEpoch(t *testing.T) {
	st := openTest(t, t.TempDir())
	if e, err := st.Enrolment(); e != nil || err != nil {
		t.Fatalf("fresh store enrolled: %v %v", e, err)
	}
	if err := st.SetEnrolment(Enrolment{URL: "https://hq.example", Name: "一中队-01", Token: "t"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyPull(Pull{Epoch: "e1", Next: 5}); err != nil {
		t.Fatal(err)
	}
	if err := st.NewEpoch("e2", Notice{Kind: "epoch", Message: "HQ 已更换"}); err != nil {
		t.Fatal(err)
	}
	ss, _ := st.SyncState()
	if ss.Epoch != "e2" || ss.Cursor != 0 {
		t.Fatalf("after new epoch %+v", ss)
	}
	e, _ := st.Enrolment()
	if e == nil || e.Name != "一中队-01" {
		t.Fatalf("enrolment %+v", e)
	}
}

// TestMigrationAddsSyncBuckets: a schema-3 store gains sync's buckets,
// backed up first, and keeps its cases.
func TestMigrationAddsSyncBuckets(t *testing.T) {
	dir := t.TempDir()
	st := openLegacy(t, dir, Options{})
	c := submitted(t, st)
	err := st.db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bNotices, bSuperseded, bStale} {
			if err := root(tx).DeleteBucket(b); err != nil {
				return err
			}
		}
		return meta(tx).Put(kSchema, u64(3))
	})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	st = reopenAndEncrypt(t, dir, Options{})
	if _, err := st.Get(c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SyncState(); err != nil {
		t.Fatalf("sync state after migration: %v", err)
	}
	if backups, _ := filepath.Glob(filepath.Join(dir, FileName+".v3.*.bak")); len(backups) != 1 {
		t.Fatalf("backups %v", backups)
	}
}
