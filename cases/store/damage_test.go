package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases/store/boltguard"
)

// A laptop that lost power at the wrong moment, a failing disk, a file cut
// short by a copy: the store file itself is damaged. Every such file must
// be named as damaged, with what to do, and never crash the program or be
// taken for a new store.

// realStore writes a store with enough cases to span many pages and
// returns its directory and a copy of its file.
func realStore(t testing.TB, n int) (string, []byte) {
	t.Helper()
	dir := t.TempDir()
	st, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := signIn(st); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		create(t, st, sampleContent(fmt.Sprintf("当事人%d", i), "11010519491231002X", time.Date(2026, 11, 20, 10, i, 0, 0, time.UTC)),
			Change{"submitted", struct{}{}})
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	return dir, data
}

// useStore does what an officer's commands do with a store: open, sign
// in, verify, list, record. It returns the first error.
func useStore(dir string) error {
	st, err := Open(dir, Options{Timeout: 100 * time.Millisecond})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := signIn(st); err != nil {
		return err
	}
	if _, _, err := st.Verify(); err != nil {
		return err
	}
	if _, err := st.List(Filter{Limit: 1000}); err != nil {
		return err
	}
	_, err = st.Record(officer, "", Change{"created", contentPayload(sampleContent("李四", "110105194912310037", time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)))})
	return err
}

func wantDamaged(t *testing.T, err error, path string) {
	t.Helper()
	d, ok := boltguard.IsDamaged(err)
	if !ok {
		t.Fatalf("got %v, want the file named as damaged", err)
	}
	msg := err.Error()
	for _, want := range []string{"数据文件已损坏", path, "fieldcase repair"} {
		if !strings.Contains(msg, want) {
			t.Fatalf("message %q does not say %q", msg, want)
		}
	}
	if d.Reason == "" {
		t.Fatal("no reason given")
	}
}

func TestDamagedStoreIsNamedNotPanicked(t *testing.T) {
	_, good := realStore(t, 40)
	pageSize := int(binary.LittleEndian.Uint32(good[16+8:]))
	tests := []struct {
		name   string
		damage func([]byte) []byte
	}{
		{"empty file (0 bytes)", func(b []byte) []byte { return nil }},
		{"cut to 16 KiB", func(b []byte) []byte { return b[:16<<10] }},
		{"cut to half", func(b []byte) []byte { return b[:len(b)/2] }},
		{"cut inside the meta pages", func(b []byte) []byte { return b[:100] }},
		{"both meta pages overwritten", func(b []byte) []byte {
			for i := 0; i < 2*pageSize; i++ {
				b[i] = 0x5a
			}
			return b
		}},
		{"every page header after the metas scrambled", func(b []byte) []byte {
			for off := 2 * pageSize; off+16 <= len(b); off += pageSize {
				for i := 0; i < 16; i++ {
					b[off+i] ^= 0xa5
				}
			}
			return b
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			if err := os.WriteFile(path, tt.damage(append([]byte(nil), good...)), 0o600); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(path)
			wantDamaged(t, useStore(dir), path)
			after, _ := os.ReadFile(path)
			if string(before) != string(after) {
				t.Fatal("the damaged file was changed (or replaced by a new store)")
			}
		})
	}
}

// Flip a byte at many places of a real store: whatever happens, nothing
// panics or faults; damage that shows is named as damage.
func TestStoreDamagedAtManyOffsetsNeverPanics(t *testing.T) {
	_, good := realStore(t, 20)
	pageSize := int(binary.LittleEndian.Uint32(good[16+8:]))
	inUse := int(binary.LittleEndian.Uint64(good[16+40:])) * pageSize // meta 0's high water mark
	var offsets []int
	for page := 0; page < inUse; page += pageSize {
		// the page header (id, flags, count) and the first element header
		for _, at := range []int{0, 8, 10, 16, 20, 24} {
			offsets = append(offsets, page+at)
		}
	}
	for off := 0; off < inUse; off += inUse/97 + 1 {
		offsets = append(offsets, off)
	}
	named, refused := 0, 0
	for _, off := range offsets {
		err := damagedAt(t, good, off, 0xff)
		if _, ok := boltguard.IsDamaged(err); ok {
			named++
		} else if err != nil {
			refused++
		}
	}
	t.Logf("%d bytes in use, %d offsets: %d named as damaged, %d other errors", inUse, len(offsets), named, refused)
	if named == 0 {
		t.Fatal("no damaged page was noticed")
	}
}

