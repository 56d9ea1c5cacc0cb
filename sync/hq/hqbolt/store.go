// Package hqbolt is HQ's embedded store: one bbolt file, hq.db, in the HQ
// data directory, for a district served by one HQ process. It is the only
// HQ package that imports bbolt.
//
// The bucket tree as the migrations (migrations.go) leave it at schema
// version 5; numbers in keys are big-endian u64, so ranges are cursor
// seeks (docs/sync.md §11):
//
//	hq.db
//	└── hq1                        root bucket of this schema generation
//	    ├── meta                   schema → u64; epoch → uuid; x/tls_pin, x/tls_ca, x/hq_sign_key → text
//	    ├── devices                device name → hq.Device JSON (with its signing key and quarantine)
//	    ├── device_ids             device id → device name
//	    ├── codes                  enrolment code hash → device name
//	    ├── users                  user id → hq.User JSON
//	    ├── ops                    device id ‖ 0 ‖ seq → hq.OpRecord JSON (the stored result)
//	    ├── cases                  case id → hq.CaseRecord JSON (the suggestion by reference to its event: encodeCase)
//	    ├── events                 case id ‖ 0 ‖ index → event bytes as received (HQ's canonical log)
//	    ├── origins                case id ‖ 0 ‖ event hash → hq.Origin JSON (keyed by hash alone before migration 6)
//	    ├── parties                party key ‖ 0 ‖ case id → hq.PartyCase JSON
//	    ├── conflicts              conflict id → hq.ConflictRecord JSON
//	    ├── case_conflicts         case id ‖ 0 ‖ conflict id → ∅
//	    ├── changes                seq → hq.Change header JSON ‖ \n ‖ body bytes (the change log devices pull;
//	    │                          an event's entry has case id and index in its header and no body, migration 6)
//	    ├── rulesets               version → rule-set file
//	    ├── blobs                  sha256 → hq.Blob JSON
//	    ├── chunks                 sha256 ‖ offset → bytes
//	    ├── publications           case id → hq.Publication JSON (what HQ published, migration 3)
//	    ├── holidays               year (u64) → holiday schedule file as published (migration 4)
//	    └── losses                 device id ‖ 0 ‖ first seq → hq.LossRecord JSON (loss declarations, migration 5)
//
// bbolt has one writer at a time, so a push is applied in one Update with
// nothing else interleaved, and change-log numbers (NextSequence inside
// that Update) become visible in order: a pull can never pass a change that
// commits later with a smaller number.
//
// The file is locked while open. A running HQ keeps it open; the admin
// commands reach it through its loopback admin API instead (hq.DialAdmin).
package hqbolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"fieldcase/cases"
	"fieldcase/cases/store/boltguard"
	"fieldcase/sync/hq"
)

// FileName is the store's file inside the HQ data directory.
const FileName = "hq.db"

// ErrLocked means another process (a running HQ) holds the store open.
var ErrLocked = errors.New("HQ 数据文件正被另一个进程使用")

var (
	bRoot          = []byte("hq1")
	bMeta          = []byte("meta")
	bDevices       = []byte("devices")
	bDeviceIDs     = []byte("device_ids")
	bCodes         = []byte("codes")
	bUsers         = []byte("users")
	bOps           = []byte("ops")
	bCases         = []byte("cases")
	bEvents        = []byte("events")
	bOrigins       = []byte("origins")
	bParties       = []byte("parties")
	bConflicts     = []byte("conflicts")
	bCaseConflicts = []byte("case_conflicts")
	bChanges       = []byte("changes")
	bRuleSets      = []byte("rulesets")
	bBlobs         = []byte("blobs")
	bChunks        = []byte("chunks")
	bPublications  = []byte("publications")
	bHolidays      = []byte("holidays") // migration 4
	bLosses        = []byte("losses")   // migration 5

	kSchema = []byte("schema")
	kEpoch  = []byte("epoch")
)

