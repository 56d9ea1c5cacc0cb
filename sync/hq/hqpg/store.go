// Package hqpg is HQ's PostgreSQL store (pgx v5), for districts served by
// several stateless HQ processes behind a load balancer: every piece of
// state — device sequence numbers, stored results, locks, the change log —
// is in the database. The schema is created and migrated on Open (see
// migrations.go), under an advisory lock so that instances starting
// together migrate once.
//
// Concurrency, in the order locks are taken inside one push transaction
// (READ COMMITTED plus explicit locks):
//   - the device's row (SELECT … FOR UPDATE): one device's pushes are
//     applied one after another, whichever instance receives them, so a
//     retry racing its original waits and then finds the stored result;
//   - each case's row (FOR UPDATE) before it is read for a change;
//   - each party key (pg_advisory_xact_lock(8740, hashtext(key))), so two
//     cases of one party arriving at once on two instances see each other
//     and the first-violation check cannot miss either;
//   - last, just before COMMIT, the change-log lock
//     (pg_advisory_xact_lock(8741, 0)), under which the transaction's
//     change-log rows take their numbers from a sequence.
//
// Why a pull never skips: a sequence hands out numbers at insert time, but
// rows become visible at commit, so without the lock a transaction holding
// number 11 could commit before the one holding 10, and a device pulling in
// between would move its cursor to 11 and never see 10. Under the lock, a
// transaction takes its numbers only after every earlier holder has
// committed or rolled back (transaction-level advisory locks are released
// after the commit is visible), so the visible numbers always form a prefix
// (with holes only where a transaction rolled back, which stay holes). A
// pull reads its page and the log's maximum in one REPEATABLE READ snapshot
// and may move the cursor up to that maximum. The lock is held only for the
// inserts and the commit, not for the work of the push.
//
// Deadlocks (40P01), serialisation failures (40001) and unique-key races
// (23505, e.g. two first chunks of one evidence file) roll the transaction
// back and run it again; the retry then finds what the winner stored.
package hqpg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"fieldcase/sync/hq"
	"fieldcase/sync/proto"
)

// Advisory lock keys (two-int form): 8740 partitions party keys, 8741 is
// the change log, 8742 serialises migrations.
const (
	lockParty     = 8740
	lockChangeLog = 8741
	lockMigrate   = 8742
)

// Store is an HQ PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
}

var _ hq.Store = (*Store)(nil)

// Open connects to dsn and brings the schema up to date.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL 连接串无效：%w", err)
	}
	return OpenConfig(ctx, cfg)
}

// OpenConfig is Open with a parsed pool configuration (a benchmark sets a
// tracer on it to count round trips).
func OpenConfig(ctx context.Context, cfg *pgxpool.Config) (*Store, error) {
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("无法连接 PostgreSQL：%w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("无法连接 PostgreSQL：%w", err)
	}
	s := &Store{pool: pool}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Epoch implements hq.Store.
func (s *Store) Epoch(ctx context.Context) (string, error) {
	var e string
	err := s.pool.QueryRow(ctx, `SELECT value FROM hq_meta WHERE key = 'epoch'`).Scan(&e)
	return e, err
}

// RotateEpoch implements hq.Store.
func (s *Store) RotateEpoch(ctx context.Context) (string, error) {
	e := newUUID()
	_, err := s.pool.Exec(ctx, `UPDATE hq_meta SET value = $1 WHERE key = 'epoch'`, e)
	return e, err
}

func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "40001", "40P01", "23505":
			return true
		}
	}
	return false
}

// Update implements hq.Store.
func (s *Store) Update(ctx context.Context, fn func(hq.Tx) error) error {
	var err error
	for attempt := 0; attempt < 10; attempt++ {
		if err = s.update(ctx, fn); err == nil || !retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt+1) * 5 * time.Millisecond):
		}
	}
	return err
}

