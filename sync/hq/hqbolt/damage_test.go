package hqbolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
	"fieldcase/cases/store/boltguard"
	"fieldcase/sync/hq"
	"fieldcase/sync/hq/storetest"
)

// hqFile writes an HQ store holding a device's cases and returns its bytes.
func hqFile(t *testing.T) []byte {
	dir := t.TempDir()
	s, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	h := hq.NewHQ(s, nil, nil)
	o := storetest.NewSim(t, h, "一中队-01", storetest.Wang)
	for i := range 20 {
		_, op := o.Make(t, "", storetest.Wang, cases.EventCreated, cases.ContentPayload{Content: storetest.Content("张三", "11010519491231002X", storetest.Start.AddDate(0, 0, i), storetest.Wang)})
		o.MustPush(t, h, op)
	}
	s.Close()
	data, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// useHQ opens the file as `hq serve` and `hq cases` do.
func useHQ(dir string) error {
	s, err := Open(dir, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	h := hq.NewHQ(s, nil, nil)
	if _, err := h.Devices(context.Background()); err != nil {
		return err
	}
	_, err = h.Cases(context.Background())
	return err
}

func TestDamagedHQFileIsNamed(t *testing.T) {
	good := hqFile(t)
	pageSize := int(binary.LittleEndian.Uint32(good[16+8:]))
	inUse := int(binary.LittleEndian.Uint64(good[16+40:])) * pageSize
	for name, damage := range map[string]func([]byte) []byte{
		"0 bytes":    func([]byte) []byte { return nil },
		"cut inside": func(b []byte) []byte { return b[:inUse-pageSize] },
		"metas scrambled": func(b []byte) []byte {
			for i := 16; i < 2*pageSize; i += 7 {
				b[i] ^= 0x5a
			}
			return b
		},
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, FileName)
		os.WriteFile(path, damage(append([]byte(nil), good...)), 0o600)
		err := useHQ(dir)
		if _, ok := boltguard.IsDamaged(err); !ok || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "hq repair") {
			t.Fatalf("%s: %v; want the file named as damaged, with what to do", name, err)
		}
	}
	// A byte flipped at many places: never a panic.
	named := 0
	for off := 0; off < inUse; off += inUse/150 + 1 {
		for _, at := range []int{off, off - off%pageSize + 10} {
			dir := t.TempDir()
			b := append([]byte(nil), good...)
			b[at] ^= 0xff
			os.WriteFile(filepath.Join(dir, FileName), b, 0o600)
			if _, ok := boltguard.IsDamaged(useHQ(dir)); ok {
				named++
			}
		}
	}
	if named == 0 {
		t.Fatal("no damage noticed")
	}
	t.Logf("%d bytes in use; %d of the flips named as damage", inUse, named)
}

func TestRepairHQ(t *testing.T) {
	good := hqFile(t)
	pageSize := int(binary.LittleEndian.Uint32(good[16+8:]))
	inUse := int(binary.LittleEndian.Uint64(good[16+40:])) * pageSize
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, FileName), good[:inUse-pageSize], 0o600)
	if _, ok := boltguard.IsDamaged(useHQ(dir)); !ok {
		t.Fatal("the cut file opened")
	}
	rep, err := Repair(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(rep.DamagedCopy); err != nil {
		t.Fatal("the damaged file was not kept")
	}
	if err := useHQ(dir); err != nil {
		t.Fatalf("the repaired hq.db: %v", err)
	}
	t.Logf("recovered %v, %d bad pages, missing %v", rep.Recovered, rep.BadPages, rep.Missing)
}

// A running HQ streams a consistent copy through its admin API while
// devices push; the copy opens as an HQ with every case settled before it.
func TestBackupWhileServing(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	h := hq.NewHQ(s, nil, nil)
	o := storetest.NewSim(t, h, "一中队-01", storetest.Wang)
	push := func(i int) {
		_, op := o.Make(t, "", storetest.Wang, cases.EventCreated, cases.ContentPayload{Content: storetest.Content("张三", "11010519491231002X", storetest.Start.AddDate(0, 0, i), storetest.Wang)})
		o.MustPush(t, h, op)
	}
	for i := range 10 {
		push(i)
	}
	admin := httptest.NewServer(hq.NewServer(h, hq.ServerOptions{}).AdminHandler("admin-token"))
	defer admin.Close()
	ra := &hq.RemoteAdmin{URL: admin.URL, Token: "admin-token", HTTP: admin.Client()}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 10; i < 30; i++ {
			push(i)
		}
	}()
	var buf bytes.Buffer
	n, err := ra.Backup(context.Background(), &buf)
	<-done
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("backup: %d bytes, %v", n, err)
	}
	restored := t.TempDir()
	os.WriteFile(filepath.Join(restored, FileName), buf.Bytes(), 0o600)
	r, err := Open(restored, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cs, err := hq.NewHQ(r, nil, nil).Cases(context.Background())
	if err != nil || len(cs) < 10 {
		t.Fatalf("restored HQ holds %d cases, %v", len(cs), err)
	}
}

// The buckets checkLayout and Repair know are every bucket the migrations make.
func TestLayoutBucketsAreEveryBucket(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var made []string
	s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bRoot).ForEach(func(k, v []byte) error {
			if v == nil {
				made = append(made, string(k))
			}
			return nil
		})
	})
	var known []string
	for _, b := range layoutBuckets {
		known = append(known, string(b))
	}
	sort.Strings(made)
	sort.Strings(known)
	if strings.Join(made, ",") != strings.Join(known, ",") {
		t.Fatalf("migrations make %v; layoutBuckets lists %v", made, known)
	}
}

// TestCloseStampsWhatHQWrote: after HQ's own commits, closing hq.db
// stamps it (once it has been still for a moment), so the next `hq serve`
// need not walk every page; a stamp never vouches for a file changed since.
func TestCloseStampsWhatHQWrote(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(t.Context(), func(tx hq.Tx) error {
		return tx.PutDevice(hq.Device{Name: "一中队-01", ID: "0190a0b0-0000-7000-8000-000000000001", Status: hq.DeviceActive})
	}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, FileName)
	os.Remove(path + boltguard.StampSuffix)
	time.Sleep(2100 * time.Millisecond) // a stamp vouches only for a file still for 2 s
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	first, err := os.ReadFile(path + boltguard.StampSuffix)
	if err != nil {
		t.Fatalf("no stamp after HQ's own commit and a clean close: %v", err)
	}
	// Another program writes the file: no stamp is written for it at close.
	s, err = Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	other, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	other.WriteAt([]byte{0}, 4096*3+100) // a byte inside a data page
	other.Close()
	time.Sleep(2100 * time.Millisecond)
	s.Close()
	if now, _ := os.ReadFile(path + boltguard.StampSuffix); !bytes.Equal(now, first) {
		t.Fatal("a file written by another program was stamped at close")
	}
}
