package hqpg

import (
	"bytes"
	"context"
	"testing"
	"time"

	"fieldcase/sync/hq"
	"fieldcase/sync/proto"
)

// TestMigration6ChangeRefs: a schema-5 database whose change log keeps
// copies of events opens under schema 6 with each copy that matches an
// event of its case turned into a reference, one that matches none kept,
// and pull serving the same bytes as before; new event entries are
// references too.
func TestMigration6ChangeRefs(t *testing.T) {
	ctx := context.Background()
	dsn, pool, tx := atSchema(t, ctx, 5)
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	ev1 := []byte(`{"id":"e1","case_id":"c1","index":1,"payload":{"note":"甲"}}`)
	ev2 := []byte(`{"id":"e2","case_id":"c1","index":2,"payload":{"note":"乙"}}`)
	lost := []byte(`{"id":"e3","case_id":"c1","index":3}`) // in the log, not in the case log
	notice := []byte(`{"id":"n1","kind":"conflict","message":"冲突"}`)
	old := []hq.Change{
		{Kind: proto.EntryEvent, Audience: "d1", CaseID: "c1", Data: ev1},
		{Kind: proto.EntryNotice, Audience: hq.AudienceReviewers, CaseID: "c1", Data: notice},
		{Kind: proto.EntryEvent, Audience: "d1", CaseID: "c1", Data: lost},
		{Kind: proto.EntryEvent, Audience: "d1", CaseID: "c1", Data: ev2},
	}
	for i, raw := range [][]byte{ev1, ev2} {
		if _, err := tx.Exec(ctx, `INSERT INTO events (case_id, idx, raw) VALUES ('c1', $1, $2)`, i+1, raw); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range old {
		if _, err := tx.Exec(ctx, `INSERT INTO changelog (seq, kind, audience, case_id, data, at) VALUES (nextval('changelog_seq'), $1, $2, $3, $4, $5)`,
			string(c.Kind), c.Audience, c.CaseID, []byte(c.Data), at); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, _, _, err := s.Changes(ctx, 0, hq.Scope{Reviewer: true}, 100)
	if err != nil || len(got) != len(old) {
		t.Fatalf("changes after migration: %d, %v", len(got), err)
	}
	for i, c := range got {
		if c.Seq != uint64(i+1) || c.Kind != old[i].Kind || c.CaseID != "c1" || !bytes.Equal(c.Data, old[i].Data) {
			t.Errorf("change %d after migration: %+v %s, want %s", i+1, c, c.Data, old[i].Data)
		}
	}
	var refs []int64
	rows, _ := pool.Query(ctx, `SELECT seq FROM changelog WHERE data IS NULL AND idx IS NOT NULL ORDER BY seq`)
	for rows.Next() {
		var seq int64
		rows.Scan(&seq)
		refs = append(refs, seq)
	}
	if rows.Close(); len(refs) != 2 || refs[0] != 1 || refs[1] != 4 {
		t.Errorf("references after migration: %v, want [1 4]", refs)
	}
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
	var stored []byte
	if err := pool.QueryRow(ctx, `SELECT data FROM changelog WHERE seq = 5`).Scan(&stored); err != nil || stored != nil {
		t.Errorf("new event entry stored a copy: %q %v", stored, err)
	}
}
