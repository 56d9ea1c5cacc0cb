package hqpg

import (
	"context"
	"testing"

	"fieldcase/sync/hq"
)

// TestMigration3Publications: a schema-2 database with a case opens under
// schema 3 with the case intact and an empty publications table that
// keeps one record per case.
func TestMigration3Publications(t *testing.T) {
	ctx := context.Background()
	dsn, pool, tx := atSchema(t, ctx, 2)
	if _, err := tx.Exec(ctx, `INSERT INTO cases (id, data) VALUES ('c1', '{"case":{"id":"c1"}}')`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
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
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM publications`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d publication rows (%v), want 1", n, err)
	}
}
