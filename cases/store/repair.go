package store

// Repair salvages a damaged store (boltguard.Salvage does the reading and
// the new file) and completes the new file so that it opens: every bucket
// of the layout, and next_seq rebuilt from the outbox if it was lost.
// What was lost is named by Verify afterwards (the device chain).

import (
	"encoding/binary"
	"path/filepath"

	bolt "go.etcd.io/bbolt"

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
	sr, err := boltguard.Salvage(filepath.Join(dir, FileName), func(tx *bolt.Tx) error {
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
