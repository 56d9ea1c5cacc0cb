package hqbolt

import (
	"path/filepath"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"fieldcase/cases/store/boltguard"
)

// RepairReport says what Repair recovered.
type RepairReport struct {
	boltguard.SalvageReport
	Missing []string // buckets not found at all (recreated empty)
	Epoch   string   // the new epoch
}

// Repair salvages a damaged hq.db into a new file (boltguard.Salvage) and
// completes it so that it opens: every bucket, the schema version if it
// was lost. It also starts a new epoch: every device then checks its
// cases against HQ's copy again and pushes what HQ lost, which it still
// holds. The damaged file is kept beside it, unchanged. HQ must be stopped.
func Repair(dir string) (RepairReport, error) {
	rep := RepairReport{Epoch: uuid.NewString()}
	// Orphaned leaf entries are not used: HQ's buckets do not vouch for
	// their own values the way the device's sealed ones do; the devices
	// push again what HQ lost.
	sr, err := boltguard.Salvage(filepath.Join(dir, FileName), func(tx *bolt.Tx, _ []boltguard.Orphan) error {
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
		return m.Put(kEpoch, []byte(rep.Epoch))
	})
	rep.SalvageReport = sr
	return rep, err
}
