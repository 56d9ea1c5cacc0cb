package hqbolt

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"fieldcase/sync/hq"
)

// fileAt writes an HQ file in dir as a build whose newest migration is v
// left it: migrations 1..v run by hand, then edits (the rows a test adds),
// and meta/schema set to v, in one transaction.
func fileAt(t *testing.T, dir string, v int, edits ...func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error {
		for _, m := range migrations[:v] {
			if err := m.run(tx); err != nil {
				return err
			}
		}
		for _, edit := range edits {
			if err := edit(tx); err != nil {
				return err
			}
		}
		return tx.Bucket(bRoot).Bucket(bMeta).Put(kSchema, u64(uint64(v)))
	}); err != nil {
		t.Fatal(err)
	}
}

// TestMigrationList: versions run 1, 2, … without gaps, each with a name,
// and SchemaVersion is the last.
func TestMigrationList(t *testing.T) {
	for i, m := range migrations {
		if m.version != i+1 || m.name == "" || m.run == nil {
			t.Fatalf("migration %d: version %d, name %q", i, m.version, m.name)
		}
	}
	if SchemaVersion() != len(migrations) {
		t.Fatalf("SchemaVersion %d, %d migrations", SchemaVersion(), len(migrations))
	}
}

// TestMigration1Create: on an empty file, migration 1 makes the root
// bucket, every bucket under it and an epoch, and nothing of migration 2.
func TestMigration1Create(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(migrations[0].run); err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *bolt.Tx) error {
		r := tx.Bucket(bRoot)
		if r == nil {
			t.Fatal("no root bucket")
		}
		for _, name := range allBuckets {
			if r.Bucket(name) == nil {
				t.Errorf("bucket %s missing", name)
			}
		}
		m := r.Bucket(bMeta)
		if uuid.Validate(string(m.Get(kEpoch))) != nil {
			t.Errorf("epoch %q", m.Get(kEpoch))
		}
		if m.Get([]byte("x/"+hq.MetaHQSignKey)) != nil {
			t.Error("migration 1 made HQ's signing key")
		}
		return nil
	})
	// Run twice, it fails rather than build a second layout over the first.
	if err := db.Update(migrations[0].run); err == nil {
		t.Fatal("migration 1 ran over an existing layout")
	}
}