var allBuckets = [][]byte{bMeta, bDevices, bDeviceIDs, bCodes, bUsers, bOps, bCases, bEvents, bOrigins, bParties, bConflicts, bCaseConflicts, bChanges, bRuleSets, bBlobs, bChunks}

// Store is an open HQ data directory.
type Store struct {
	db  *bolt.DB
	dir string
}

var _ hq.Store = (*Store)(nil)

// Open opens or creates the store in dir, waiting up to timeout (default
// one second) for another process's lock.
func Open(dir string, timeout time.Duration) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("无法创建 HQ 数据目录 %s：%w", dir, err)
	}
	if timeout <= 0 {
		timeout = time.Second
	}
	path := filepath.Join(dir, FileName)
	// A damaged hq.db is named, never a panic or a new store (boltguard
	// checks every page before bbolt maps the file).
	db, err := boltguard.Open(path, 0o600, &bolt.Options{Timeout: timeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, ErrLocked
	}
	if _, ok := boltguard.IsDamaged(err); ok {
		return nil, damaged(err)
	}
	if err != nil {
		return nil, fmt.Errorf("无法打开 HQ 数据文件 %s：%w", path, err)
	}
	s := &Store{db: db, dir: dir}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, damaged(err)
	}
	if err := s.view(checkLayout); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// RepairAdvice is what to do about a damaged hq.db.
const RepairAdvice = "请停止 HQ 服务，运行 fieldcase hq repair：它先把原文件另存一份，再把能读出的记录抢救到新文件并列出丢失的内容；设备仍保存的记录会在下次同步时重新推送。也可从备份恢复（fieldcase hq backup 的文件）"

// damaged adds the advice to a damage error; other errors pass unchanged.
func damaged(err error) error {
	if d, ok := boltguard.IsDamaged(err); ok && d.Advice == "" {
		d.Advice = RepairAdvice
	}
	return err
}

// layoutBuckets are the buckets of the current schema: those of schema 1
// and those later migrations add. checkLayout and Repair use them.
var layoutBuckets = append(append([][]byte(nil), allBuckets...), bPublications, bHolidays, bLosses)

// checkLayout makes sure every bucket is there, so no later read meets a
// missing one.
func checkLayout(tx *bolt.Tx) error {
	r := tx.Bucket(bRoot)
	if r == nil {
		return &boltguard.DamagedError{Path: tx.DB().Path(), Reason: "缺少根分区 " + string(bRoot), Advice: RepairAdvice}
	}
	for _, name := range layoutBuckets {
		if r.Bucket(name) == nil {
			return &boltguard.DamagedError{Path: tx.DB().Path(), Reason: "缺少数据分区 " + string(name), Advice: RepairAdvice}
		}
	}
	return nil
}

// view and update are bbolt's View and Update under boltguard.Guard:
// damage met after Open is an error naming the file, not a crash.
func (s *Store) view(fn func(*bolt.Tx) error) error {
	return damaged(boltguard.Guard(s.db.Path(), func() error { return s.db.View(fn) }))
}

func (s *Store) update(fn func(*bolt.Tx) error) error {
	err := damaged(boltguard.Guard(s.db.Path(), func() error { return s.db.Update(fn) }))
	if err == nil {
		boltguard.Committed(s.db) // the next Open need not walk the pages again
	}
	return err
}

// Dir is the data directory.
func (s *Store) Dir() string { return s.dir }

// Close releases the file and its lock, and stamps the file as checked
// when nothing but this program wrote it since it was checked.
func (s *Store) Close() error {
	path := s.db.Path() // bbolt forgets it at Close
	err := s.db.Close()
	boltguard.Closed(path)
	return err
}

func u64(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return b[:]
}

func join(a string, n uint64) []byte {
	return append(append([]byte(a), 0), u64(n)...)
}

func join2(a, b string) []byte {
	return append(append([]byte(a), 0), b...)
}