func (s *Store) update(ctx context.Context, fn func(hq.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return err
	}
	defer tx.Rollback(context.Background())
	t := &ptx{ctx: ctx, tx: tx, write: true}
	if err := fn(t); err != nil {
		return err
	}
	// The queued writes and the change log go in one batch; the change
	// log's lock is taken in it, after the writes, as late as it can be.
	if len(t.pending) > 0 {
		t.writes.Queue(`SELECT pg_advisory_xact_lock($1, 0)`, lockChangeLog)
		n := len(t.pending)
		kinds, audiences, caseIDs, data, at := make([]string, n), make([]string, n), make([]string, n), make([][]byte, n), make([]time.Time, n)
		idx := make([]int64, n)
		for i, c := range t.pending {
			kinds[i], audiences[i], caseIDs[i], data[i], at[i] = string(c.Kind), c.Audience, c.CaseID, c.Data, c.At
			if c.Ref() {
				// An event's entry refers to its row in events (a nil
				// []byte is NULL): no second copy of the event.
				idx[i], data[i] = int64(c.Index), nil
			}
		}
		// ORDER BY makes nextval run in the rows' order (PostgreSQL
		// evaluates volatile output after the sort): the log keeps the
		// order of Append.
		t.writes.Queue(`INSERT INTO changelog (seq, kind, audience, case_id, data, at, idx)
			SELECT nextval('changelog_seq'), k, a, c, d, t, nullif(i, 0)
			FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::timestamptz[], $6::bigint[]) WITH ORDINALITY AS u(k, a, c, d, t, i, n)
			ORDER BY n`, kinds, audiences, caseIDs, data, at, idx)
	}
	if err := t.flush(); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// View implements hq.Store.
func (s *Store) View(ctx context.Context, fn func(hq.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer tx.Rollback(context.Background())
	if err := fn(&ptx{ctx: ctx, tx: tx}); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// Changes implements hq.Store: the page and the log's maximum come from
// one snapshot, and the visible numbers form a prefix (see the package
// comment), so the cursor may move to that maximum.
func (s *Store) Changes(ctx context.Context, after uint64, scope hq.Scope, limit int) ([]hq.Change, uint64, bool, error) {
	var out []hq.Change
	next, more := after, false
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, after, false, err
	}
	defer tx.Rollback(context.Background())
	// An event's entry refers to its row in events (idx, migration 6);
	// older entries and every other kind carry their body in data.
	rows, err := tx.Query(ctx, `SELECT l.seq, l.kind, l.audience, l.case_id, coalesce(l.data, e.raw), l.at
		FROM changelog l LEFT JOIN events e ON l.idx IS NOT NULL AND e.case_id = l.case_id AND e.idx = l.idx
		WHERE l.seq > $1 AND (l.audience = '' OR l.audience = $2 OR ($3 AND (l.audience = 'reviewers' OR l.kind = 'event')))
		ORDER BY l.seq LIMIT $4`, int64(after), scope.Device, scope.Reviewer, limit)
	if err != nil {
		return nil, after, false, err
	}
	for rows.Next() {
		var c hq.Change
		var seq int64
		var kind string
		var data []byte
		if err := rows.Scan(&seq, &kind, &c.Audience, &c.CaseID, &data, &c.At); err != nil {
			rows.Close()
			return nil, after, false, err
		}
		c.Seq, c.Kind, c.Data = uint64(seq), proto.EntryKind(kind), data
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, after, false, err
	}
	if len(out) >= limit {
		next, more = out[len(out)-1].Seq, true
	} else {
		var high int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM changelog`).Scan(&high); err != nil {
			return nil, after, false, err
		}
		if uint64(high) > next {
			next = uint64(high)
		}
	}
	return out, next, more, tx.Commit(ctx)
}

// High implements hq.Store.
func (s *Store) High(ctx context.Context) (uint64, error) {
	var high int64
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM changelog`).Scan(&high)
	return uint64(high), err
}

// Blob implements hq.Store.
func (s *Store) Blob(ctx context.Context, sha string) (hq.Blob, bool, error) {
	var data []byte
	err := s.pool.QueryRow(ctx, `SELECT data FROM blobs WHERE sha = $1`, sha).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return hq.Blob{}, false, nil
	}
	if err != nil {
		return hq.Blob{}, false, err
	}
	var b hq.Blob
	return b, true, json.Unmarshal(data, &b)
}

// AppendBlob implements hq.Store.
func (s *Store) AppendBlob(ctx context.Context, sha string, size, offset int64, data []byte) (hq.Blob, error) {
	var out hq.Blob
	var result error
	err := s.Update(ctx, func(t hq.Tx) error {
		tx := t.(*ptx).tx
		result = nil
		var b hq.Blob
		var raw []byte
		err := tx.QueryRow(ctx, `SELECT data FROM blobs WHERE sha = $1 FOR UPDATE`, sha).Scan(&raw)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return err
		default:
			if err := json.Unmarshal(raw, &b); err != nil {
				return err
			}
		}
		nb, err := hq.AdvanceBlob(b, sha, size, offset, data)
		if errors.Is(err, hq.ErrBlobHash) {
			result = err
			if _, err := tx.Exec(ctx, `DELETE FROM blob_chunks WHERE sha = $1`, sha); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `DELETE FROM blobs WHERE sha = $1`, sha)
			return err
		}
		if err != nil {
			out, result = b, err
			return nil
		}
		if len(data) > 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO blob_chunks (sha, off, data) VALUES ($1, $2, $3)`, sha, offset, data); err != nil {
				return err
			}
		}
		enc, err := json.Marshal(nb)
		if err != nil {
			return err
		}
		out = nb
		_, err = tx.Exec(ctx, `INSERT INTO blobs (sha, data, complete) VALUES ($1, $2, $3)
			ON CONFLICT (sha) DO UPDATE SET data = excluded.data, complete = excluded.complete`, sha, enc, nb.Complete)
		return err
	})
	if err != nil {
		return out, err
	}
	return out, result
}

// ReadBlob implements hq.Store.
func (s *Store) ReadBlob(ctx context.Context, sha string, fn func([]byte) error) error {
	rows, err := s.pool.Query(ctx, `SELECT data FROM blob_chunks WHERE sha = $1 ORDER BY off`, sha)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return err
		}
		if err := fn(data); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ptx implements hq.Tx on a pgx transaction.
type ptx struct {
	ctx     context.Context
	tx      pgx.Tx
	write   bool
	pending []hq.Change
	// writes are the transaction's statements whose results it does not
	// read, sent as one pipelined batch before its next read or commit:
	// a push's rows cost a round trip per read, not one per row.
	writes pgx.Batch
	checks []int // queued writes that must change a row (execWrites)
	// rows are the event, op and origin rows of a push, written with one
	// statement per table when the writes are sent.
	rows rowBuffer
	// parties are party keys locked and read by LockParties, kept current
	// with the transaction's own writes.
	parties map[string][]hq.PartyCase
}

var _ hq.Prefetcher = (*ptx)(nil)

// Prefetch implements hq.Prefetcher: one pipelined batch locks every case
// of a push (one statement, in id order) and reads its users and settings.
func (t *ptx) Prefetch(p hq.Prefetch) (hq.Prefetched, error) {
	out := hq.Prefetched{Cases: map[string]hq.CaseRecord{}, Users: map[string]hq.User{}, Meta: map[string]string{}}
	meta := make([]string, len(p.Meta))
	for i, k := range p.Meta {
		meta[i] = "x/" + k
	}
	b, checks := t.takeWrites()
	n := b.Len()
	b.Queue(`SELECT id, data FROM cases WHERE id = ANY($1) ORDER BY id`+t.forUpdate(), p.Cases)
	b.Queue(`SELECT id, data FROM users WHERE id = ANY($1)`, p.Users)
	b.Queue(`SELECT key, convert_to(value, 'UTF8') FROM hq_meta WHERE key = ANY($1)`, meta)
	res := t.tx.SendBatch(t.ctx, &b)
	defer res.Close()
	if err := execWrites(res, n, checks); err != nil {
		return out, err
	}
	err := scanPairs(res, func(k string, data []byte) error {
		var c hq.CaseRecord
		if err := json.Unmarshal(data, &c); err != nil {
			return fmt.Errorf("HQ 数据损坏：%w", err)
		}
		out.Cases[k] = c
		return nil
	})
	if err == nil {
		err = scanPairs(res, func(k string, data []byte) error {
			var u hq.User
			if err := json.Unmarshal(data, &u); err != nil {
				return fmt.Errorf("HQ 数据损坏：%w", err)
			}
			out.Users[k] = u
			return nil
		})
	}
	if err == nil {
		err = scanPairs(res, func(k string, data []byte) error {
			out.Meta[strings.TrimPrefix(k, "x/")] = string(data)
			return nil
		})
	}
	if err != nil {
		return out, err
	}
	return out, res.Close()
}

// execWrites reads the results of the first n queued writes of a batch;
// checks are those that must change a row (PutDevice's key guard).
func execWrites(res pgx.BatchResults, n int, checks []int) error {
	for i := range n {
		tag, err := res.Exec()
		if err != nil {
			return err
		}
		if slices.Contains(checks, i) && tag.RowsAffected() == 0 {
			return hq.ErrSignKeyFixed
		}
	}
	return nil
}

// scanPairs reads the next result of a batch as (key, data) rows.
func scanPairs(res pgx.BatchResults, fn func(string, []byte) error) error {
	rows, err := res.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var data []byte
		if err := rows.Scan(&k, &data); err != nil {
			return err
		}
		if err := fn(k, data); err != nil {
			return err
		}
	}
	return rows.Err()
}

// LockParties implements hq.Prefetcher: the party keys' advisory locks (in
// the order of their lock numbers) and their rows, in one round trip.
func (t *ptx) LockParties(keys []string) error {
	if !t.write {
		return nil
	}
	t.writes.Queue(`SELECT pg_advisory_xact_lock($1, h) FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest($2::text[]) AS k ORDER BY h) AS l`, lockParty, keys)
	b, checks := t.takeWrites()
	b.Queue(`SELECT key, data FROM party_cases WHERE key = ANY($1) ORDER BY key, case_id`, keys)
	res := t.tx.SendBatch(t.ctx, &b)
	defer res.Close()
	if err := execWrites(res, b.Len()-1, checks); err != nil {
		return err
	}
	rows, err := res.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	if t.parties == nil {
		t.parties = map[string][]hq.PartyCase{}
	}
	for _, k := range keys {
		if _, ok := t.parties[k]; !ok {
			t.parties[k] = nil
		}
	}
	for rows.Next() {
		var key string
		var data []byte
		if err := rows.Scan(&key, &data); err != nil {
			return err
		}
		var p hq.PartyCase
		if err := json.Unmarshal(data, &p); err != nil {
			return fmt.Errorf("HQ 数据损坏：%w", err)
		}
		t.parties[key] = append(t.parties[key], p)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	return res.Close()
}

// rowBuffer gathers the rows a push writes one per event.
type rowBuffer struct {
	evCase   []string
	evIdx    []int64
	evRaw    [][]byte
	opDevice []string
	opSeq    []int64
	opHash   []string
	opData   [][]byte
	orHash   []string
	orData   [][]byte
	orAt     map[string]int // an origin written twice keeps the last
}

// takeWrites queues the gathered rows and hands over the queued writes.
func (t *ptx) takeWrites() (pgx.Batch, []int) {
	r := &t.rows
	if len(r.evCase) > 0 {
		t.writes.Queue(`INSERT INTO events (case_id, idx, raw) SELECT * FROM unnest($1::text[], $2::bigint[], $3::bytea[])`, r.evCase, r.evIdx, r.evRaw)
	}
	if len(r.opDevice) > 0 {
		t.writes.Queue(`INSERT INTO ops (device, seq, hash, data) SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bytea[])`, r.opDevice, r.opSeq, r.opHash, r.opData)
	}
	if len(r.orHash) > 0 {
		t.writes.Queue(`INSERT INTO origins (hash, data) SELECT * FROM unnest($1::text[], $2::bytea[])
			ON CONFLICT (hash) DO UPDATE SET data = excluded.data`, r.orHash, r.orData)
	}
	t.rows = rowBuffer{}
	b, checks := t.writes, t.checks
	t.writes, t.checks = pgx.Batch{}, nil
	return b, checks
}

// flush sends the queued writes. Every read calls it first, so the
// transaction reads what it wrote.
func (t *ptx) flush() error {
	b, checks := t.takeWrites()
	if b.Len() == 0 {
		return nil
	}
	res := t.tx.SendBatch(t.ctx, &b)
	defer res.Close()
	if err := execWrites(res, b.Len(), checks); err != nil {
		return err
	}
	return res.Close()
}

func (t *ptx) forUpdate() string {
	if t.write {
		return " FOR UPDATE"
	}
	return ""
}

// getJSON runs a one-row, one-column query and decodes the column.
func (t *ptx) getJSON(v any, sql string, args ...any) (bool, error) {
	if err := t.flush(); err != nil {
		return false, err
	}
	var data []byte
	err := t.tx.QueryRow(t.ctx, sql, args...).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return true, fmt.Errorf("HQ 数据损坏：%w", err)
	}
	return true, nil
}

func (t *ptx) exec(sql string, args ...any) error {
	if t.write {
		t.writes.Queue(sql, args...)
		return nil
	}
	_, err := t.tx.Exec(t.ctx, sql, args...)
	return err
}

func listJSON[T any](t *ptx, sql string, args ...any) ([]T, error) {
	if err := t.flush(); err != nil {
		return nil, err
	}
	rows, err := t.tx.Query(t.ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		var v T
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("HQ 数据损坏：%w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (t *ptx) Device(name string) (hq.Device, bool, error) {
	var d hq.Device
	found, err := t.getJSON(&d, `SELECT data FROM devices WHERE name = $1`+t.forUpdate(), name)
	return d, found, err
}

func (t *ptx) DeviceByID(id string) (hq.Device, bool, error) {
	var d hq.Device
	found, err := t.getJSON(&d, `SELECT data FROM devices WHERE id = $1`+t.forUpdate(), id)
	return d, found, err
}

func (t *ptx) DeviceByCode(codeHash string) (hq.Device, bool, error) {
	var d hq.Device
	found, err := t.getJSON(&d, `SELECT data FROM devices WHERE code_hash = $1`+t.forUpdate(), codeHash)
	return d, found, err
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (t *ptx) PutDevice(d hq.Device) error {
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	// The WHERE keeps a key once set: an update that would replace or drop
	// it changes no row.
	const put = `INSERT INTO devices (name, id, code_hash, sign_key, data) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (name) DO UPDATE SET id = excluded.id, code_hash = excluded.code_hash, sign_key = excluded.sign_key, data = excluded.data
		WHERE devices.sign_key IS NULL OR devices.sign_key = excluded.sign_key`
	args := []any{d.Name, nullable(d.ID), nullable(d.CodeHash), nullable(d.SignKey), data}
	if t.write {
		t.checks = append(t.checks, t.writes.Len())
		t.writes.Queue(put, args...)
		return nil
	}
	tag, err := t.tx.Exec(t.ctx, put, args...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return hq.ErrSignKeyFixed
	}
	return nil
}

func (t *ptx) Devices() ([]hq.Device, error) {
	return listJSON[hq.Device](t, `SELECT data FROM devices ORDER BY name`)
}

func (t *ptx) User(id string) (hq.User, bool, error) {
	var u hq.User
	found, err := t.getJSON(&u, `SELECT data FROM users WHERE id = $1`, id)
	return u, found, err
}

func (t *ptx) PutUser(u hq.User) error {
	data, err := json.Marshal(u)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO users (id, data) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET data = excluded.data`, u.ID, data)
}

