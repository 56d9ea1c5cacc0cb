package hqpg

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"fieldcase/sync/hq"
	"fieldcase/sync/internal/pgtest"
)

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

// TestMigrationsOnceUnderConcurrency: instances starting together on a new
// database apply each migration once, and a restart applies none.
func TestMigrationsOnceUnderConcurrency(t *testing.T) {
	dsn := pgtest.DSN(t)
	ctx := context.Background()
	var wg sync.WaitGroup
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

// TestMigration1CreatesTables: on an empty database, migration 1 makes
// every table and the epoch, and nothing of migration 2.
func TestMigration1CreatesTables(t *testing.T) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := migrations[0].run(ctx, tx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"hq_meta", "devices", "users", "ops", "cases", "events", "origins", "party_cases", "conflicts", "changelog", "rulesets", "blobs", "blob_chunks"} {
		var ok bool
		if err := pool.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, table).Scan(&ok); err != nil || !ok {
			t.Errorf("table %s missing (%v)", table, err)
		}
	}
	var epoch string
	if err := pool.QueryRow(ctx, `SELECT value FROM hq_meta WHERE key = 'epoch'`).Scan(&epoch); err != nil || uuid.Validate(epoch) != nil {
		t.Errorf("epoch %q (%v)", epoch, err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM hq_meta WHERE key = $1`, "x/"+hq.MetaHQSignKey).Scan(&n); err != nil || n != 0 {
		t.Errorf("migration 1 made HQ's signing key (%d, %v)", n, err)
	}
	var col bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'devices' AND column_name = 'sign_key')`).Scan(&col); err != nil || col {
		t.Errorf("migration 1 made devices.sign_key (%v)", err)
	}
}