// Epoch implements hq.Store.
func (s *Store) Epoch(ctx context.Context) (string, error) {
	var out string
	err := s.view(func(tx *bolt.Tx) error {
		out = string(tx.Bucket(bRoot).Bucket(bMeta).Get(kEpoch))
		return nil
	})
	return out, err
}

// RotateEpoch implements hq.Store.
func (s *Store) RotateEpoch(ctx context.Context) (string, error) {
	e := uuid.NewString()
	return e, s.update(func(tx *bolt.Tx) error { return tx.Bucket(bRoot).Bucket(bMeta).Put(kEpoch, []byte(e)) })
}

// OverlapStaging implements hq.StagingOverlap: bbolt's one writer waits
// on a push being staged only while the machine's cores are staging.
func (s *Store) OverlapStaging() bool { return true }

// Update implements hq.Store.
func (s *Store) Update(ctx context.Context, fn func(hq.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.update(func(tx *bolt.Tx) error { return fn(&btx{tx: tx, r: tx.Bucket(bRoot)}) })
}

// View implements hq.Store.
func (s *Store) View(ctx context.Context, fn func(hq.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.view(func(tx *bolt.Tx) error { return fn(&btx{tx: tx, r: tx.Bucket(bRoot)}) })
}

// scanBudget bounds how many change-log entries one pull examines, so that
// a device outside most changes' scope still gets a quick answer.
const scanBudget = 20000

// Changes implements hq.Store. bbolt's single writer makes the log's
// numbers visible in order, so the cursor may move past every entry read.
func (s *Store) Changes(ctx context.Context, after uint64, scope hq.Scope, limit int) ([]hq.Change, uint64, bool, error) {
	var out []hq.Change
	next, more := after, false
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bRoot).Bucket(bChanges).Cursor()
		events := tx.Bucket(bRoot).Bucket(bEvents)
		scanned := 0
		for k, v := c.Seek(u64(after + 1)); k != nil; k, v = c.Next() {
			if len(out) >= limit || scanned >= scanBudget {
				more = true
				return nil
			}
			scanned++
			ch, err := decodeChange(v)
			if err != nil {
				return fmt.Errorf("HQ 变更记录 %d 已损坏：%w", binary.BigEndian.Uint64(k), err)
			}
			next = ch.Seq
			if !scope.Visible(ch) {
				continue
			}
			if ch.Ref() {
				// Written in one transaction with its event, so the event
				// is missing only from a repaired file (Repair): the
				// entry is passed over, and the devices push again what
				// HQ lost.
				raw := events.Get(join(ch.CaseID, ch.Index))
				if raw == nil {
					continue
				}
				ch.Data = append(json.RawMessage(nil), raw...)
			}
			out = append(out, ch)
		}
		return nil
	})
	return out, next, more, err
}

// High implements hq.Store.
func (s *Store) High(ctx context.Context) (uint64, error) {
	var n uint64
	err := s.view(func(tx *bolt.Tx) error {
		n = tx.Bucket(bRoot).Bucket(bChanges).Sequence()
		return nil
	})
	return n, err
}

// Blob implements hq.Store.
func (s *Store) Blob(ctx context.Context, sha string) (hq.Blob, bool, error) {
	var b hq.Blob
	var found bool
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		found, err = getJSON(tx.Bucket(bRoot).Bucket(bBlobs), []byte(sha), &b)
		return err
	})
	return b, found, err
}

