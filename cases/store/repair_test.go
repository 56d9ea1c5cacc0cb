package store

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// repairAndUse repairs dir and opens the result as an officer would.
func repairAndUse(t *testing.T, dir string) (RepairReport, []Problem, int) {
	t.Helper()
	rep, err := Repair(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(rep.DamagedCopy); err != nil {
		t.Fatalf("the damaged file was not kept: %v", err)
	}
	st, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("the repaired store does not open: %v", err)
	}
	defer st.Close()
	if err := signIn(st); err != nil {
		t.Fatal(err)
	}
	problems, n, err := st.Verify()
	if err != nil {
		t.Fatal(err)
	}
	return rep, problems, n
}

func TestRepairSalvagesAroundABrokenPage(t *testing.T) {
	_, good := realStore(t, 40)
	pageSize := int(binary.LittleEndian.Uint32(good[16+8:]))
	inUse := int(binary.LittleEndian.Uint64(good[16+40:]))
	// Break the first page past the middle whose damage Open notices.
	for p := inUse / 2; p < inUse; p++ {
		dir := t.TempDir()
		b := append([]byte(nil), good...)
		binary.LittleEndian.PutUint64(b[p*pageSize:], 999999) // the page no longer says its own id
		os.WriteFile(filepath.Join(dir, FileName), b, 0o600)
		if _, err := Open(dir, Options{}); err == nil {
			continue // a free page: nothing lost
		} else if _, ok := IsDamaged(err); !ok {
			t.Fatal(err)
		}
		rep, problems, n := repairAndUse(t, dir)
		t.Logf("page %d broken: %d cases kept, recovered %v, %d bad pages, missing %v; %d problems named", p, n, rep.Recovered, rep.BadPages, rep.Missing, len(problems))
		if rep.BadPages == 0 || rep.Recovered["v1/users"] != 1 {
			t.Fatalf("report %+v", rep)
		}
		if n == 40 && len(Failures(problems)) == 0 {
			t.Fatal("a page was lost, yet nothing is missing")
		}
		return
	}
	t.Fatal("no page's damage was noticed")
}

func TestRepairOfACutFile(t *testing.T) {
	_, good := realStore(t, 40)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, FileName), good[:len(good)/3], 0o600)
	rep, problems, n := repairAndUse(t, dir)
	t.Logf("cut to a third: %d cases kept, recovered %v, %d bad pages, missing %v; %d problems", n, rep.Recovered, rep.BadPages, rep.Missing, len(problems))
	if rep.BadPages == 0 {
		t.Fatal("pages past the cut were not counted as lost")
	}
}

// The events bucket's branch page is lost: its newest leaf pages are whole
// but no tree reaches them. Repair keeps their entries aside; after sign-in
// the sealed values show which are events of which case, and every case
// comes back verified.
func TestRepairAdoptsEventsOfALostBranch(t *testing.T) {
	dir, good := realStore(t, 40)
	var branch uint64
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *bolt.Tx) error {
		branch = uint64(root(tx).Bucket(bEvents).Root())
		if info, err := tx.Page(int(branch)); err != nil || info == nil || info.Type != "branch" {
			t.Fatalf("events root page %d: %+v %v", branch, info, err)
		}
		return nil
	})
	db.Close()
	pageSize := int(binary.LittleEndian.Uint32(good[16+8:]))
	b := append([]byte(nil), good...)
	binary.LittleEndian.PutUint64(b[int(branch)*pageSize:], 999999)
	os.WriteFile(filepath.Join(dir, FileName), b, 0o600)
	if _, err := Open(dir, Options{}); err == nil {
		t.Fatal("the broken branch went unnoticed")
	}
	rep, err := Repair(dir)
	if err != nil {
		t.Fatal(err)
	}
	st := openTest(t, dir)
	events, _, err := st.AdoptSalvaged()
	if err != nil {
		t.Fatal(err)
	}
	problems, n, err := st.Verify()
	t.Logf("%d orphaned entries, %d events taken back; %d cases, problems %v", rep.Orphans, events, n, problems)
	// The older meta page's tree reaches most leaves; the newest are found
	// only as orphans.
	if err != nil || events == 0 || n != 40 || len(Failures(problems)) != 0 {
		t.Fatalf("after adopting: %d events, %d cases, %v %v", events, n, problems, err)
	}
}

// Whatever the damage, the repaired file opens: Repair never panics on a
// hostile file and never writes one the store refuses.
func FuzzRepair(f *testing.F) {
	_, good := realStore(f, 15)
	for _, off := range []uint32{0, 16, 4096 + 40, 2 * 4096, 5*4096 + 10, uint32(len(good) / 2)} {
		f.Add(off, byte(0xff), uint32(len(good)))
	}
	f.Add(uint32(100), byte(1), uint32(len(good)/3))
	f.Fuzz(func(t *testing.T, off uint32, xor byte, size uint32) {
		b := append([]byte(nil), good...)
		b[int(off)%len(b)] ^= xor
		b = b[:max(1, int(size)%(len(b)+1))]
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, FileName), b, 0o600)
		if _, err := Repair(dir); err != nil {
			return
		}
		st, err := Open(dir, Options{})
		if err != nil {
			t.Fatalf("the repaired store does not open: %v", err)
		}
		st.Close()
	})
}
