package store

// Repair salvages a damaged store (boltguard.Salvage does the reading and
// the new file) and completes the new file so that it opens: every bucket
// of the layout, and next_seq rebuilt from the outbox if it was lost.
// What was lost is named by Verify afterwards (the device chain).

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"path/filepath"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
	"fieldcase/cases/store/boltguard"
)

// RepairReport says what Repair recovered and what it could not.
type RepairReport struct {
	boltguard.SalvageReport
	Missing     []string // buckets not found at all (recreated empty)
	NoteNextSeq bool     // meta/next_seq was lost and rebuilt from the outbox
}

// Repair salvages the store in dir into a new file. The damaged file is
// moved to fieldcase.db.damaged.<UTC time> and left as it was. The caller
// makes sure no other process has the store open.
func Repair(dir string) (RepairReport, error) {
	var rep RepairReport
	sr, err := boltguard.Salvage(filepath.Join(dir, FileName), func(tx *bolt.Tx, orphans []boltguard.Orphan) error {
		r, err := tx.CreateBucketIfNotExists(bRoot)
		if err != nil {
			return err
		}
		// Entries on leaf pages no tree reaches, shaped like events, wait
		// in bSalvaged for AdoptSalvaged: only after sign-in can a sealed
		// value show which bucket and key it was written for. Without the
		// users' records (their wraps of the data key) and the store's
		// identity nothing sealed opens, so those are taken back first.
		if err := adoptKeyRecords(r, orphans); err != nil {
			return err
		}
		if len(orphans) > 0 {
			sb, err := r.CreateBucketIfNotExists(bSalvaged)
			if err != nil {
				return err
			}
			for _, o := range orphans {
				if len(o.Key) != 24 || len(o.Value) == 0 {
					continue
				}
				if err := sb.Put(append(append([]byte(nil), o.Key...), u64(o.Page)...), o.Value); err != nil {
					return err
				}
			}
		}
		for _, name := range layoutBuckets {
			if r.Bucket(name) == nil {
				rep.Missing = append(rep.Missing, string(name))
				if _, err := r.CreateBucket(name); err != nil {
					return err
				}
			}
		}
		m := r.Bucket(bMeta)
		if len(m.Get(kNextSeq)) != 8 {
			next := uint64(1)
			for _, name := range [][]byte{bOutbox, bSuperseded} {
				if k, _ := r.Bucket(name).Cursor().Last(); len(k) == 8 {
					next = max(next, binary.BigEndian.Uint64(k)+1)
				}
			}
			rep.NoteNextSeq = true
			return m.Put(kNextSeq, u64(next))
		}
		return nil
	})
	rep.SalvageReport = sr
	return rep, err
}