// AppendBlob implements hq.Store.
func (s *Store) AppendBlob(ctx context.Context, sha string, size, offset int64, data []byte) (hq.Blob, error) {
	var out hq.Blob
	var result error
	err := s.update(func(tx *bolt.Tx) error {
		r := tx.Bucket(bRoot)
		blobs, chunks := r.Bucket(bBlobs), r.Bucket(bChunks)
		var b hq.Blob
		if _, err := getJSON(blobs, []byte(sha), &b); err != nil {
			return err
		}
		nb, err := hq.AdvanceBlob(b, sha, size, offset, data)
		if errors.Is(err, hq.ErrBlobHash) {
			result = err
			if err := blobs.Delete([]byte(sha)); err != nil {
				return err
			}
			c := chunks.Cursor()
			prefix := []byte(sha)
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
				if err := c.Delete(); err != nil {
					return err
				}
			}
			return nil
		}
		if err != nil {
			out, result = b, err
			return nil
		}
		if len(data) > 0 {
			if err := chunks.Put(append([]byte(sha), u64(uint64(offset))...), data); err != nil {
				return err
			}
		}
		out = nb
		return putJSON(blobs, []byte(sha), nb)
	})
	if err != nil {
		return out, err
	}
	return out, result
}

// ReadBlob implements hq.Store.
func (s *Store) ReadBlob(ctx context.Context, sha string, fn func([]byte) error) error {
	return s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bRoot).Bucket(bChunks).Cursor()
		prefix := []byte(sha)
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if err := fn(v); err != nil {
				return err
			}
		}
		return nil
	})
}

func getJSON(b *bolt.Bucket, key []byte, v any) (bool, error) {
	data := b.Get(key)
	if data == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return true, fmt.Errorf("HQ 数据损坏（%s）：%w", key, err)
	}
	return true, nil
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

// btx implements hq.Tx on a bbolt transaction.
type btx struct {
	tx *bolt.Tx
	r  *bolt.Bucket
}

func (t *btx) b(name []byte) *bolt.Bucket {
	b := t.r.Bucket(name)
	if f, ok := fill[string(name)]; ok {
		b.FillPercent = f
	}
	return b
}

// fill is how full bbolt packs a page it splits, for the buckets written
// mostly at the end of a key range: the change log (seq), ops (device ‖
// seq), the case logs and origins (case id ‖ …, case ids are UUIDv7 and
// so time-ordered) and case records. bbolt's default, half full, suits
// inserts anywhere; appended keys never come back to fill the other half,
// so a push wrote twice the pages it needed and rewrote half-empty ones
// the next time. Party keys come in any order and keep the default.
var fill = map[string]float64{
	string(bChanges): 1.0,
	string(bOps):     1.0,
	string(bEvents):  1.0,
	string(bOrigins): 1.0,
	string(bCases):   0.9,
}

func (t *btx) Device(name string) (hq.Device, bool, error) {
	var d hq.Device
	found, err := getJSON(t.b(bDevices), []byte(name), &d)
	return d, found, err
}

func (t *btx) DeviceByID(id string) (hq.Device, bool, error) {
	name := t.b(bDeviceIDs).Get([]byte(id))
	if name == nil {
		return hq.Device{}, false, nil
	}
	return t.Device(string(name))
}

func (t *btx) DeviceByCode(codeHash string) (hq.Device, bool, error) {
	name := t.b(bCodes).Get([]byte(codeHash))
	if name == nil {
		return hq.Device{}, false, nil
	}
	return t.Device(string(name))
}

func (t *btx) PutDevice(d hq.Device) error {
	var old hq.Device
	if _, err := getJSON(t.b(bDevices), []byte(d.Name), &old); err != nil {
		return err
	}
	if err := hq.CheckSignKeyFixed(old, d); err != nil {
		return err
	}
	if old.CodeHash != "" && old.CodeHash != d.CodeHash {
		if err := t.b(bCodes).Delete([]byte(old.CodeHash)); err != nil {
			return err
		}
	}
	if d.CodeHash != "" {
		if err := t.b(bCodes).Put([]byte(d.CodeHash), []byte(d.Name)); err != nil {
			return err
		}
	}
	if d.ID != "" {
		if n := t.b(bDeviceIDs).Get([]byte(d.ID)); n != nil && string(n) != d.Name {
			return fmt.Errorf("设备编号 %s 已属于设备「%s」", d.ID, n)
		}
		if err := t.b(bDeviceIDs).Put([]byte(d.ID), []byte(d.Name)); err != nil {
			return err
		}
	}
	return putJSON(t.b(bDevices), []byte(d.Name), d)
}