// TestMigration2SignKeys: a schema-1 file with an enrolled device opens
// under schema 2 with the device intact and HQ's signing key made; from
// then on a device's key is fixed, and reopening keeps HQ's key.
func TestMigration2SignKeys(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	fileAt(t, dir, 1)
	dev := hq.Device{Name: "旧设备", ID: "0190a0b0-0000-7000-8000-000000000001", Status: hq.DeviceActive, LastSeq: 7}
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(dev)
	if err := db.Update(func(tx *bolt.Tx) error {
		r := tx.Bucket(bRoot)
		if err := r.Bucket(bDevices).Put([]byte(dev.Name), data); err != nil {
			return err
		}
		return r.Bucket(bDeviceIDs).Put([]byte(dev.ID), []byte(dev.Name))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	var key string
	var got hq.Device
	if err := s.View(ctx, func(tx hq.Tx) error {
		var err error
		if key, _, err = tx.Meta(hq.MetaHQSignKey); err != nil {
			return err
		}
		got, _, err = tx.DeviceByID(dev.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := hq.ParseHQSignKey(key); err != nil {
		t.Fatalf("HQ key after migration: %v", err)
	}
	if got.Name != dev.Name || got.LastSeq != 7 || got.SignKey != "" {
		t.Fatalf("device after migration: %+v", got)
	}
	if st, _ := s.Schema(ctx); st.Version != SchemaVersion() {
		t.Fatalf("schema %d after migration", st.Version)
	}
	put := func(k string) error {
		return s.Update(ctx, func(tx hq.Tx) error {
			d, _, err := tx.DeviceByID(dev.ID)
			if err != nil {
				return err
			}
			d.SignKey = k
			return tx.PutDevice(d)
		})
	}
	if err := put("a2V5LW9uZQ=="); err != nil {
		t.Fatalf("first key: %v", err)
	}
	if err := put("a2V5LXR3bw=="); !errors.Is(err, hq.ErrSignKeyFixed) {
		t.Fatalf("second key: %v", err)
	}
	s.Close()
	if s, err = Open(dir, 0); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var again string
	s.View(ctx, func(tx hq.Tx) error { again, _, _ = tx.Meta(hq.MetaHQSignKey); return nil })
	if again != key {
		t.Fatal("HQ's signing key changed on reopen")
	}
}

// TestOpenRefusesNewerOrBrokenSchema: a file from a newer build, or one
// whose version is missing, is refused and left as it is.
func TestOpenRefusesNewerOrBrokenSchema(t *testing.T) {
	for _, tc := range []struct {
		name  string
		value []byte
	}{
		{"newer", u64(uint64(SchemaVersion() + 1))},
		{"missing", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			fileAt(t, dir, SchemaVersion())
			db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			db.Update(func(tx *bolt.Tx) error {
				m := tx.Bucket(bRoot).Bucket(bMeta)
				if tc.value == nil {
					return m.Delete(kSchema)
				}
				return m.Put(kSchema, tc.value)
			})
			db.Close()
			if s, err := Open(dir, 0); err == nil {
				s.Close()
				t.Fatal("opened")
			}
			if _, err := ReadSchema(dir, 0); tc.value == nil && err == nil {
				t.Fatal("ReadSchema took a file without a version")
			}
		})
	}
}

// TestReadSchema: status reads where a file stands and changes nothing —
// no file for a new directory, pending migrations stay pending — and a
// file held by a running HQ is reported as locked.
func TestReadSchema(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "hq")
	want := func(st hq.Schema, version int, applied ...bool) {
		t.Helper()
		if st.Kind != Kind || st.Version != version || len(st.Migrations) != len(migrations) {
			t.Fatalf("status %+v", st)
		}
		for i, a := range applied {
			if st.Migrations[i].Applied != a || st.Migrations[i].Version != i+1 {
				t.Fatalf("migration %d: %+v", i+1, st.Migrations[i])
			}
		}
	}
	st, err := ReadSchema(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	want(st, 0, false, false)
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("status made the directory (%v)", err)
	}
	os.MkdirAll(dir, 0o700)
	fileAt(t, dir, 1)
	st, err = ReadSchema(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	want(st, 1, true, false)
	if st, _ = ReadSchema(dir, 0); st.Version != 1 {
		t.Fatal("status migrated the file")
	}
	s, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := ReadSchema(dir, 100*time.Millisecond); !errors.Is(err, ErrLocked) {
		t.Fatalf("while open: %v", err)
	}
	st, err = s.Schema(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want(st, SchemaVersion(), true, true, true)
}

// TestMigration4Holidays: a schema-3 file with a published rule set opens
// under schema 4 with the rule set intact and an empty holidays bucket, in
// which a published schedule is kept by year and survives a reopen.
func TestMigration4Holidays(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	fileAt(t, dir, 3, func(tx *bolt.Tx) error {
		if tx.Bucket(bRoot).Bucket(bHolidays) != nil {
			t.Error("the holidays bucket exists before migration 4")
		}
		return tx.Bucket(bRoot).Bucket(bRuleSets).Put([]byte("cq-2025.1"), []byte(`{"version":"cq-2025.1"}`))
	})
	s, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Schema(ctx); st.Version != SchemaVersion() {
		t.Fatalf("schema %d after migration", st.Version)
	}
	sch := []byte(`{"year":2028,"source":"国办发明电〔2027〕1号","days":[{"date":"2028-01-03","name":"元旦"}]}`)
	if err := s.Update(ctx, func(tx hq.Tx) error {
		sets, err := tx.RuleSets()
		if err != nil || len(sets) != 1 {
			t.Errorf("rule sets after migration: %v %v", sets, err)
		}
		hs, err := tx.Holidays()
		if err != nil || len(hs) != 0 {
			t.Errorf("holidays after migration: %v %v", hs, err)
		}
		return tx.PutHolidays(2028, sch)
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(dir, 0); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.View(ctx, func(tx hq.Tx) error {
		hs, err := tx.Holidays()
		if err != nil || string(hs[2028]) != string(sch) {
			t.Errorf("holidays after reopen: %s %v", hs[2028], err)
		}
		return nil
	})
}

// TestMigration5Losses: a schema-4 file with a device opens under schema 5
// with the device intact and an empty losses bucket, in which a device's
// declarations are kept by device and first seq and survive a reopen.
func TestMigration5Losses(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	fileAt(t, dir, 4, func(tx *bolt.Tx) error {
		if tx.Bucket(bRoot).Bucket(bLosses) != nil {
			t.Error("the losses bucket exists before migration 5")
		}
		return tx.Bucket(bRoot).Bucket(bDevices).Put([]byte("一中队-01"), []byte(`{"name":"一中队-01","id":"d1","status":"active","last_seq":7}`))
	})
	s, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Schema(ctx); st.Version != SchemaVersion() || SchemaVersion() < 5 {
		t.Fatalf("schema %d after migration", st.Version)
	}
	if err := s.Update(ctx, func(tx hq.Tx) error {
		if d, ok, err := tx.Device("一中队-01"); err != nil || !ok || d.LastSeq != 7 {
			t.Errorf("device after migration: %+v %v %v", d, ok, err)
		}
		if ls, err := tx.Losses(""); err != nil || len(ls) != 0 {
			t.Errorf("losses after migration: %v %v", ls, err)
		}
		for _, l := range []hq.LossRecord{{Device: "d1", From: 8, Through: 9}, {Device: "d1", From: 3, Through: 4}, {Device: "d0", From: 1, Through: 1}} {
			if err := tx.PutLoss(l); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(dir, 0); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.View(ctx, func(tx hq.Tx) error {
		ls, err := tx.Losses("d1")
		if err != nil || len(ls) != 2 || ls[0].From != 3 || ls[1].From != 8 {
			t.Errorf("d1's losses after reopen: %+v %v", ls, err)
		}
		if l, ok, err := tx.Loss("d1", 8); err != nil || !ok || l.Through != 9 {
			t.Errorf("loss d1/8: %+v %v %v", l, ok, err)
		}
		if all, err := tx.Losses(""); err != nil || len(all) != 3 || all[0].Device != "d0" {
			t.Errorf("every loss: %+v %v", all, err)
		}
		return nil
	})
}