func (t *ptx) Op(device string, seq uint64) (hq.OpRecord, bool, error) {
	var o hq.OpRecord
	found, err := t.getJSON(&o, `SELECT data FROM ops WHERE device = $1 AND seq = $2`, device, int64(seq))
	return o, found, err
}

func (t *ptx) PutOp(o hq.OpRecord) error {
	data, err := json.Marshal(o)
	if err != nil {
		return err
	}
	if t.write {
		r := &t.rows
		r.opDevice, r.opSeq, r.opHash, r.opData = append(r.opDevice, o.Device), append(r.opSeq, int64(o.Seq)), append(r.opHash, o.Hash), append(r.opData, data)
		return nil
	}
	return t.exec(`INSERT INTO ops (device, seq, hash, data) VALUES ($1, $2, $3, $4)`, o.Device, int64(o.Seq), o.Hash, data)
}

func (t *ptx) Case(id string) (hq.CaseRecord, bool, error) {
	var c hq.CaseRecord
	found, err := t.getJSON(&c, `SELECT data FROM cases WHERE id = $1`+t.forUpdate(), id)
	return c, found, err
}

func (t *ptx) PutCase(c hq.CaseRecord) error {
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO cases (id, data) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET data = excluded.data`, c.Case.ID, data)
}

func (t *ptx) Cases() ([]hq.CaseRecord, error) {
	return listJSON[hq.CaseRecord](t, `SELECT data FROM cases ORDER BY id`)
}

func (t *ptx) Event(caseID string, index uint64) (json.RawMessage, bool, error) {
	if err := t.flush(); err != nil {
		return nil, false, err
	}
	var raw []byte
	err := t.tx.QueryRow(t.ctx, `SELECT raw FROM events WHERE case_id = $1 AND idx = $2`, caseID, int64(index)).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	return raw, err == nil, err
}

func (t *ptx) Events(caseID string) ([]json.RawMessage, error) {
	if err := t.flush(); err != nil {
		return nil, err
	}
	rows, err := t.tx.Query(t.ctx, `SELECT raw FROM events WHERE case_id = $1 ORDER BY idx`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []json.RawMessage
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		out = append(out, raw)
	}
	return out, rows.Err()
}

func (t *ptx) PutEvent(caseID string, index uint64, raw json.RawMessage) error {
	if t.write {
		r := &t.rows
		r.evCase, r.evIdx, r.evRaw = append(r.evCase, caseID), append(r.evIdx, int64(index)), append(r.evRaw, raw)
		return nil
	}
	return t.exec(`INSERT INTO events (case_id, idx, raw) VALUES ($1, $2, $3)`, caseID, int64(index), []byte(raw))
}

func (t *ptx) Origin(caseID, hash string) (hq.Origin, bool, error) {
	var o hq.Origin
	found, err := t.getJSON(&o, `SELECT data FROM origins WHERE hash = $1`, hash)
	if found && o.CaseID != caseID {
		return hq.Origin{}, false, err
	}
	return o, found, err
}

func (t *ptx) PutOrigin(o hq.Origin) error {
	data, err := json.Marshal(o)
	if err != nil {
		return err
	}
	if t.write {
		r := &t.rows
		if i, ok := r.orAt[o.Hash]; ok {
			r.orData[i] = data
			return nil
		}
		if r.orAt == nil {
			r.orAt = map[string]int{}
		}
		r.orAt[o.Hash] = len(r.orHash)
		r.orHash, r.orData = append(r.orHash, o.Hash), append(r.orData, data)
		return nil
	}
	return t.exec(`INSERT INTO origins (hash, data) VALUES ($1, $2) ON CONFLICT (hash) DO UPDATE SET data = excluded.data`, o.Hash, data)
}

func (t *ptx) PartyCases(key string) ([]hq.PartyCase, error) {
	if rows, ok := t.parties[key]; ok {
		return slices.Clone(rows), nil
	}
	if t.write {
		if err := t.exec(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockParty, key); err != nil {
			return nil, err
		}
	}
	return listJSON[hq.PartyCase](t, `SELECT data FROM party_cases WHERE key = $1 ORDER BY case_id`, key)
}

func (t *ptx) PutPartyCase(p hq.PartyCase) error {
	data, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if rows, ok := t.parties[p.Key]; ok {
		i, found := slices.BinarySearchFunc(rows, p.CaseID, func(r hq.PartyCase, id string) int { return strings.Compare(r.CaseID, id) })
		if found {
			rows[i] = p
		} else {
			rows = slices.Insert(rows, i, p)
		}
		t.parties[p.Key] = rows
	}
	return t.exec(`INSERT INTO party_cases (key, case_id, data) VALUES ($1, $2, $3)
		ON CONFLICT (key, case_id) DO UPDATE SET data = excluded.data`, p.Key, p.CaseID, data)
}

func (t *ptx) DeletePartyCase(key, caseID string) error {
	if rows, ok := t.parties[key]; ok {
		t.parties[key] = slices.DeleteFunc(slices.Clone(rows), func(r hq.PartyCase) bool { return r.CaseID == caseID })
	}
	return t.exec(`DELETE FROM party_cases WHERE key = $1 AND case_id = $2`, key, caseID)
}

func (t *ptx) Conflict(id string) (hq.ConflictRecord, bool, error) {
	var c hq.ConflictRecord
	found, err := t.getJSON(&c, `SELECT data FROM conflicts WHERE id = $1`, id)
	return c, found, err
}

func (t *ptx) PutConflict(c hq.ConflictRecord) error {
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO conflicts (id, case_id, data) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET data = excluded.data`, c.ID, c.CaseID, data)
}

