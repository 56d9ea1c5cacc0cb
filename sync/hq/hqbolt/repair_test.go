package hqbolt

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
	"fieldcase/cases/store/boltguard"
	"fieldcase/sync/hq"
	"fieldcase/sync/hq/storetest"
	"fieldcase/sync/proto"
)

// hqWithLogs writes an HQ store holding n cases of three events each, and
// returns its directory and every case's log as HQ holds it.
func hqWithLogs(t *testing.T, n int) (string, map[string][]json.RawMessage) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	h := hq.NewHQ(s, nil, nil)
	o := storetest.NewSim(t, h, "一中队-01", storetest.Wang)
	for i := range n {
		c := storetest.Content("张三", "11010519491231002X", storetest.Start.AddDate(0, 0, i), storetest.Wang)
		e, op := o.Make(t, "", storetest.Wang, cases.EventCreated, cases.ContentPayload{Content: c})
		o.MustPush(t, h, op)
		for range 2 {
			c.Place.Text += "东侧"
			_, op := o.Make(t, e.CaseID, storetest.Wang, cases.EventContentSet, cases.ContentPayload{Content: c})
			o.MustPush(t, h, op)
		}
	}
	// Two writes elsewhere: both meta pages' trees now share the events
	// bucket's pages, so a page lost there is lost from both.
	for range 2 {
		if _, err := s.RotateEpoch(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	logs := map[string][]json.RawMessage{}
	s.View(context.Background(), func(tx hq.Tx) error {
		recs, err := tx.Cases()
		for _, r := range recs {
			logs[r.Case.ID], _ = tx.Events(r.Case.ID)
		}
		return err
	})
	s.Close()
	return dir, logs
}

// The events bucket's branch page is destroyed: the leaves of the newest
// tree are whole but nothing reaches them. hq repair takes back every
// event it can verify, and the cases come back whole.
func TestRepairHQTakesBackEventsOfALostBranch(t *testing.T) {
	dir, logs := hqWithLogs(t, 40)
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	var branch uint64
	db.View(func(tx *bolt.Tx) error {
		branch = uint64(tx.Bucket(bRoot).Bucket(bEvents).Root())
		if info, err := tx.Page(int(branch)); err != nil || info == nil || info.Type != "branch" {
			t.Fatalf("events root page %d: %+v %v", branch, info, err)
		}
		return nil
	})
	pageSize := db.Info().PageSize
	db.Close()
	b, _ := os.ReadFile(path)
	clear(b[int(branch)*pageSize : int(branch+1)*pageSize])
	os.WriteFile(path, b, 0o600)
	if _, ok := boltguard.IsDamaged(useHQ(dir)); !ok {
		t.Fatal("the destroyed branch went unnoticed")
	}

	rep, err := Repair(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, 0)
	if err != nil {
		t.Fatalf("the repaired hq.db: %v", err)
	}
	defer s.Close()
	whole := 0
	s.View(context.Background(), func(tx hq.Tx) error {
		for id, want := range logs {
			got, _ := tx.Events(id)
			rec, found, _ := tx.Case(id)
			if len(got) == len(want) && found && rec.Case.Head == hashOf(t, want[len(want)-1]) {
				whole++
			}
		}
		return nil
	})
	t.Logf("%d orphaned entries: %d events taken back, %d refused, %d case records rebuilt; %d of %d cases whole; recovered %v",
		rep.Orphans, rep.Adopted, rep.Refused, len(rep.Rebuilt), whole, len(logs), rep.Recovered)
	if rep.Adopted != 3*len(logs) || whole != len(logs) {
		t.Fatalf("after repair %d of %d cases are whole (%d events taken back)", whole, len(logs), rep.Adopted)
	}
}

func hashOf(t *testing.T, raw json.RawMessage) string {
	e, err := proto.ParseEvent(raw)
	if err != nil {
		t.Fatal(err)
	}
	return e.Hash
}

// What HQ cannot vouch for stays out: an entry is taken back only if it is
// an intact event, signed by its device, at its own key, linked into the
// log before and after it.
func TestRepairHQTakesBackOnlyVerifiedEvents(t *testing.T) {
	dir, logs := hqWithLogs(t, 3)
	var caseID string
	for id := range logs {
		caseID = id
	}
	log := logs[caseID]
	second, _ := proto.ParseEvent(log[1])
	altered := second
	altered.Payload = json.RawMessage(`{"content":{}}`)
	altered.Hash = altered.ComputeHash() // intact, but its signature is over the old hash
	alteredRaw, _ := json.Marshal(altered)
	tampered := []byte(strings.Replace(string(log[1]), `东侧"`, `西侧"`, 1))
	if string(tampered) == string(log[1]) {
		t.Fatal("nothing to change in the event")
	}
	tests := []struct {
		name       string
		remove     []uint64 // indexes taken out of the log
		orphans    func(key func(uint64) []byte) []boltguard.Orphan
		adopted    int
		lostRecord bool // the case's record is lost too: rebuilt from the log
	}{
		{"the lost event itself", []uint64{2}, func(key func(uint64) []byte) []boltguard.Orphan {
			return []boltguard.Orphan{{Key: key(2), Value: log[1]}}
		}, 1, false},
		{"re-hashed after a change: the signature does not hold", []uint64{2}, func(key func(uint64) []byte) []boltguard.Orphan {
			return []boltguard.Orphan{{Key: key(2), Value: alteredRaw}}
		}, 0, false},
		{"bytes changed", []uint64{2}, func(key func(uint64) []byte) []boltguard.Orphan {
			return []boltguard.Orphan{{Key: key(2), Value: tampered}}
		}, 0, false},
		{"at another index's key", []uint64{2, 3}, func(key func(uint64) []byte) []boltguard.Orphan {
			return []boltguard.Orphan{{Key: key(3), Value: log[1]}}
		}, 0, false},
		{"its predecessor lost too, not found", []uint64{2, 3}, func(key func(uint64) []byte) []boltguard.Orphan {
			return []boltguard.Orphan{{Key: key(3), Value: log[2]}}
		}, 0, false},
		{"both found, in any order", []uint64{2, 3}, func(key func(uint64) []byte) []boltguard.Orphan {
			return []boltguard.Orphan{{Key: key(3), Value: log[2]}, {Key: key(2), Value: log[1]}, {Key: key(2), Value: log[1]}}
		}, 2, false},
		{"the first event, whose successor is another's", []uint64{1}, func(key func(uint64) []byte) []boltguard.Orphan {
			other := logs[otherCase(logs, caseID)][0]
			return []boltguard.Orphan{{Key: key(1), Value: other}}
		}, 0, false},
		{"found in an inline bucket, not events", []uint64{2}, func(key func(uint64) []byte) []boltguard.Orphan {
			return []boltguard.Orphan{{Key: key(2), Value: log[1], Bucket: "x"}}
		}, 0, false},
		{"the last event and the case's record lost", []uint64{3}, func(key func(uint64) []byte) []boltguard.Orphan {
			return []boltguard.Orphan{{Key: key(3), Value: log[2]}}
		}, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			work := t.TempDir()
			data, _ := os.ReadFile(filepath.Join(dir, FileName))
			os.WriteFile(filepath.Join(work, FileName), data, 0o600)
			db, err := bolt.Open(filepath.Join(work, FileName), 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			key := func(i uint64) []byte { return join(caseID, i) }
			err = db.Update(func(tx *bolt.Tx) error {
				r := tx.Bucket(bRoot)
				for _, i := range tt.remove {
					r.Bucket(bEvents).Delete(key(i))
					r.Bucket(bOrigins).Delete(join2(caseID, hashOf(t, log[i-1]))) // lost with it
				}
				if tt.lostRecord {
					r.Bucket(bCases).Delete([]byte(caseID))
				}
				adopted, _, rebuilt, err := adoptEvents(r, tt.orphans(key))
				if adopted != tt.adopted {
					t.Errorf("%d events taken back, want %d", adopted, tt.adopted)
				}
				// An event taken back gets its origin where HQ looks for
				// it: by case and hash (migration 6), not by hash alone.
				for _, i := range tt.remove {
					raw := r.Bucket(bEvents).Get(key(i))
					if raw == nil {
						continue
					}
					h := hashOf(t, raw)
					if r.Bucket(bOrigins).Get(join2(caseID, h)) == nil || r.Bucket(bOrigins).Get([]byte(h)) != nil {
						t.Errorf("event %d taken back: its origin is not keyed by case and hash", i)
					}
				}
				var rec hq.CaseRecord
				found, _ := getJSON(r.Bucket(bCases), []byte(caseID), &rec)
				if tt.lostRecord && (len(rebuilt) != 1 || !found || rec.Case.Head != hashOf(t, log[2]) || rec.Creator == "") {
					t.Errorf("the lost record: rebuilt %v, %+v", rebuilt, rec)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func otherCase(logs map[string][]json.RawMessage, not string) string {
	for id := range logs {
		if id != not {
			return id
		}
	}
	return ""
}
