package storefix

import (
	"bytes"
	"encoding/binary"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// firstSeq is the lowest device seq the outbox names for the case ck.
func firstSeq(t testing.TB, tx *bolt.Tx, ck []byte) []byte {
	var first []byte
	tx.Bucket([]byte("v1")).Bucket([]byte("outbox")).ForEach(func(k, v []byte) error {
		if first == nil && bytes.HasPrefix(v, ck) {
			first = append([]byte(nil), k...)
		}
		return nil
	})
	if first == nil {
		t.Fatalf("the outbox names no event of case %x", ck)
	}
	return first
}

// LoseAnswer puts acked_through back to just before the case's first
// event, in the closed store file in dir, as a push of the case whose
// answer was lost leaves it: HQ holds the case, the device does not know.
func LoseAnswer(t testing.TB, dir, caseID string) {
	t.Helper()
	editCase(t, dir, caseID, func(tx *bolt.Tx, ck []byte) error {
		acked := binary.BigEndian.Uint64(firstSeq(t, tx, ck)) - 1
		return tx.Bucket([]byte("v1")).Bucket([]byte("meta")).Put([]byte("acked_through"), binary.BigEndian.AppendUint64(nil, acked))
	})
}

// CutTail removes the newest case as a file cut back to an older copy
// would lose it: its record, its events, its outbox entries, and next_seq
// put back to its first seq. Only the sealed device chain still counts
// the seqs, so the store can tell its tail is gone.
func CutTail(t testing.TB, dir, caseID string) {
	t.Helper()
	DeleteCase(t, dir, caseID)
	editCase(t, dir, caseID, func(tx *bolt.Tx, ck []byte) error {
		r := tx.Bucket([]byte("v1"))
		outbox := r.Bucket([]byte("outbox"))
		next := firstSeq(t, tx, ck)
		var seqs [][]byte
		outbox.ForEach(func(k, v []byte) error {
			if bytes.HasPrefix(v, ck) {
				seqs = append(seqs, append([]byte(nil), k...))
			}
			return nil
		})
		for _, k := range seqs {
			if err := outbox.Delete(k); err != nil {
				return err
			}
		}
		return r.Bucket([]byte("meta")).Put([]byte("next_seq"), next)
	})
}
