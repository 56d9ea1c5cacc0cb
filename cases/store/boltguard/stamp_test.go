//go:build linux || darwin

package boltguard

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// fill writes enough keys to span many pages, as a committed transaction
// of the program.
func fill(t *testing.T, db *bolt.DB, n int) {
	t.Helper()
	err := db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("data"))
		if err != nil {
			return err
		}
		for i := range n {
			if err := b.Put(fmt.Appendf(nil, "key%06d", i), make([]byte, 300)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	Committed(db)
}

// openClose opens the file as the store does, and closes it; it returns
// whether the pages were walked.
func openClose(t *testing.T, path string) (walked bool, err error) {
	t.Helper()
	before := walks.Load()
	db, err := Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return walks.Load() > before, err
	}
	db.Close()
	Closed(path)
	return walks.Load() > before, nil
}

// The tests' files are on a file system whose clock ticks in
// milliseconds, so they wait a shorter margin than FAT needs.
func init() { stampMargin = 50 * time.Millisecond }

// settle waits until a write just made is older than a file system
// clock's tick, as it is between two starts of the program.
func settle() { time.Sleep(stampMargin + 10*time.Millisecond) }

func newFile(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	fill(t, db, 2000)
	db.Close()
	Closed(path)
	return path
}

func TestStampSkipsTheWalkOnlyForAnUntouchedFile(t *testing.T) {
	path := newFile(t)
	settle()
	if walked, err := openClose(t, path); err != nil || !walked {
		t.Fatalf("first open after the commit: walked %v, %v; want a walk (no stamp yet)", walked, err)
	}
	if walked, err := openClose(t, path); err != nil || walked {
		t.Fatalf("second open: walked %v, %v; want the stamp trusted", walked, err)
	}

	// Damage written right after: a new change time, a walk, named.
	leaf := leafOf(t, path, []byte("key001000"))
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	page := make([]byte, 8)
	binary.LittleEndian.PutUint64(page, 999999) // the leaf names another page
	if _, err := f.WriteAt(page, int64(leaf)*4096); err != nil {
		t.Fatal(err)
	}
	f.Close()
	walked, err := openClose(t, path)
	if _, ok := IsDamaged(err); !walked || !ok {
		t.Fatalf("after damage: walked %v, %v; want a walk naming the damage", walked, err)
	}
}

func TestStampIsNotTakenAcrossACopy(t *testing.T) {
	path := newFile(t)
	settle()
	openClose(t, path) // walked, stamped
	// A copy with the same times and the stamp beside it: another inode.
	data, _ := os.ReadFile(path)
	info, _ := os.Stat(path)
	stampBytes, _ := os.ReadFile(path + StampSuffix)
	os.Remove(path)
	os.WriteFile(path, data, 0o600)
	os.Chtimes(path, info.ModTime(), info.ModTime())
	os.WriteFile(path+StampSuffix, stampBytes, 0o600)
	settle()
	if walked, err := openClose(t, path); err != nil || !walked {
		t.Fatalf("a copied file: walked %v, %v; want a walk", walked, err)
	}
}

func TestStampAfterCommitsOnlyIfNothingElseWrote(t *testing.T) {
	path := newFile(t)
	settle()

	// The program commits, the file settles, the program closes: stamped.
	db, err := Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	fill(t, db, 3000)
	settle()
	db.Close()
	Closed(path)
	if walked, err := openClose(t, path); err != nil || walked {
		t.Fatalf("after the program's own commit: walked %v, %v; want the stamp trusted", walked, err)
	}

	// Something else writes the file while the program holds it: no stamp.
	db, err = Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(path, os.O_RDWR, 0)
	f.WriteAt([]byte{0}, 100*4096+2000)
	f.Close()
	settle()
	db.Close()
	Closed(path)
	if walked, _ := openClose(t, path); !walked {
		t.Fatal("a file written by something else while open was trusted")
	}
}

// A stamp that lies (forged, or an edit within a clock tick) skips the
// walk at open; CheckTx still walks every page and names the damage.
func TestCheckTxWalksWhateverTheStampSays(t *testing.T) {
	path := newFile(t)
	db, err := Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	leaf := leafOf(t, path, []byte("key001000"))
	db.Close()
	Closed(path)
	f, _ := os.OpenFile(path, os.O_RDWR, 0)
	f.WriteAt([]byte{0xff, 0xff}, int64(leaf)*4096+10) // the leaf's element count
	f.Close()
	info, _ := os.Stat(path)
	m, _, _ := newestMeta(mustOpen(t, path))
	s, _ := stampOf(info, m)
	writeStamp(path, s) // forged

	db, err = Open(path, 0o600, nil)
	if err != nil {
		t.Fatalf("the forged stamp was not trusted: %v", err)
	}
	defer db.Close()
	err = Guard(path, func() error { return db.View(CheckTx) })
	if _, ok := IsDamaged(err); !ok {
		t.Fatalf("CheckTx: %v; want the damaged leaf named", err)
	}
}

func mustOpen(t *testing.T, path string) *os.File {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// leafOf finds the leaf page holding key, reading the file raw.
func leafOf(t *testing.T, path string, key []byte) uint64 {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for id := uint64(2); (id+1)*4096 <= uint64(len(data)); id++ {
		for _, o := range leafEntries(nil, id, "", data[id*4096:(id+1)*4096], 0) {
			if string(o.Key) == string(key) && binary.LittleEndian.Uint64(data[id*4096:]) == id {
				return id
			}
		}
	}
	t.Fatal("no leaf holds the key")
	return 0
}
