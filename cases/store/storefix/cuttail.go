package storefix

import (
	"bytes"
	"encoding/binary"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// CutTail removes the newest case as a file cut back to an older copy
// would lose it: its record, its events, its outbox entries, and next_seq
// put back to its first seq. Only the sealed device chain still counts
// the seqs, so the store can tell its tail is gone.
func CutTail(t testing.TB, dir, caseID string) {
	t.Helper()
	id, err := uuid.Parse(caseID)
	if err != nil {
		t.Fatal(err)
	}
	ck := id[:]
	DeleteCase(t, dir, caseID)
	db, err := bolt.Open(filepath.Join(dir, "fieldcase.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		r := tx.Bucket([]byte("v1"))
		outbox := r.Bucket([]byte("outbox"))
		var seqs [][]byte
		outbox.ForEach(func(k, v []byte) error {
			if bytes.HasPrefix(v, ck) {
				seqs = append(seqs, append([]byte(nil), k...))
			}
			return nil
		})
		if len(seqs) == 0 {
			t.Fatalf("the outbox names no event of case %s", caseID)
		}
		for _, k := range seqs {
			if err := outbox.Delete(k); err != nil {
				return err
			}
		}
		next := binary.BigEndian.Uint64(seqs[0])
		return r.Bucket([]byte("meta")).Put([]byte("next_seq"), binary.BigEndian.AppendUint64(nil, next))
	})
	if err != nil {
		t.Fatal(err)
	}
}