func (t *btx) Devices() ([]hq.Device, error) {
	var out []hq.Device
	err := t.b(bDevices).ForEach(func(k, v []byte) error {
		var d hq.Device
		if err := json.Unmarshal(v, &d); err != nil {
			return fmt.Errorf("设备记录 %s 已损坏：%w", k, err)
		}
		out = append(out, d)
		return nil
	})
	return out, err
}

func (t *btx) User(id string) (hq.User, bool, error) {
	var u hq.User
	found, err := getJSON(t.b(bUsers), []byte(id), &u)
	return u, found, err
}

func (t *btx) PutUser(u hq.User) error { return putJSON(t.b(bUsers), []byte(u.ID), u) }

func (t *btx) Op(device string, seq uint64) (hq.OpRecord, bool, error) {
	var o hq.OpRecord
	found, err := getJSON(t.b(bOps), join(device, seq), &o)
	return o, found, err
}

func (t *btx) PutOp(o hq.OpRecord) error {
	k := join(o.Device, o.Seq)
	if t.b(bOps).Get(k) != nil {
		return fmt.Errorf("设备 %s 第 %d 条事件已处理过", o.Device, o.Seq)
	}
	return putJSON(t.b(bOps), k, o)
}

func (t *btx) Case(id string) (hq.CaseRecord, bool, error) {
	v := t.b(bCases).Get([]byte(id))
	if v == nil {
		return hq.CaseRecord{}, false, nil
	}
	c, err := decodeCase(t.b(bEvents), []byte(id), v)
	return c, true, err
}

func (t *btx) PutCase(c hq.CaseRecord) error {
	v, err := encodeCase(t.b(bEvents), c)
	if err != nil {
		return err
	}
	return t.b(bCases).Put([]byte(c.Case.ID), v)
}

