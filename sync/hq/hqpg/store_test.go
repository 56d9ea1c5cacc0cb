package hqpg

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"fieldcase/sync/hq"
	"fieldcase/sync/hq/storetest"
	"fieldcase/sync/internal/pgtest"
	"fieldcase/sync/proto"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func open(t *testing.T) hq.Store {
	s, err := Open(context.Background(), pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }

// A transaction's queued writes and gathered rows are read back by the
// transaction itself, and the change log keeps the order of Append when
// a push's entries go in one statement.
func TestBatchedWritesReadBackAndKeepOrder(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	const n = 40
	err := s.Update(ctx, func(tx hq.Tx) error {
		for i := range n {
			if err := tx.Append(hq.Change{Kind: proto.EntryNotice, Audience: hq.AudienceAll, Data: []byte(fmt.Sprintf(`{"i":%d}`, i)), At: time.Now()}); err != nil {
				return err
			}
			if err := tx.PutEvent("case-a", uint64(i+1), []byte(fmt.Sprintf(`{"i":%d}`, i))); err != nil {
				return err
			}
		}
		if err := tx.PutOrigin(hq.Origin{Hash: "h1", CaseID: "first"}); err != nil {
			return err
		}
		if err := tx.PutOrigin(hq.Origin{Hash: "h1", CaseID: "second"}); err != nil {
			return err
		}
		raws, err := tx.Events("case-a")
		if err != nil {
			return err
		}
		if len(raws) != n || string(raws[n-1]) != fmt.Sprintf(`{"i":%d}`, n-1) {
			t.Errorf("the transaction reads %d of its %d events", len(raws), n)
		}
		o, found, err := tx.Origin("second", "h1")
		if err != nil || !found || o.CaseID != "second" {
			t.Errorf("origin written twice reads %+v %v %v, want the last", o, found, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	changes, _, _, err := s.Changes(ctx, 0, hq.Scope{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range changes {
		if c.Kind == proto.EntryNotice {
			got = append(got, string(c.Data))
		}
	}
	if len(got) != n {
		t.Fatalf("%d notices in the log, want %d", len(got), n)
	}
	for i, d := range got {
		if d != fmt.Sprintf(`{"i":%d}`, i) {
			t.Fatalf("log entry %d is %s: the order of Append is lost", i, d)
		}
	}
}