// TestMigration2SignKeys: a database at schema 1 with an enrolled device
// gains the sign_key column and HQ's signing key; the device stays as it
// was, takes a key once, and keeps it.
func TestMigration2SignKeys(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	dev := hq.Device{Name: "旧设备", ID: "0190a0b0-0000-7000-8000-000000000001", Status: hq.DeviceActive, LastSeq: 7}
	data, _ := json.Marshal(dev)
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`CREATE TABLE hq_schema (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
		`INSERT INTO hq_schema (version, name) VALUES (1, 'initial')`} {
		if _, err := tx.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := migrations[0].run(ctx, tx); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO devices (name, id, data) VALUES ($1, $2, $3)`, dev.Name, dev.ID, data); err != nil {
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
	var version int
	if err := pool.QueryRow(ctx, `SELECT max(version) FROM hq_schema`).Scan(&version); err != nil || version != SchemaVersion() {
		t.Fatalf("schema %d (%v)", version, err)
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
	var col string
	if err := pool.QueryRow(ctx, `SELECT sign_key FROM devices WHERE id = $1`, dev.ID).Scan(&col); err != nil || col != "a2V5LW9uZQ==" {
		t.Fatalf("sign_key column %q (%v)", col, err)
	}
	if err := put("a2V5LXR3bw=="); !errors.Is(err, hq.ErrSignKeyFixed) {
		t.Fatalf("second key: %v", err)
	}
	if err := put(""); !errors.Is(err, hq.ErrSignKeyFixed) {
		t.Fatalf("dropping the key: %v", err)
	}
}

// TestReadSchema: status reads where a database stands and changes
// nothing — an empty database stays empty, a schema-1 database keeps
// migration 2 pending — and an open store reports every migration with
// the time it was applied.
func TestReadSchema(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	want := func(st hq.Schema, version int, applied ...bool) {
		t.Helper()
		if st.Kind != Kind || st.Version != version || len(st.Migrations) != len(migrations) {
			t.Fatalf("status %+v", st)
		}
		for i, a := range applied {
			m := st.Migrations[i]
			if m.Applied != a || m.Version != i+1 || (m.AppliedAt != nil) != a {
				t.Fatalf("migration %d: %+v", i+1, m)
			}
		}
	}
	st, err := ReadSchema(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	want(st, 0, false, false)
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('hq_schema') IS NOT NULL`).Scan(&exists); err != nil || exists {
		t.Fatalf("status made hq_schema (%v)", err)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`CREATE TABLE hq_schema (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
		`INSERT INTO hq_schema (version, name) VALUES (1, 'initial')`} {
		if _, err := tx.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := migrations[0].run(ctx, tx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if st, err = ReadSchema(ctx, dsn); err != nil {
		t.Fatal(err)
	}
	want(st, 1, true, false)
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if st, err = s.Schema(ctx); err != nil {
		t.Fatal(err)
	}
	want(st, SchemaVersion(), true, true, true)
}

// TestMigration4Holidays: a database at schema 3 with a published rule set
// gains the holidays table; the rule set stays, and a published schedule
// is kept by year, replaced by a later publication of the same year.
func TestMigration4Holidays(t *testing.T) {
	ctx := context.Background()
	dsn, pool, tx := atSchema(t, ctx, 3)
	if _, err := tx.Exec(ctx, `INSERT INTO rulesets (version, data) VALUES ('cq-2025.1', '{}')`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('holidays') IS NOT NULL`).Scan(&exists); err != nil || exists {
		t.Fatalf("holidays before migration 4 (%v)", err)
	}
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	first := []byte(`{"year":2028,"source":"一","days":[{"date":"2028-01-03","name":"元旦"}]}`)
	second := []byte(`{"year":2028,"source":"二","days":[{"date":"2028-01-03","name":"元旦"}]}`)
	for _, data := range [][]byte{first, second} {
		if err := s.Update(ctx, func(tx hq.Tx) error { return tx.PutHolidays(2028, data) }); err != nil {
			t.Fatal(err)
		}
	}
	s.View(ctx, func(tx hq.Tx) error {
		sets, err := tx.RuleSets()
		if err != nil || len(sets) != 1 {
			t.Errorf("rule sets after migration: %v %v", sets, err)
		}
		hs, err := tx.Holidays()
		if err != nil || len(hs) != 1 || string(hs[2028]) != string(second) {
			t.Errorf("holidays: %s %v", hs[2028], err)
		}
		return nil
	})
}

// TestMigration5Losses: a schema-4 database with a device migrates to
// schema 5 with the device intact and an empty device_losses table, which
// keeps declarations by device and first seq.
func TestMigration5Losses(t *testing.T) {
	ctx := context.Background()
	dsn, pool, tx := atSchema(t, ctx, 4)
	if _, err := tx.Exec(ctx, `INSERT INTO devices (name, id, data) VALUES ('一中队-01', 'd1', '{"name":"一中队-01","id":"d1","status":"active","last_seq":7}')`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('device_losses') IS NOT NULL`).Scan(&exists); err != nil || exists {
		t.Fatalf("device_losses before migration 5 (%v)", err)
	}
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if st, _ := s.Schema(ctx); st.Version != SchemaVersion() || SchemaVersion() < 5 {
		t.Fatalf("schema %d after migration", st.Version)
	}
	if err := s.Update(ctx, func(tx hq.Tx) error {
		if d, ok, err := tx.Device("一中队-01"); err != nil || !ok || d.LastSeq != 7 {
			t.Errorf("device after migration: %+v %v %v", d, ok, err)
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
	s.View(ctx, func(tx hq.Tx) error {
		ls, err := tx.Losses("d1")
		if err != nil || len(ls) != 2 || ls[0].From != 3 || ls[1].From != 8 {
			t.Errorf("d1's losses: %+v %v", ls, err)
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

// atSchema makes a new database at schema n: migrations 1..n run and
// listed, in a transaction the test adds its rows to and commits.
func atSchema(t *testing.T, ctx context.Context, n int) (dsn string, pool *pgxpool.Pool, tx pgx.Tx) {
	t.Helper()
	dsn = pgtest.DSN(t)
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if tx, err = pool.Begin(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE hq_schema (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		t.Fatal(err)
	}
	for _, m := range migrations[:n] {
		if err := m.run(ctx, tx); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO hq_schema (version, name) VALUES ($1, $2)`, m.version, m.name); err != nil {
			t.Fatal(err)
		}
	}
	return dsn, pool, tx
}