func damagedAt(t testing.TB, good []byte, off int, xor byte) error {
	dir := t.TempDir()
	b := append([]byte(nil), good...)
	b[off] ^= xor
	if err := os.WriteFile(filepath.Join(dir, FileName), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return useStore(dir)
}

func FuzzDamagedStore(f *testing.F) {
	_, good := realStore(f, 20)
	for _, off := range []uint32{0, 16, 4096 + 40, 65536, 65536 + 8, uint32(len(good) / 2)} {
		f.Add(off, byte(0xff))
	}
	f.Fuzz(func(t *testing.T, off uint32, xor byte) {
		if xor == 0 {
			return
		}
		damagedAt(t, good, int(off)%len(good), xor)
	})
}

// BenchmarkOpenChecked is the cost of opening a store of 2,000 cases with
// every page validated and walked (boltguard) and the migrations checked:
// the open of a file this program has not stamped (docs/store.md §2.1).
func BenchmarkOpenChecked(b *testing.B) {
	dir, data := realStore(b, 2000)
	b.Logf("store file: %.1f MiB", float64(len(data))/(1<<20))
	for b.Loop() {
		os.Remove(filepath.Join(dir, FileName+boltguard.StampSuffix))
		st, err := Open(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
}

// BenchmarkOpenStamped is the same open of a file the stamp vouches for:
// no page walk.
func BenchmarkOpenStamped(b *testing.B) {
	dir, _ := realStore(b, 2000)
	time.Sleep(2100 * time.Millisecond) // a stamp is written only for a file still for 2 s
	st, err := Open(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	st.Close()
	for b.Loop() {
		st, err := Open(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
}

// BenchmarkPrecheck is the page validation alone on the same store.
func BenchmarkPrecheck(b *testing.B) {
	dir, _ := realStore(b, 2000)
	path := filepath.Join(dir, FileName)
	for b.Loop() {
		if _, err := boltguard.Precheck(path); err != nil {
			b.Fatal(err)
		}
	}
}

// The buckets checkLayout and Repair know are every bucket the migrations make.
func TestLayoutBucketsAreEveryBucket(t *testing.T) {
	st := openTest(t, t.TempDir())
	var made, known []string
	st.view(func(tx *bolt.Tx) error {
		return root(tx).ForEach(func(k, v []byte) error {
			if v == nil {
				made = append(made, string(k))
			}
			return nil
		})
	})
	for _, b := range layoutBuckets {
		known = append(known, string(b))
	}
	sort.Strings(made)
	sort.Strings(known)
	if strings.Join(made, ",") != strings.Join(known, ",") {
		t.Fatalf("migrations make %v; layoutBuckets lists %v", made, known)
	}
}

// A store file that is gone while the vault still holds evidence is a
// loss: the officer's cases were in it. Open must say so and leave the
// directory as it is, never start a new empty store there; only an
// explicit NewStore starts anew, keeping the old vault aside.
func TestMissingStoreBesideTheVaultIsALoss(t *testing.T) {
	dir := t.TempDir()
	st := openTest(t, dir)
	src := t.TempDir()
	if _, _, err := st.ImportEvidence(writeFile(t, src, "p.jpg", evidenceBytes()), nil); err != nil {
		t.Fatal(err)
	}
	create(t, st, sampleContent("张三丰", "11010519491231002X", time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)))
	st.Close()
	path := filepath.Join(dir, FileName)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}

	_, err := Open(dir, Options{})
	m, ok := IsMissing(err)
	if !ok {
		t.Fatalf("Open: %v; want the store named as missing", err)
	}
	if m.VaultFiles != 1 {
		t.Fatalf("the error counts %d vault files, want 1", m.VaultFiles)
	}
	for _, want := range []string{path, "不存在", "1 个证据文件", "fieldcase restore", "--new-store"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("%q does not say %q", err, want)
		}
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a store file was made: %v", err)
	}

	st, err = Open(dir, Options{NewStore: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if users, _ := st.Users(); len(users) != 0 {
		t.Fatalf("the new store has users: %v", users)
	}
	kept, _ := filepath.Glob(filepath.Join(dir, EvidenceDir+".before-new-store.*", "*"))
	if len(kept) != 1 {
		t.Fatalf("the old vault's file was not kept aside: %v", kept)
	}
}

// A new device (no vault, or an empty one) still gets a new store.
func TestMissingStoreWithEmptyVaultIsNew(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, EvidenceDir), 0o700)
	os.WriteFile(filepath.Join(dir, EvidenceDir, ".import-123"), []byte("half"), 0o600) // a killed import
	st, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
}

// A store the program stamped (docs/store.md §2.1), then damaged by
// something else: the next open sees the change and walks every page, so
// the damage is named as in a store never stamped.
func TestStampedStoreDamagedLaterIsNamed(t *testing.T) {
	dir, _ := realStore(t, 40)
	path := filepath.Join(dir, FileName)
	time.Sleep(2100 * time.Millisecond) // a stamp vouches only for a file still for 2 s
	st, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := os.Stat(path + boltguard.StampSuffix); err != nil {
		t.Fatalf("no stamp after a clean open: %v", err)
	}
	good, _ := os.ReadFile(path)
	pageSize := int(binary.LittleEndian.Uint32(good[16+8:]))
	root := int(binary.LittleEndian.Uint64(good[16+16:])) // meta 0's root bucket page
	if m1 := good[pageSize+16:]; binary.LittleEndian.Uint64(m1[48:]) > binary.LittleEndian.Uint64(good[16+48:]) {
		root = int(binary.LittleEndian.Uint64(m1[16:])) // meta 1 is newer
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte{0xff, 0xff}, int64(root*pageSize+10)) // the root page's element count
	f.Close()
	err = useStore(dir)
	wantDamaged(t, err, path)
	// Named by the page walk, not by bbolt tripping over the page later.
	if d, _ := boltguard.IsDamaged(err); !strings.Contains(d.Reason, fmt.Sprintf("第 %d 页", root)) {
		t.Fatalf("the damage was not found by the walk: %s", d.Reason)
	}
}
