package hqbolt

import (
	"testing"

	bolt "go.etcd.io/bbolt"

	"fieldcase/sync/hq"
)

// TestMigration3Publications: a schema-2 file with a case opens under
// schema 3 with the case intact and an empty publications bucket that
// keeps one record per case.
func TestMigration3Publications(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	fileAt(t, dir, 2, func(tx *bolt.Tx) error {
		if tx.Bucket(bRoot).Bucket(bPublications) != nil {
			t.Error("schema-2 file already has publications")
		}
		return tx.Bucket(bRoot).Bucket(bCases).Put([]byte("c1"), []byte(`{"case":{"id":"c1"}}`))
	})
	s, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if st, _ := s.Schema(ctx); st.Version != SchemaVersion() {
		t.Fatalf("schema %d after migration", st.Version)
	}
	if err := s.Update(ctx, func(tx hq.Tx) error {
		if ps, err := tx.Publications(); err != nil || len(ps) != 0 {
			t.Fatalf("publications after migration: %v %v", ps, err)
		}
		if c, ok, err := tx.Case("c1"); err != nil || !ok || c.Case.ID != "c1" {
			t.Fatalf("case after migration: %+v %v %v", c, ok, err)
		}
		for _, st := range []hq.PublicationState{hq.Published, hq.Withdrawn} {
			if err := tx.PutPublication(hq.Publication{CaseID: "c1", State: st}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	s.View(ctx, func(tx hq.Tx) error {
		if ps, _ := tx.Publications(); len(ps) != 1 || ps[0].State != hq.Withdrawn {
			t.Errorf("publications %+v, want one, withdrawn", ps)
		}
		return nil
	})
}
