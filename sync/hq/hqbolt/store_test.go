package hqbolt

import (
	"encoding/binary"
	"errors"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/sync/hq"
	"fieldcase/sync/hq/storetest"
)

func open(t *testing.T) hq.Store {
	s, err := Open(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }

// TestLockedWhileServing: a second opener (an admin command while HQ runs)
// gets ErrLocked quickly, not a hang.
func TestLockedWhileServing(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	if _, err := Open(dir, 200*time.Millisecond); !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatal("the second open waited too long")
	}
}

// TestReopenKeepsEpoch: the epoch is made once, at creation.
func TestReopenKeepsEpoch(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	e1, _ := s.Epoch(t.Context())
	s.Close()
	s, err = Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if e2, _ := s.Epoch(t.Context()); e1 == "" || e1 != e2 {
		t.Fatalf("epoch %q then %q", e1, e2)
	}
}

// TestMigrateFromSchema1: an HQ file written before devices had signing
// keys opens under schema 2 with its devices intact, gains HQ's signing
// key, and from then on keeps a device's key fixed; a newer schema is
// refused, so an older build can never drop the new device fields.
func TestMigrateFromSchema1(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	dev := hq.Device{Name: "旧设备", ID: "0190a0b0-0000-7000-8000-000000000001", Status: hq.DeviceActive, LastSeq: 7}
	if err := s.Update(ctx, func(tx hq.Tx) error { return tx.PutDevice(dev) }); err != nil {
		t.Fatal(err)
	}
	// Turn the file back into what schema 1 wrote.
	if err := s.db.Update(func(tx *bolt.Tx) error {
		m := tx.Bucket(bRoot).Bucket(bMeta)
		if err := m.Delete([]byte("x/" + hq.MetaHQSignKey)); err != nil {
			return err
		}
		return m.Put(kSchema, u64(1))
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(dir, 0); err != nil {
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
	var schema uint64
	s.db.View(func(tx *bolt.Tx) error {
		schema = binary.BigEndian.Uint64(tx.Bucket(bRoot).Bucket(bMeta).Get(kSchema))
		return nil
	})
	if schema != SchemaVersion {
		t.Fatalf("schema %d after migration", schema)
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
	// Reopening does not make a second HQ key.
	s.Close()
	if s, err = Open(dir, 0); err != nil {
		t.Fatal(err)
	}
	var again string
	s.View(ctx, func(tx hq.Tx) error { again, _, _ = tx.Meta(hq.MetaHQSignKey); return nil })
	if again != key {
		t.Fatal("HQ's signing key changed on reopen")
	}
	s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bRoot).Bucket(bMeta).Put(kSchema, u64(SchemaVersion+1)) })
	s.Close()
	if s, err := Open(dir, 0); err == nil {
		s.Close()
		t.Fatal("a newer schema was accepted")
	}
}
