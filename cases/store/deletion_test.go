package store

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Someone with the file and a bbolt tool (no key needed) removes a whole
// case: its record and all its events. Every remaining log is intact, so
// only the device's count and running hash over its own events show it.

// threeCases writes three cases of two events each (device seqs 1–2, 3–4,
// 5–6) and returns the store's directory and the case ids.
func threeCases(t *testing.T) (string, []string) {
	dir := t.TempDir()
	st := openTest(t, dir)
	var ids []string
	for i, name := range []string{"张三", "李四", "王二"} {
		c := create(t, st, sampleContent(name, "11010519491231002X", time.Date(2026, 11, 20, 10, i, 0, 0, time.UTC)), Change{"submitted", struct{}{}})
		ids = append(ids, c.ID)
	}
	if problems, _, err := st.Verify(); err != nil || len(problems) != 0 {
		t.Fatalf("fresh store: %v %v", problems, err)
	}
	st.Close()
	return dir, ids
}

// removeCase deletes a case's record and events, and with more also its
// outbox entries and index entries, straight in the file.
func removeCase(t *testing.T, dir, id string, more bool) {
	ck := mustCaseKey(id)
	db, err := bolt.Open(dir+"/"+FileName, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		r := tx.Bucket(bRoot)
		del := func(name []byte, match func(k, v []byte) bool) {
			b := r.Bucket(name)
			var keys [][]byte
			b.ForEach(func(k, v []byte) error {
				if match(k, v) {
					keys = append(keys, append([]byte(nil), k...))
				}
				return nil
			})
			for _, k := range keys {
				b.Delete(k)
			}
		}
		r.Bucket(bCases).Delete(ck)
		del(bEvents, func(k, _ []byte) bool { return strings.HasPrefix(string(k), string(ck)) })
		if more {
			del(bOutbox, func(_, v []byte) bool { return strings.HasPrefix(string(v), string(ck)) })
			for _, name := range [][]byte{bIdxStatus, bIdxDate, bIdxParty, bIdxDecided, bIdxPending} {
				del(name, func(k, _ []byte) bool { return strings.HasSuffix(string(k), string(ck)) })
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func wantProblem(t *testing.T, problems []Problem, caseID string, says ...string) {
	t.Helper()
	for _, p := range Failures(problems) {
		if p.CaseID != caseID {
			continue
		}
		all := true
		for _, s := range says {
			all = all && strings.Contains(p.String(), s)
		}
		if all {
			return
		}
	}
	t.Fatalf("no problem for case %q saying %q among %v", caseID, says, problems)
}

func TestVerifyNamesADeletedCase(t *testing.T) {
	dir, ids := threeCases(t)
	removeCase(t, dir, ids[1], false)
	problems := verifyOne(t, dir)
	wantProblem(t, problems, ids[1], "第 3–4 条", "整个案件被删除")
}

func TestVerifyNamesACaseDeletedWithItsOutboxAndIndexes(t *testing.T) {
	dir, ids := threeCases(t)
	removeCase(t, dir, ids[1], true)
	problems := verifyOne(t, dir)
	wantProblem(t, problems, "", "第 3–4 条", "无法确定所属案件")
	wantProblem(t, problems, "", "案件计数为 3 件，实有 2 件")
}

func TestVerifyNamesTheLastCaseCutOff(t *testing.T) {
	// The newest case is removed with its outbox entries, and next_seq is
	// put back as if it had never been recorded: only the sealed chain knows.
	dir, ids := threeCases(t)
	removeCase(t, dir, ids[2], true)
	tamperRaw(t, dir, func(events, _ *bolt.Bucket) error {
		return events.Tx().Bucket(bRoot).Bucket(bMeta).Put(kNextSeq, u64(5))
	})
	problems := verifyOne(t, dir)
	wantProblem(t, problems, "", "已记到第 6 条", "第 5–6 条事件被删除")
}

func TestVerifyChecksHQReceipt(t *testing.T) {
	dir, ids := threeCases(t)
	st := openTest(t, dir)
	var head string
	st.view(func(tx *bolt.Tx) error {
		_, e, err := st.outboxEvent(tx, 6)
		head = e.Hash
		return err
	})
	rc, _ := json.Marshal(receiptClaim{Through: 6, ChainHead: head})
	if err := st.Acknowledge(Ack{Through: 6, Receipt: rc}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	removeCase(t, dir, ids[2], true)
	tamperRaw(t, dir, func(events, _ *bolt.Bucket) error {
		m := events.Tx().Bucket(bRoot).Bucket(bMeta)
		m.Delete(kDeviceChain) // and the chain, so only HQ's word is left
		return m.Put(kNextSeq, u64(5))
	})
	problems := verifyOne(t, dir)
	wantProblem(t, problems, "", "HQ 已收到本设备第 1–6 条", "第 5–6 条在本设备上丢失")
}

// After a loss the device pushes what it has before the gap, and the gap
// is named; it is no longer stuck on its first missing event with nothing sent.
func TestOutboxPushesUpToTheGap(t *testing.T) {
	dir, ids := threeCases(t)
	removeCase(t, dir, ids[1], false)
	st := openTest(t, dir)
	got, err := st.Outbox(0, 100)
	if err != nil || len(got) != 2 || got[1].Seq != 2 {
		t.Fatalf("outbox before the gap: %d entries, %v", len(got), err)
	}
	_, err = st.Outbox(2, 100)
	if !errors.Is(err, ErrOutboxGap) || !strings.Contains(err.Error(), "第 3 条") {
		t.Fatalf("at the gap: %v", err)
	}
}

func TestChainBuiltForAStoreWithout(t *testing.T) {
	// A store written before the chain existed builds it at its next event.
	dir, _ := threeCases(t)
	tamperRaw(t, dir, func(events, _ *bolt.Bucket) error {
		return events.Tx().Bucket(bRoot).Bucket(bMeta).Delete(kDeviceChain)
	})
	st := openTest(t, dir)
	problems, _, err := st.Verify()
	if err != nil || len(Failures(problems)) != 0 || len(problems) != 1 {
		t.Fatalf("without a chain: %v %v", problems, err)
	}
	create(t, st, sampleContent("赵六", "11010519491231002X", time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)))
	problems, _, err = st.Verify()
	if err != nil || len(problems) != 0 {
		t.Fatalf("after the next event: %v %v", problems, err)
	}
	var ch deviceChain
	st.view(func(tx *bolt.Tx) error { _, err := st.getJSON(tx, bMeta, kDeviceChain, &ch); return err })
	if ch.From != 1 || ch.Seq != 7 {
		t.Fatalf("chain %+v, want 1..7", ch)
	}
}

// A receipt kept on the device is checked with HQ's key once the device
// has it: one edited to claim less (to hide a cut tail) no longer verifies.
func TestVerifyChecksTheReceiptSignature(t *testing.T) {
	dir, _ := threeCases(t)
	st := openTest(t, dir)
	pub, key := mustKey()
	if _, err := st.ApplyPull(Pull{Next: 1, DeviceKeys: map[string]ed25519.PublicKey{HQKeyID: pub}}); err != nil {
		t.Fatal(err)
	}
	var head string
	st.view(func(tx *bolt.Tx) error {
		_, e, err := st.outboxEvent(tx, 6)
		head = e.Hash
		return err
	})
	rc := receiptClaim{Device: st.DeviceID(), Through: 6, ChainHead: head, Epoch: "e", At: time.Now()}
	rc.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(key, rc.message()))
	genuine, _ := json.Marshal(rc)
	rc.Through = 4 // edited after HQ signed it
	edited, _ := json.Marshal(rc)
	for _, tc := range []struct {
		name    string
		receipt []byte
		bad     bool
	}{{"genuine", genuine, false}, {"edited", edited, true}} {
		if err := st.Acknowledge(Ack{Receipt: tc.receipt}); err != nil {
			t.Fatal(err)
		}
		problems, _, err := st.Verify()
		if err != nil || (len(Failures(problems)) > 0) != tc.bad {
			t.Fatalf("%s receipt: %v %v", tc.name, problems, err)
		}
	}
}
