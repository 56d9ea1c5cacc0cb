package storefix

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// DeleteCase removes a whole case — its record and every event of its
// log — straight from the closed store file in dir, as someone with the
// file and a bbolt tool could (no key needed). The outbox, the indexes and
// the sealed device chain are left as they were, so the store itself can
// tell which of its own events are gone.
func DeleteCase(t testing.TB, dir, caseID string) {
	t.Helper()
	editCase(t, dir, caseID, func(tx *bolt.Tx, ck []byte) error {
		r := tx.Bucket([]byte("v1"))
		if err := r.Bucket([]byte("cases")).Delete(ck); err != nil {
			return err
		}
		events := r.Bucket([]byte("events"))
		var keys [][]byte
		c := events.Cursor()
		for k, _ := c.Seek(ck); k != nil && bytes.HasPrefix(k, ck); k, _ = c.Next() {
			keys = append(keys, append([]byte(nil), k...))
		}
		for _, k := range keys {
			if err := events.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}

// editCase runs edit in one write transaction on the closed store file in
// dir, with the key of case caseID.
func editCase(t testing.TB, dir, caseID string, edit func(tx *bolt.Tx, ck []byte) error) {
	t.Helper()
	id, err := uuid.Parse(caseID)
	if err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(filepath.Join(dir, "fieldcase.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error { return edit(tx, id[:]) }); err != nil {
		t.Fatal(err)
	}
}
