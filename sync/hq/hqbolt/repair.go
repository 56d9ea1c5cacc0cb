package hqbolt

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"sort"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
	"fieldcase/cases/store/boltguard"
	"fieldcase/sync/hq"
	"fieldcase/sync/proto"
)

// RepairReport says what Repair recovered.
type RepairReport struct {
	boltguard.SalvageReport
	Missing []string // buckets not found at all (recreated empty)
	Epoch   string   // the new epoch
	// Events found on leaf pages no tree reaches (their branch page was
	// lost) and taken back, and those shaped like events that were not:
	// they did not verify, or their place in the case's log could not be.
	Adopted, Refused int
	Rebuilt          []string // cases whose record was rebuilt from the log
	// Unlinked are cases whose record kept its decision's suggestion by
	// reference to an event that was lost: the record is kept without it,
	// flagged for review.
	Unlinked []string
}

// Repair salvages a damaged hq.db into a new file (boltguard.Salvage) and
// completes it so that it opens: every bucket, the schema version if it
// was lost. Entries on leaf pages no tree reaches are taken back when they
// are events HQ can vouch for (adoptEvents). It also starts a new epoch:
// every device then checks its cases against HQ's copy again and pushes
// what HQ lost, which it still holds. The damaged file is kept beside it,
// unchanged. HQ must be stopped.
func Repair(dir string) (RepairReport, error) {
	rep := RepairReport{Epoch: uuid.NewString()}
	sr, err := boltguard.Salvage(filepath.Join(dir, FileName), func(tx *bolt.Tx, orphans []boltguard.Orphan) error {
		r, err := tx.CreateBucketIfNotExists(bRoot)
		if err != nil {
			return err
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
		if len(m.Get(kSchema)) != 8 {
			if err := m.Put(kSchema, u64(uint64(SchemaVersion()))); err != nil {
				return err
			}
		}
		if rep.Adopted, rep.Refused, rep.Rebuilt, err = adoptEvents(r, orphans); err != nil {
			return err
		}
		if rep.Unlinked, err = unlinkSuggestions(r); err != nil {
			return err
		}
		return m.Put(kEpoch, []byte(rep.Epoch))
	})
	rep.SalvageReport = sr
	return rep, err
}

// eventKeyLen is an events key: case id (36) ‖ 0 ‖ index (8).
const eventKeyLen = 36 + 1 + 8

// adoptEvents takes back orphaned entries of the events bucket. HQ's
// buckets do not seal their values, so the key says nothing; the event
// itself must: an entry is taken only if it is an intact event (its hash
// matches its fields), signed by its device's key as HQ recorded it (or by
// HQ's own key: HQ's rebased copies), its case and index are the key's,
// and it links into the case's log — the event before it (held or taken
// back) is the one it names, and the event after it, if held, names it.
// The log of a case that gained events is replayed into its record when
// the log is whole from 1. Every adopted event gets its origin if the
// origins bucket lost it.
func adoptEvents(r *bolt.Bucket, orphans []boltguard.Orphan) (adopted, refused int, rebuilt []string, err error) {
	evs := r.Bucket(bEvents)
	keys := signingKeys(r)
	type cand struct {
		e   cases.Event
		raw []byte
	}
	slots := map[string][]cand{} // events key → distinct verified candidates
	for _, o := range orphans {
		k := o.Key
		if o.Bucket != "" || len(k) != eventKeyLen || k[36] != 0 || evs.Get(k) != nil {
			continue
		}
		caseID := string(k[:36])
		if uuid.Validate(caseID) != nil {
			continue
		}
		var shape struct {
			CaseID string `json:"case_id"`
		}
		if json.Unmarshal(o.Value, &shape) != nil || shape.CaseID != caseID {
			continue // another bucket's entry (ops keys look alike)
		}
		e, err := proto.ParseEvent(o.Value)
		if err != nil || proto.CheckEvent(e) != nil || e.CaseID != caseID || !bytes.Equal(u64(e.Index), k[37:]) || !signedBy(e, keys) {
			refused++
			continue
		}
		dup := false
		for _, c := range slots[string(k)] {
			dup = dup || c.e.Hash == e.Hash
		}
		if !dup {
			slots[string(k)] = append(slots[string(k)], cand{e, append([]byte(nil), o.Value...)})
		}
	}
	// In key order: a case's events by index, so each is placed after the
	// one before it.
	order := make([]string, 0, len(slots))
	for k := range slots {
		order = append(order, k)
	}
	sort.Strings(order)
	touched := map[string]bool{}
	for _, k := range order {
		caseID, index := k[:36], u64of([]byte(k[37:]))
		want := "" // the hash the event at index must name
		if index > 1 {
			prev, ok := eventHash(evs.Get(join(caseID, index-1)))
			if !ok {
				refused += len(slots[k]) // its place cannot be checked
				continue
			}
			want = prev
		}
		var pick *cand
		n := 0
		for i, c := range slots[k] {
			if c.e.Prev == want {
				pick, n = &slots[k][i], n+1
			}
		}
		if n != 1 {
			refused += len(slots[k])
			continue
		}
		if next, ok := eventPrev(evs.Get(join(caseID, index+1))); ok && next != pick.e.Hash {
			refused += len(slots[k])
			continue
		}
		if err := evs.Put([]byte(k), pick.raw); err != nil {
			return 0, 0, nil, err
		}
		adopted++
		refused += len(slots[k]) - 1
		touched[caseID] = true
		if okey := join2(caseID, pick.e.Hash); r.Bucket(bOrigins).Get(okey) == nil { // keyed as migration 6 keys them
			o := hq.Origin{Hash: pick.e.Hash, CaseID: caseID, Device: pick.e.Device, Index: index, Canonical: pick.e.Hash}
			if err := putJSON(r.Bucket(bOrigins), okey, o); err != nil {
				return 0, 0, nil, err
			}
		}
	}
	ids := make([]string, 0, len(touched))
	for id := range touched {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		ok, err := rebuildCase(r, id)
		if err != nil {
			return 0, 0, nil, err
		}
		if ok {
			rebuilt = append(rebuilt, id)
		}
	}
	return adopted, refused, rebuilt, nil
}

// signingKeys are the keys HQ's log events may be signed with: each
// enrolled device's (by device id) and HQ's own (under "hq").
func signingKeys(r *bolt.Bucket) map[string]ed25519.PublicKey {
	keys := map[string]ed25519.PublicKey{}
	r.Bucket(bDevices).ForEach(func(_, v []byte) error {
		var d hq.Device
		if json.Unmarshal(v, &d) == nil && d.ID != "" && d.SignKey != "" {
			if pub, err := proto.DecodeSignKey(d.SignKey); err == nil {
				keys[d.ID] = pub
			}
		}
		return nil
	})
	if v := r.Bucket(bMeta).Get([]byte("x/" + hq.MetaHQSignKey)); v != nil {
		if priv, err := hq.ParseHQSignKey(string(v)); err == nil {
			keys["hq"] = priv.Public().(ed25519.PublicKey)
		}
	}
	return keys
}

func signedBy(e cases.Event, keys map[string]ed25519.PublicKey) bool {
	if pub, ok := keys[e.Device]; ok && e.VerifySig(pub) == nil {
		return true
	}
	pub, ok := keys["hq"]
	return ok && e.VerifySig(pub) == nil
}

func u64of(b []byte) uint64 {
	var n uint64
	for _, c := range b {
		n = n<<8 | uint64(c)
	}
	return n
}

// eventHash and eventPrev read a stored event's hash and the hash it names.
func eventHash(raw []byte) (string, bool) {
	var e struct{ Hash string }
	if raw == nil || json.Unmarshal(raw, &e) != nil || e.Hash == "" {
		return "", false
	}
	return e.Hash, true
}

func eventPrev(raw []byte) (string, bool) {
	var e struct {
		Prev *string
	}
	if raw == nil || json.Unmarshal(raw, &e) != nil || e.Prev == nil {
		return "", false
	}
	return *e.Prev, true
}

// rebuildCase replays a case's log into its record when the log is whole
// from 1 and chained, and the record is lost or ends before the log does.
// It says whether it wrote one.
func rebuildCase(r *bolt.Bucket, caseID string) (bool, error) {
	var c cases.Case
	var first, last cases.Event
	var decided uint64 // the last decision event, which holds the suggestion
	prefix := append([]byte(caseID), 0)
	cur := r.Bucket(bEvents).Cursor()
	want, prev := uint64(1), ""
	for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
		e, err := proto.ParseEvent(v)
		if err != nil || e.Index != want || e.Prev != prev || cases.Apply(&c, e) != nil {
			return false, nil // not whole: the devices push again what is missing
		}
		if want == 1 {
			first = e
		}
		if e.Kind == cases.EventDecisionMade {
			decided = e.Index
		}
		last, want, prev = e, want+1, e.Hash
	}
	if want == 1 {
		return false, nil
	}
	var rec hq.CaseRecord
	found, err := getJSON(r.Bucket(bCases), []byte(caseID), &rec)
	if err != nil {
		found = false // unreadable: replaced by the replay
	}
	if found && rec.Case.Head == last.Hash {
		return false, nil
	}
	if !found {
		rec = hq.CaseRecord{Creator: first.Device, Received: last.At}
	}
	rec.Case, rec.SuggestionFrom = c, decided
	if err := putJSON(r.Bucket(bCases), []byte(caseID), rec); err != nil {
		return false, fmt.Errorf("重建案件 %s 的记录：%w", caseID, err)
	}
	return true, nil
}

// unlinkSuggestions keeps readable the case records whose decision's
// suggestion was kept by reference (encodeCase) to an event the salvage
// lost: each is kept without it, flagged for review, and listed.
func unlinkSuggestions(r *bolt.Bucket) ([]string, error) {
	cs, events := r.Bucket(bCases), r.Bucket(bEvents)
	var lost []string
	var recs []hq.CaseRecord
	err := cs.ForEach(func(k, v []byte) error {
		var rec hq.CaseRecord
		if json.Unmarshal(v, &rec) != nil || rec.SuggestionFrom == 0 || rec.Case.Suggestion != nil {
			return nil
		}
		if _, err := suggestionOf(events.Get(join(rec.Case.ID, rec.SuggestionFrom))); err == nil {
			return nil
		}
		rec.SuggestionFrom = 0
		if !slices.Contains(rec.Flags, hq.FlagNeedsReview) {
			rec.Flags = append(rec.Flags, hq.FlagNeedsReview)
		}
		recs = append(recs, rec)
		return nil
	})
	for _, rec := range recs {
		if err := putJSON(cs, []byte(rec.Case.ID), rec); err != nil {
			return nil, err
		}
		lost = append(lost, rec.Case.ID)
	}
	return lost, err
}
