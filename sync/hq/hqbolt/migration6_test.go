package hqbolt

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/sync/hq"
	"fieldcase/sync/proto"
)

// TestMigration6ChangeRefs: a schema-5 file whose change log keeps copies
// of events opens under schema 6 with each copy that matches its event
// turned into a reference, one that matches none kept, and pull serving
// the same bytes as before; new event entries are references too. Origins
// are keyed by case and hash.
func TestMigration6ChangeRefs(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	fileAt(t, dir, 5)
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	ev1 := []byte(`{"id":"e1","case_id":"c1","index":1,"payload":{"note":"甲"}}`)
	ev2 := []byte(`{"id":"e2","case_id":"c1","index":2,"payload":{"note":"乙"}}`)
	lost := []byte(`{"id":"e3","case_id":"c1","index":3}`) // in the log, not in the case log
	notice := []byte(`{"id":"n1","kind":"conflict","message":"冲突"}`)
	old := []hq.Change{
		{Kind: proto.EntryEvent, Audience: "d1", CaseID: "c1", Data: ev1, At: at},
		{Kind: proto.EntryNotice, Audience: hq.AudienceReviewers, CaseID: "c1", Data: notice, At: at},
		{Kind: proto.EntryEvent, Audience: "d1", CaseID: "c1", Data: lost, At: at},
		{Kind: proto.EntryEvent, Audience: "d1", CaseID: "c1", Data: ev2, At: at},
	}
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		r := tx.Bucket(bRoot)
		for i, raw := range [][]byte{ev1, ev2} {
			if err := r.Bucket(bEvents).Put(join("c1", uint64(i+1)), raw); err != nil {
				return err
			}
		}
		if err := r.Bucket(bOrigins).Put([]byte("h1"), []byte(`{"hash":"h1","case_id":"c1","index":1,"base":1}`)); err != nil {
			return err
		}
		b := r.Bucket(bChanges)
		for _, c := range old {
			c.Seq, _ = b.NextSequence()
			v, err := encodeChange(c)
			if err != nil {
				return err
			}
			if err := b.Put(u64(c.Seq), v); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if st, _ := s.Schema(ctx); st.Version != SchemaVersion() {
		t.Fatalf("schema %d after migration", st.Version)
	}
	got, _, _, err := s.Changes(ctx, 0, hq.Scope{Reviewer: true}, 100)
	if err != nil || len(got) != len(old) {
		t.Fatalf("changes after migration: %d, %v", len(got), err)
	}
	for i, c := range got {
		if c.Seq != uint64(i+1) || c.Kind != old[i].Kind || c.CaseID != "c1" || !bytes.Equal(c.Data, old[i].Data) {
			t.Errorf("change %d after migration: %+v %s, want %s", i+1, c, c.Data, old[i].Data)
		}
	}
	s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bRoot).Bucket(bChanges)
		for seq, copied := range map[uint64]bool{1: false, 2: true, 3: true, 4: false} {
			v := b.Get(u64(seq))
			if body := v[bytes.IndexByte(v, '\n')+1:]; (len(body) > 0) != copied {
				t.Errorf("change %d stored as %q: copy kept %v, want %v", seq, v, len(body) > 0, copied)
			}
		}
		return nil
	})
	s.View(ctx, func(tx hq.Tx) error {
		if o, ok, err := tx.Origin("c1", "h1"); err != nil || !ok || o.Index != 1 || o.Base != 1 {
			t.Errorf("origin after migration: %+v %v %v", o, ok, err)
		}
		if _, ok, _ := tx.Origin("c2", "h1"); ok {
			t.Error("an origin is found under another case")
		}
		return nil
	})
	ev4 := []byte(`{"id":"e4","case_id":"c2","index":1}`)
	if err := s.Update(ctx, func(tx hq.Tx) error {
		if err := tx.PutEvent("c2", 1, ev4); err != nil {
			return err
		}
		return tx.Append(hq.Change{Kind: proto.EntryEvent, Audience: "d1", CaseID: "c2", Index: 1, At: at})
	}); err != nil {
		t.Fatal(err)
	}
	got, _, _, err = s.Changes(ctx, 4, hq.Scope{Device: "d1"}, 100)
	if err != nil || len(got) != 1 || !bytes.Equal(got[0].Data, ev4) {
		t.Fatalf("new event entry: %+v %v", got, err)
	}
}
