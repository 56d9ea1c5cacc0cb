package hqpg

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"fieldcase/sync/hq"
)

// migration brings the schema from version-1 to version, in one transaction
// with its row in hq_schema. Every migration has its own test
// (migrations_test.go).
type migration struct {
	version int
	name    string
	run     func(ctx context.Context, tx pgx.Tx) error
}

// migrations run in order; the applied ones are listed in hq_schema. The
// tables they build are described in docs/sync.md §11.
var migrations = []migration{
	{1, "创建初始结构", migrateCreate},
	{2, "设备签名公钥与隔离，HQ 签名密钥", migrateSignKeys},
	{3, "公示记录", migratePublications},
	{4, "HQ 发布的法定节假日安排", migrateHolidays},
	{5, "设备丢失申报", migrateLosses},
	{6, "变更记录引用案件事件，不再另存一份；事件来源按案件存放", migrateChangeRefs},
}

// SchemaVersion is the schema this build writes.
func SchemaVersion() int { return migrations[len(migrations)-1].version }

func newUUID() string { return uuid.NewString() }

// migrate applies the pending migrations under a session advisory lock, so
// that HQ instances starting together apply each one once.
func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("无法连接 PostgreSQL：%w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1, 0)`, lockMigrate); err != nil {
		return fmt.Errorf("无法取得迁移锁：%w", err)
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1, 0)`, lockMigrate)
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS hq_schema (
		version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("无法创建迁移记录表：%w", err)
	}
	var current int
	if err := conn.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM hq_schema`).Scan(&current); err != nil {
		return err
	}
	if current > SchemaVersion() {
		return fmt.Errorf("HQ 数据库的结构版本 %d 比本程序（%d）新，请升级 fieldcase", current, SchemaVersion())
	}
	for _, m := range migrations {
		if m.version <= current {
			continue
		}
		tx, err := conn.Begin(ctx)
		if err != nil {
			return err
		}
		if err := m.run(ctx, tx); err != nil {
			tx.Rollback(ctx)
			return fmt.Errorf("数据库迁移 %d（%s）失败：%w", m.version, m.name, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO hq_schema (version, name) VALUES ($1, $2)`, m.version, m.name); err != nil {
			tx.Rollback(ctx)
			return err
		}
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("数据库迁移 %d（%s）失败：%w", m.version, m.name, err)
		}
	}
	return nil
}

// Records are kept as JSON in bytea columns (decoded only by HQ, and never
// normalised by the database), with the columns HQ looks them up by beside
// them. Events keep the exact bytes their hash covers.
func migrateCreate(ctx context.Context, tx pgx.Tx) error {
	stmts := []string{
		`CREATE TABLE hq_meta (key text PRIMARY KEY, value text NOT NULL)`,
		`CREATE TABLE devices (name text PRIMARY KEY, id text UNIQUE, code_hash text UNIQUE, data bytea NOT NULL)`,
		`CREATE TABLE users (id text PRIMARY KEY, data bytea NOT NULL)`,
		`CREATE TABLE ops (device text NOT NULL, seq bigint NOT NULL, hash text NOT NULL, data bytea NOT NULL, PRIMARY KEY (device, seq))`,
		`CREATE TABLE cases (id text PRIMARY KEY, data bytea NOT NULL)`,
		`CREATE TABLE events (case_id text NOT NULL, idx bigint NOT NULL, raw bytea NOT NULL, PRIMARY KEY (case_id, idx))`,
		`CREATE TABLE origins (hash text PRIMARY KEY, data bytea NOT NULL)`,
		`CREATE TABLE party_cases (key text NOT NULL, case_id text NOT NULL, data bytea NOT NULL, PRIMARY KEY (key, case_id))`,
		`CREATE TABLE conflicts (id text PRIMARY KEY, case_id text NOT NULL, data bytea NOT NULL)`,
		`CREATE INDEX conflicts_case ON conflicts (case_id)`,
		`CREATE SEQUENCE changelog_seq`,
		`CREATE TABLE changelog (seq bigint PRIMARY KEY, kind text NOT NULL, audience text NOT NULL,
			case_id text NOT NULL DEFAULT '', data bytea NOT NULL, at timestamptz NOT NULL)`,
		`CREATE TABLE rulesets (version text PRIMARY KEY, data bytea NOT NULL)`,
		`CREATE TABLE blobs (sha text PRIMARY KEY, data bytea NOT NULL, complete boolean NOT NULL)`,
		`CREATE TABLE blob_chunks (sha text NOT NULL, off bigint NOT NULL, data bytea NOT NULL, PRIMARY KEY (sha, off))`,
	}
	for _, q := range stmts {
		if _, err := tx.Exec(ctx, q); err != nil {
			return err
		}
	}
	_, err := tx.Exec(ctx, `INSERT INTO hq_meta (key, value) VALUES ('epoch', $1)`, newUUID())
	return err
}

// migrateSignKeys gives devices a sign_key column beside their JSON, so
// that PutDevice can refuse, in the statement that writes the row, to
// replace or drop a key once set (a device's key is fixed after first use);
// it takes any key already in the JSON, and makes HQ's own signing key.
// The quarantine report lives in the device JSON: it is read with the
// device on every request, never looked up by itself.
func migrateSignKeys(ctx context.Context, tx pgx.Tx) error {
	stmts := []string{
		`ALTER TABLE devices ADD COLUMN sign_key text`,
		`UPDATE devices SET sign_key = nullif(convert_from(data, 'UTF8')::jsonb->>'sign_key', '')`,
	}
	for _, q := range stmts {
		if _, err := tx.Exec(ctx, q); err != nil {
			return err
		}
	}
	key, err := hq.NewHQSignKey()
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO hq_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, "x/"+hq.MetaHQSignKey, key)
	return err
}

// migratePublications makes the table of HQ's publication records, one
// row per case.
func migratePublications(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `CREATE TABLE publications (case_id text PRIMARY KEY, data bytea NOT NULL)`)
	return err
}

// migrateHolidays makes the table of the holiday schedules HQ publishes,
// one row a year, the file as published.
func migrateHolidays(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `CREATE TABLE holidays (year integer PRIMARY KEY, data bytea NOT NULL)`)
	return err
}

// migrateLosses makes the table of the devices' loss declarations, one
// row per declaration, keyed by device and first seq.
func migrateLosses(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `CREATE TABLE device_losses (device text NOT NULL, from_seq bigint NOT NULL, through_seq bigint NOT NULL,
		data bytea NOT NULL, PRIMARY KEY (device, from_seq))`)
	return err
}

// migrateChangeRefs lets a change-log row refer to its event in events
// (idx, data NULL) instead of keeping a second copy, and turns every
// event row whose data is, byte for byte, an event of its case into such
// a reference. A row that matches no event keeps its copy, which Changes
// still serves: pull returns the same bytes before and after. (Origins
// need nothing here: their primary key finds a hash directly, and Origin
// checks the case.)
func migrateChangeRefs(ctx context.Context, tx pgx.Tx) error {
	stmts := []string{
		`ALTER TABLE changelog ADD COLUMN idx bigint`,
		`ALTER TABLE changelog ALTER COLUMN data DROP NOT NULL`,
		`UPDATE changelog l SET idx = e.idx, data = NULL FROM events e
			WHERE l.kind = 'event' AND e.case_id = l.case_id AND e.raw = l.data`,
		`ALTER TABLE changelog ADD CONSTRAINT changelog_body CHECK (data IS NOT NULL OR idx IS NOT NULL)`,
	}
	for _, q := range stmts {
		if _, err := tx.Exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// Kind names this store in status reports.
const Kind = "postgres"

// ReadSchema tells where the database at dsn stands without changing it:
// no table is created and no migration runs (fieldcase hq migrate status).
func ReadSchema(ctx context.Context, dsn string) (hq.Schema, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return hq.Schema{Kind: Kind}, fmt.Errorf("无法连接 PostgreSQL：%w", err)
	}
	defer conn.Close(context.Background())
	return readSchema(ctx, conn)
}

// Schema implements hq.SchemaReader.
func (s *Store) Schema(ctx context.Context) (hq.Schema, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return hq.Schema{Kind: Kind}, fmt.Errorf("无法连接 PostgreSQL：%w", err)
	}
	defer conn.Release()
	return readSchema(ctx, conn.Conn())
}

func readSchema(ctx context.Context, conn *pgx.Conn) (hq.Schema, error) {
	out := hq.Schema{Kind: Kind}
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass('hq_schema') IS NOT NULL`).Scan(&exists); err != nil {
		return out, err
	}
	applied := map[int]time.Time{}
	if exists {
		rows, err := conn.Query(ctx, `SELECT version, applied_at FROM hq_schema ORDER BY version`)
		if err != nil {
			return out, err
		}
		for rows.Next() {
			var v int
			var at time.Time
			if err := rows.Scan(&v, &at); err != nil {
				rows.Close()
				return out, err
			}
			applied[v] = at
			out.Version = max(out.Version, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return out, err
		}
	}
	for _, m := range migrations {
		st := hq.MigrationState{Version: m.version, Name: m.name}
		if at, ok := applied[m.version]; ok {
			st.Applied, st.AppliedAt = true, &at
		}
		out.Migrations = append(out.Migrations, st)
	}
	return out, nil
}