func (t *ptx) Conflicts(caseID string) ([]hq.ConflictRecord, error) {
	return listJSON[hq.ConflictRecord](t, `SELECT data FROM conflicts WHERE case_id = $1 ORDER BY id`, caseID)
}

func (t *ptx) Append(c hq.Change) error {
	if !t.write {
		return errors.New("只读事务不能写入变更记录")
	}
	t.pending = append(t.pending, c)
	return nil
}

func (t *ptx) RuleSets() (map[string][]byte, error) {
	if err := t.flush(); err != nil {
		return nil, err
	}
	rows, err := t.tx.Query(t.ctx, `SELECT version, data FROM rulesets`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]byte{}
	for rows.Next() {
		var v string
		var data []byte
		if err := rows.Scan(&v, &data); err != nil {
			return nil, err
		}
		out[v] = data
	}
	return out, rows.Err()
}

func (t *ptx) PutRuleSet(version string, data []byte) error {
	return t.exec(`INSERT INTO rulesets (version, data) VALUES ($1, $2) ON CONFLICT (version) DO UPDATE SET data = excluded.data`, version, data)
}

func (t *ptx) Holidays() (map[int][]byte, error) {
	if err := t.flush(); err != nil {
		return nil, err
	}
	rows, err := t.tx.Query(t.ctx, `SELECT year, data FROM holidays`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int][]byte{}
	for rows.Next() {
		var y int
		var data []byte
		if err := rows.Scan(&y, &data); err != nil {
			return nil, err
		}
		out[y] = data
	}
	return out, rows.Err()
}

