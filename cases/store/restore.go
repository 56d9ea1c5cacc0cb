package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// After a restore. The backup may be older than what the lost laptop
// pushed to HQ: HQ then holds device seqs the restored store never had.
// Recording before the device has heard from HQ would number new events
// with those seqs, which HQ would rightly take for a replay that differs.
// So a restored, enrolled store refuses new events until a sync has told
// it how far HQ holds its history (AfterHQState), and then carries on
// after HQ's last seq; Verify names the adopted range as held at HQ.

// ErrSyncAfterRestore is a restored store that has not synced yet.
var ErrSyncAfterRestore = errors.New("本设备的数据是从备份恢复的：请先同步一次（fieldcase sync），确认 HQ 已有的记录后再记录新事件")

// hqAdopted is meta/hq_adopted.
type hqAdopted struct {
	From      uint64 `json:"from"`    // the first seq HQ holds that this store never had
	Through   uint64 `json:"through"` // HQ's last seq for the device when adopted
	ChainHead string `json:"chain_head"`
}

// markRestored sets meta/restored on a just-restored store that is
// enrolled with an HQ (a device without HQ has nothing to wait for).
func markRestored(path string) error {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return err
	}
	defer db.Close()
	return db.Update(func(tx *bolt.Tx) error {
		r := tx.Bucket(bRoot)
		if r == nil || r.Bucket(bMeta) == nil || r.Bucket(bMeta).Get(kEnrolment) == nil {
			return nil
		}
		return r.Bucket(bMeta).Put(kRestored, []byte(time.Now().UTC().Format(time.RFC3339)))
	})
}

// AfterHQState takes what HQ says it holds of the device's history (its
// last seq and that event's hash) at the start of a sync. When HQ holds
// more than this store (restored from an older backup), the store carries
// on after it: next_seq and acked_through move to HQ's last, the device
// chain restarts there, and the range is kept to be named by Verify. It
// also ends the wait of a restored store. It returns the range adopted
// (0, 0 for none).
func (s *Store) AfterHQState(hqLast uint64, chainHead string) (from, through uint64, err error) {
	err = s.update(func(tx *bolt.Tx) error {
		m := meta(tx)
		local := getU64(m, kNextSeq) - 1
		var ch deviceChain
		if _, err := s.getJSON(tx, bMeta, kDeviceChain, &ch); err == nil && hqLast > local && hqLast <= ch.Seq {
			// A cut tail (the sealed chain goes further than next_seq)
			// whose seqs HQ settled, as events or as declared lost: this
			// store's own history, not a later one to adopt. Its seqs are
			// not numbered again; the outbox goes on from acked_through
			// (a lost answer to a declaration is retried, loss.go).
			return errors.Join(m.Put(kNextSeq, u64(hqLast+1)), m.Delete(kRestored))
		}
		if hqLast > local {
			from, through = local+1, hqLast
			data, err := json.Marshal(hqAdopted{From: from, Through: through, ChainHead: chainHead})
			if err != nil {
				return err
			}
			if err := m.Put(kHQAdopted, data); err != nil {
				return err
			}
			if err := m.Put(kNextSeq, u64(hqLast+1)); err != nil {
				return err
			}
			if err := m.Put(kAckedThrough, u64(hqLast)); err != nil {
				return err
			}
			if !s.plain {
				if err := s.putJSON(tx, bMeta, kDeviceChain, deviceChain{From: hqLast + 1, Seq: hqLast}); err != nil {
					return err
				}
			}
			n := Notice{Kind: "epoch", At: s.now(), Message: fmt.Sprintf("本设备从备份恢复：HQ 另有本设备第 %d–%d 条记录（原设备在备份之后推送），已接续在其后编号；这些记录保存在 HQ", from, through)}
			if err := s.addNotices(tx, []Notice{n}); err != nil {
				return err
			}
		}
		return m.Delete(kRestored)
	})
	return from, through, err
}

// adopted reads meta/hq_adopted (zero when none).
func adopted(tx *bolt.Tx) hqAdopted {
	var a hqAdopted
	if v := meta(tx).Get(kHQAdopted); v != nil {
		json.Unmarshal(v, &a)
	}
	return a
}
