package hqpg

import (
	"context"
	"os"
	gosync "sync"
	"testing"

	"fieldcase/sync"
	"fieldcase/sync/internal/pgtest"
	"fieldcase/sync/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func open(t *testing.T) sync.Store {
	s, err := Open(context.Background(), pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }

// TestMigrationsOnceUnderConcurrency: instances starting together on a new
// database apply each migration once, and a restart applies none.
func TestMigrationsOnceUnderConcurrency(t *testing.T) {
	dsn := pgtest.DSN(t)
	ctx := context.Background()
	var wg gosync.WaitGroup
	stores := make([]*Store, 4)
	errs := make([]error, 4)
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = Open(ctx, dsn)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	var n, version int
	if err := stores[0].pool.QueryRow(ctx, `SELECT count(*), max(version) FROM hq_schema`).Scan(&n, &version); err != nil {
		t.Fatal(err)
	}
	if n != len(migrations) || version != SchemaVersion() {
		t.Fatalf("hq_schema has %d rows up to %d, want %d up to %d", n, version, len(migrations), SchemaVersion())
	}
	e1, _ := stores[0].Epoch(ctx)
	e2, _ := stores[3].Epoch(ctx)
	if e1 == "" || e1 != e2 {
		t.Fatalf("instances disagree on the epoch: %q %q", e1, e2)
	}
	// A newer schema than this build knows is refused.
	if _, err := stores[0].pool.Exec(ctx, `INSERT INTO hq_schema (version, name) VALUES (999, 'future')`); err != nil {
		t.Fatal(err)
	}
	if s, err := Open(ctx, dsn); err == nil {
		s.Close()
		t.Fatal("a newer schema was accepted")
	}
}

// TestMigration1CreatesTables checks migration 1's tables one by one.
func TestMigration1CreatesTables(t *testing.T) {
	s := open(t).(*Store)
	for _, table := range []string{"hq_meta", "devices", "users", "ops", "cases", "events", "origins", "party_cases", "conflicts", "changelog", "rulesets", "blobs", "blob_chunks"} {
		var ok bool
		if err := s.pool.QueryRow(context.Background(), `SELECT to_regclass($1) IS NOT NULL`, table).Scan(&ok); err != nil || !ok {
			t.Errorf("table %s missing (%v)", table, err)
		}
	}
}