func (t *btx) Cases() ([]hq.CaseRecord, error) {
	var out []hq.CaseRecord
	events := t.b(bEvents)
	err := t.b(bCases).ForEach(func(k, v []byte) error {
		c, err := decodeCase(events, k, v)
		if err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// A case record keeps the decision's suggestion (the rule engine's
// citations, reasons and steps: three quarters of a record) by reference
// when HQ names the event of the case log that holds it
// (hq.CaseRecord.SuggestionFrom) and that event is there: the event keeps
// it already, and a record rewritten by every push that touches its case
// stays a quarter of the size. Any other record keeps it inline, as all
// did before; decodeCase reads both.
func encodeCase(events *bolt.Bucket, c hq.CaseRecord) ([]byte, error) {
	switch {
	case c.Case.Suggestion == nil:
		c.SuggestionFrom = 0
	case c.SuggestionFrom > 0 && events.Get(join(c.Case.ID, c.SuggestionFrom)) != nil:
		c.Case.Suggestion = nil
	}
	return json.Marshal(c)
}

func decodeCase(events *bolt.Bucket, key, v []byte) (hq.CaseRecord, error) {
	var c hq.CaseRecord
	if err := json.Unmarshal(v, &c); err != nil {
		return c, fmt.Errorf("案件记录 %s 已损坏：%w", key, err)
	}
	if c.SuggestionFrom == 0 || c.Case.Suggestion != nil {
		return c, nil
	}
	s, err := suggestionOf(events.Get(join(c.Case.ID, c.SuggestionFrom)))
	if err != nil {
		return c, fmt.Errorf("HQ 数据损坏：案件 %s 的处理决定（第 %d 条事件）%w", c.Case.ID, c.SuggestionFrom, err)
	}
	c.Case.Suggestion = &s
	return c, nil
}

// suggestionOf is the suggestion a stored decision event gives the case,
// decoded as HQ decoded it when it applied the event (cases.Prepare).
func suggestionOf(raw []byte) (cases.Suggestion, error) {
	if raw == nil {
		return cases.Suggestion{}, errors.New("缺失")
	}
	var e cases.Event
	if err := json.Unmarshal(raw, &e); err != nil {
		return cases.Suggestion{}, fmt.Errorf("已损坏：%w", err)
	}
	p, err := cases.Prepare(e)
	if err != nil || e.Kind != cases.EventDecisionMade || p.Decision() == nil {
		return cases.Suggestion{}, errors.New("不是可读的处理决定")
	}
	return p.Decision().Suggestion, nil
}

func (t *btx) Event(caseID string, index uint64) (json.RawMessage, bool, error) {
	v := t.b(bEvents).Get(join(caseID, index))
	if v == nil {
		return nil, false, nil
	}
	return append(json.RawMessage(nil), v...), true, nil
}

func (t *btx) Events(caseID string) ([]json.RawMessage, error) {
	var out []json.RawMessage
	prefix := join2(caseID, "")
	c := t.b(bEvents).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		out = append(out, append(json.RawMessage(nil), v...))
	}
	return out, nil
}

func (t *btx) PutEvent(caseID string, index uint64, raw json.RawMessage) error {
	k := join(caseID, index)
	if t.b(bEvents).Get(k) != nil {
		return fmt.Errorf("案件 %s 第 %d 条事件已存在", caseID, index)
	}
	return t.b(bEvents).Put(k, raw)
}

// Origins are keyed by case id first, so that a push's origins, like its
// events, land on the few pages of its cases (case ids are time-ordered)
// instead of one random page each.
func (t *btx) Origin(caseID, hash string) (hq.Origin, bool, error) {
	var o hq.Origin
	found, err := getJSON(t.b(bOrigins), join2(caseID, hash), &o)
	return o, found, err
}

func (t *btx) PutOrigin(o hq.Origin) error { return putJSON(t.b(bOrigins), join2(o.CaseID, o.Hash), o) }

func (t *btx) PartyCases(key string) ([]hq.PartyCase, error) {
	var out []hq.PartyCase
	prefix := join2(key, "")
	c := t.b(bParties).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var p hq.PartyCase
		if err := json.Unmarshal(v, &p); err != nil {
			return nil, fmt.Errorf("当事人记录已损坏：%w", err)
		}
		out = append(out, p)
	}
	return out, nil
}

func (t *btx) PutPartyCase(p hq.PartyCase) error {
	return putJSON(t.b(bParties), join2(p.Key, p.CaseID), p)
}

func (t *btx) DeletePartyCase(key, caseID string) error {
	return t.b(bParties).Delete(join2(key, caseID))
}

func (t *btx) Conflict(id string) (hq.ConflictRecord, bool, error) {
	var c hq.ConflictRecord
	found, err := getJSON(t.b(bConflicts), []byte(id), &c)
	return c, found, err
}

func (t *btx) PutConflict(c hq.ConflictRecord) error {
	if err := t.b(bCaseConflicts).Put(join2(c.CaseID, c.ID), nil); err != nil {
		return err
	}
	return putJSON(t.b(bConflicts), []byte(c.ID), c)
}

func (t *btx) Conflicts(caseID string) ([]hq.ConflictRecord, error) {
	var out []hq.ConflictRecord
	prefix := join2(caseID, "")
	c := t.b(bCaseConflicts).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		cr, found, err := t.Conflict(string(k[len(prefix):]))
		if err != nil {
			return nil, err
		}
		if found {
			out = append(out, cr)
		}
	}
	return out, nil
}

func (t *btx) Append(c hq.Change) error {
	b := t.b(bChanges)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	c.Seq = seq
	v, err := encodeChange(c)
	if err != nil {
		return err
	}
	return b.Put(u64(seq), v)
}

// A change is stored as its header in JSON, a newline, and its body as it
// came, so the body is never re-encoded. An event's change has no body: its
// header's case id and index name the event in the events bucket
// (migration 6 turned the copies older files kept into such references).
func encodeChange(c hq.Change) ([]byte, error) {
	data := c.Data
	c.Data = nil
	head, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	return append(append(head, '\n'), data...), nil
}