// AdoptSalvaged takes back what Repair found on orphaned leaf pages. An
// entry counts only if it opens as a sealed value of the events bucket
// under its own key (the seal binds bucket and key) and is an intact
// event of that case and position; it is put back if the log lacks it.
// A case whose record was lost and whose log is whole again from 1 is
// rebuilt by replaying it; the device's own events get their outbox
// entries back. The holding bucket is dropped. It says how many events
// and cases came back.
func (s *Store) AdoptSalvaged() (events, rebuilt int, err error) {
	err = s.update(func(tx *bolt.Tx) error {
		r := root(tx)
		sb := r.Bucket(bSalvaged)
		if sb == nil {
			return nil
		}
		if err := s.needKeys(); err != nil {
			return err
		}
		evs, outbox, m := bucket(tx, bEvents), bucket(tx, bOutbox), meta(tx)
		type found struct{ k, v []byte }
		var adopt []found
		touched := map[string]bool{}
		err := sb.ForEach(func(k, v []byte) error {
			if len(k) < 24 {
				return nil // not a key this repair wrote
			}
			ek := k[:24]
			if evs.Get(ek) != nil {
				return nil
			}
			data, err := s.openValue(bEvents, ek, v)
			if err != nil {
				return nil // not an events value for this key
			}
			var e cases.Event
			if json.Unmarshal(data, &e) != nil || e.ComputeHash() != e.Hash || e.CaseID != caseIDFromKey(ek[:16]) || e.Index != binary.BigEndian.Uint64(ek[16:]) {
				return nil
			}
			adopt = append(adopt, found{append([]byte(nil), ek...), append([]byte(nil), v...)})
			touched[string(ek[:16])] = true
			if e.Device == s.device && outbox.Get(u64(e.Seq)) == nil {
				adopt = append(adopt, found{nil, append(u64(e.Seq), ek...)})
			}
			return nil
		})
		if err != nil {
			return err
		}
		next := getU64(m, kNextSeq)
		for _, a := range adopt {
			if a.k == nil { // an outbox entry: seq ‖ events key
				if err := outbox.Put(a.v[:8], a.v[8:]); err != nil {
					return err
				}
				next = max(next, binary.BigEndian.Uint64(a.v[:8])+1)
				continue
			}
			if evs.Get(a.k) != nil {
				continue // the same event from two old pages
			}
			if err := evs.Put(a.k, a.v); err != nil {
				return err
			}
			events++
		}
		if err := m.Put(kNextSeq, u64(next)); err != nil {
			return err
		}
		for ck := range touched {
			key := []byte(ck)
			if bucket(tx, bCases).Get(key) != nil {
				continue
			}
			var replay cases.Case
			c := evs.Cursor()
			want, whole := uint64(1), true
			for k, v := c.Seek(key); k != nil && bytes.HasPrefix(k, key); k, v = c.Next() {
				data, err := s.openValue(bEvents, k, v)
				var e cases.Event
				if err != nil || json.Unmarshal(data, &e) != nil || e.Index != want || cases.Apply(&replay, e) != nil {
					whole = false
					break
				}
				want++
			}
			if !whole || want == 1 {
				continue
			}
			if err := s.putJSON(tx, bCases, key, replay); err != nil {
				return err
			}
			if err := s.reindex(tx, key, cases.Case{}, replay); err != nil {
				return fmt.Errorf("案件 %s 重建索引失败：%w", caseIDFromKey(key), err)
			}
			rebuilt++
		}
		return r.DeleteBucket(bSalvaged)
	})
	return events, rebuilt, err
}

// identityKeys are the meta keys written once, when the store is made or
// encrypted: any old copy of them on an orphaned page is the value.
var identityKeys = [][]byte{kDevice, kEncrypted, kSignPub, kSignKey}

// adoptKeyRecords takes from orphaned pages, where the tree lost them, the
// users' records (the tag verified at sign-in vouches for each) and the
// store's identity keys, when every copy found agrees.
func adoptKeyRecords(r *bolt.Bucket, orphans []boltguard.Orphan) error {
	users, err := r.CreateBucketIfNotExists(bUsers)
	if err != nil {
		return err
	}
	m, err := r.CreateBucketIfNotExists(bMeta)
	if err != nil {
		return err
	}
	candidates := map[string][]byte{} // bucket ‖ 0 ‖ key → value, nil when copies disagree
	for _, o := range orphans {
		var slot string
		switch {
		case o.Bucket != "" && o.Bucket != string(bMeta) && o.Bucket != string(bUsers):
			continue // found inside another bucket
		case isIdentityKey(o.Key) && o.Bucket != string(bUsers) && m.Get(o.Key) == nil:
			slot = "meta\x00" + string(o.Key)
		case o.Bucket != string(bMeta) && users.Get(o.Key) == nil:
			var u userRecord
			if json.Unmarshal(o.Value, &u) != nil || u.Auth == nil || u.ID != string(o.Key) {
				continue
			}
			slot = "users\x00" + string(o.Key)
		default:
			continue
		}
		if prev, seen := candidates[slot]; seen && !bytes.Equal(prev, o.Value) {
			candidates[slot] = nil
			continue
		}
		candidates[slot] = o.Value
	}
	for slot, v := range candidates {
		if v == nil {
			continue
		}
		name, key, _ := bytes.Cut([]byte(slot), []byte{0})
		b := users
		if string(name) == "meta" {
			b = m
		}
		if err := b.Put(key, v); err != nil {
			return err
		}
	}
	return nil
}

func isIdentityKey(k []byte) bool {
	for _, id := range identityKeys {
		if bytes.Equal(k, id) {
			return true
		}
	}
	return false
}