func (t *ptx) PutHolidays(year int, data []byte) error {
	return t.exec(`INSERT INTO holidays (year, data) VALUES ($1, $2) ON CONFLICT (year) DO UPDATE SET data = excluded.data`, year, data)
}

func (t *ptx) Meta(key string) (string, bool, error) {
	if err := t.flush(); err != nil {
		return "", false, err
	}
	var v string
	err := t.tx.QueryRow(t.ctx, `SELECT value FROM hq_meta WHERE key = $1`, "x/"+key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, err
}

func (t *ptx) PutMeta(key, value string) error {
	return t.exec(`INSERT INTO hq_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, "x/"+key, value)
}

func (t *ptx) BlobComplete(sha string) (bool, error) {
	if err := t.flush(); err != nil {
		return false, err
	}
	var complete bool
	err := t.tx.QueryRow(t.ctx, `SELECT complete FROM blobs WHERE sha = $1`, sha).Scan(&complete)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return complete, err
}

func (t *ptx) Publication(caseID string) (hq.Publication, bool, error) {
	var p hq.Publication
	found, err := t.getJSON(&p, `SELECT data FROM publications WHERE case_id = $1`+t.forUpdate(), caseID)
	return p, found, err
}

func (t *ptx) PutPublication(p hq.Publication) error {
	data, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO publications (case_id, data) VALUES ($1, $2) ON CONFLICT (case_id) DO UPDATE SET data = excluded.data`, p.CaseID, data)
}

func (t *ptx) Publications() ([]hq.Publication, error) {
	return listJSON[hq.Publication](t, `SELECT data FROM publications ORDER BY case_id`)
}

func (t *ptx) Loss(device string, from uint64) (hq.LossRecord, bool, error) {
	var l hq.LossRecord
	found, err := t.getJSON(&l, `SELECT data FROM device_losses WHERE device = $1 AND from_seq = $2`, device, int64(from))
	return l, found, err
}

func (t *ptx) PutLoss(l hq.LossRecord) error {
	data, err := json.Marshal(l)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO device_losses (device, from_seq, through_seq, data) VALUES ($1, $2, $3, $4)`, l.Device, int64(l.From), int64(l.Through), data)
}

func (t *ptx) Losses(device string) ([]hq.LossRecord, error) {
	if device == "" {
		return listJSON[hq.LossRecord](t, `SELECT data FROM device_losses ORDER BY device, from_seq`)
	}
	return listJSON[hq.LossRecord](t, `SELECT data FROM device_losses WHERE device = $1 ORDER BY from_seq`, device)
}