func decodeChange(v []byte) (hq.Change, error) {
	var c hq.Change
	i := bytes.IndexByte(v, '\n')
	if i < 0 {
		return c, errors.New("缺少分隔符")
	}
	if err := json.Unmarshal(v[:i], &c); err != nil {
		return c, err
	}
	c.Data = append(json.RawMessage(nil), v[i+1:]...)
	return c, nil
}

func (t *btx) RuleSets() (map[string][]byte, error) {
	out := map[string][]byte{}
	err := t.b(bRuleSets).ForEach(func(k, v []byte) error {
		out[string(k)] = append([]byte(nil), v...)
		return nil
	})
	return out, err
}

func (t *btx) PutRuleSet(version string, data []byte) error {
	return t.b(bRuleSets).Put([]byte(version), data)
}

func (t *btx) Holidays() (map[int][]byte, error) {
	out := map[int][]byte{}
	err := t.b(bHolidays).ForEach(func(k, v []byte) error {
		if len(k) != 8 {
			return fmt.Errorf("HQ 数据文件中的节假日安排键 %x 无效", k)
		}
		out[int(binary.BigEndian.Uint64(k))] = append([]byte(nil), v...)
		return nil
	})
	return out, err
}

func (t *btx) PutHolidays(year int, data []byte) error {
	return t.b(bHolidays).Put(u64(uint64(year)), data)
}

func (t *btx) Meta(key string) (string, bool, error) {
	v := t.b(bMeta).Get([]byte("x/" + key))
	return string(v), v != nil, nil
}

func (t *btx) PutMeta(key, value string) error {
	return t.b(bMeta).Put([]byte("x/"+key), []byte(value))
}

func (t *btx) BlobComplete(sha string) (bool, error) {
	var b hq.Blob
	found, err := getJSON(t.b(bBlobs), []byte(sha), &b)
	return found && b.Complete, err
}

func (t *btx) Publication(caseID string) (hq.Publication, bool, error) {
	var p hq.Publication
	found, err := getJSON(t.b(bPublications), []byte(caseID), &p)
	return p, found, err
}

func (t *btx) PutPublication(p hq.Publication) error {
	return putJSON(t.b(bPublications), []byte(p.CaseID), p)
}

func (t *btx) Publications() ([]hq.Publication, error) {
	var out []hq.Publication
	err := t.b(bPublications).ForEach(func(k, v []byte) error {
		var p hq.Publication
		if err := json.Unmarshal(v, &p); err != nil {
			return fmt.Errorf("公示记录 %s 已损坏：%w", k, err)
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

// Backup implements hq.Backuper: one read transaction's copy of hq.db,
// written while HQ goes on serving.
func (s *Store) Backup(ctx context.Context, open func(size int64) (io.Writer, error)) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var n int64
	err := s.view(func(tx *bolt.Tx) error {
		w, err := open(tx.Size())
		if err != nil {
			return err
		}
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

func (t *btx) Loss(device string, from uint64) (hq.LossRecord, bool, error) {
	var l hq.LossRecord
	found, err := getJSON(t.b(bLosses), join(device, from), &l)
	return l, found, err
}

func (t *btx) PutLoss(l hq.LossRecord) error {
	return putJSON(t.b(bLosses), join(l.Device, l.From), l)
}

func (t *btx) Losses(device string) ([]hq.LossRecord, error) {
	var out []hq.LossRecord
	c := t.b(bLosses).Cursor()
	prefix := []byte(nil)
	if device != "" {
		prefix = append([]byte(device), 0)
	}
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var l hq.LossRecord
		if err := json.Unmarshal(v, &l); err != nil {
			return nil, fmt.Errorf("HQ 数据损坏（丢失申报）：%w", err)
		}
		out = append(out, l)
	}
	return out, nil
}
