// Package store keeps a device's cases, their logs and everything the device
// needs offline in one bbolt file, fieldcase.db, inside the data directory.
// It is the only package of the device that imports bbolt.
//
// The bucket tree (schema version 5); keys are fixed-width big-endian where
// they are numbers, so ranges are cursor seeks. Values marked [sealed] are
// encrypted (seal.go, keys.go): everything that names or describes a person
// is; what stays clear is counts, numbers, dates, statuses and ids. A party
// key (it holds the ID number) never appears in a bbolt key: ⟨party⟩ is its
// blind key, HMAC-SHA256 under the index key, 16 bytes.
//
//	fieldcase.db
//	└── v1                          root bucket of this schema generation
//	    ├── meta                    schema → u64; device → uuid; next_seq → u64;
//	    │                           last_sync → RFC 3339; acked_through → u64;
//	    │                           count/<status> → u64;
//	    │                           review_policy → cases.ReviewPolicy JSON (review.go);
//	    │                           hq → Enrolment JSON [sealed]; hq_epoch → uuid;
//	    │                           pull_cursor → u64; hq_receipt → HQ's signed receipt JSON (sync.go);
//	    │                           encrypted → version; sign_pub → ed25519 public key;
//	    │                           sign_key → ed25519 private key [sealed] (auth.go)
//	    ├── users                   user id → cases.User JSON with the DK wrap,
//	    │                           salt, KDF params and failed attempts (auth.go)
//	    ├── cases                   case id (16-byte UUIDv7) → cases.Case JSON [sealed]
//	    ├── events                  case id (16) ‖ index (u64) → cases.Event JSON [sealed]
//	    ├── outbox                  device seq (u64) → case id (16) ‖ index (u64)
//	    ├── parties                 ⟨party⟩ → cases.Party JSON [sealed] (as last recorded)
//	    ├── party_index             ⟨party⟩ → []cases.PriorCase JSON [sealed] (synced from HQ)
//	    ├── rulesets                version → rule set JSON (installed after validation)
//	    ├── drafts                  user id → Draft JSON [sealed] (where the TUI wizard stood)
//	    ├── idx_status              status ‖ 0 ‖ case id → ∅
//	    ├── idx_party               ⟨party⟩ ‖ 0 ‖ case id → ∅
//	    ├── idx_date                occurred (i64 unix seconds, sign-flipped) ‖ case id → ∅
//	    ├── doc_numbers             document kind → reserved number blocks JSON (numbers.go)
//	    ├── stats                   day (u32 YYYYMMDD) ‖ metric → i64 (report.go)
//	    ├── idx_decided             decision day (u32) ‖ case id → ∅
//	    ├── idx_pending             立案 day (u32) ‖ case id → procedure (undecided cases)
//	    ├── sync_notices            u64 → Notice JSON [sealed] (what sync tells the officer; sync.go)
//	    ├── superseded              device seq (u64) → cases.Event JSON [sealed] (own events
//	    │                           whose case log was rebuilt from HQ's: still pushed from here)
//	    ├── stale_cases             case id (16) → ∅ (local log to rebuild from HQ's)
//	    └── device_keys             device id → ed25519 public key (learnt from HQ; verify.go)
//
// The party search index of schema 4 (idx_party_search: name and ID number
// prefixes in the clear) is gone: the search runs over an in-memory index
// built from the sealed parties after sign-in (partysearch.go).
//
// Evidence files live beside the store, sealed, in <dir>/evidence (evidence.go).
//
// Every user action is one write transaction: the events, the projection,
// the outbox entries, the counters and the secondary indexes change together.
// The daily figures (stats) and the decided and pending indexes are kept by
// tally (report.go) for every event appended, so reports read no logs.
package store

import (
	"crypto/ed25519"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// FileName is the store's file inside the data directory.
const FileName = "fieldcase.db"

// ErrLocked means another process holds the store open.
var ErrLocked = errors.New("数据目录正被另一个 fieldcase 使用（请先关闭另一个窗口或进程）")

var (
	bRoot           = []byte("v1")
	bMeta           = []byte("meta")
	bUsers          = []byte("users")
	bCases          = []byte("cases")
	bEvents         = []byte("events")
	bOutbox         = []byte("outbox")
	bParties        = []byte("parties")
	bPartyIndex     = []byte("party_index")
	bRulesets       = []byte("rulesets")
	bDrafts         = []byte("drafts")
	bIdxStatus      = []byte("idx_status")
	bIdxParty       = []byte("idx_party")
	bIdxDate        = []byte("idx_date")
	bIdxPartySearch = []byte("idx_party_search")

	kSchema   = []byte("schema")
	kDevice   = []byte("device")
	kNextSeq  = []byte("next_seq")
	kLastSync = []byte("last_sync")

	kAckedThrough = []byte("acked_through")
)

// Store is an open data directory. It is safe for use by several goroutines:
// bbolt serialises writers and lets readers run alongside; the keys and the
// party search index have their own locks.
type Store struct {
	*shared // shared with the views Clocked makes
	now     func() time.Time
}

// shared is what every view of one open store has in common.
type shared struct {
	// mu guards db (replaced when SetUpEncryption compacts the file) and the
	// session below. Every transaction holds it for reading (view, update),
	// so Lock cannot wipe keys that a transaction is using.
	mu     sync.RWMutex
	db     *bolt.DB
	dir    string
	device string

	encrypted bool     // a data key exists
	legacy    bool     // not encrypted and holding data from before schema 5
	plain     bool     // tests only: write the schema-4 plaintext format, to have something to migrate
	keys      *keyring // nil while locked
	user      string   // who unlocked
	gen       uint64   // counts Lock calls, so open evidence readers notice one
	signPub   ed25519.PublicKey

	search partySearch
}

// Options tune Open; the zero value is right for real use.
type Options struct {
	Timeout time.Duration    // how long to wait for another process's lock (default 1 s)
	Now     func() time.Time // clock for event times (tests)
}

// Open opens or creates the store in dir, migrating it to the current schema.
// A store held by another process yields ErrLocked after about a second.
func Open(dir string, opt Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("无法创建数据目录 %s：%w", dir, err)
	}
	if opt.Timeout == 0 {
		opt.Timeout = time.Second
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opt.Timeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, ErrLocked
	}
	if err != nil {
		return nil, fmt.Errorf("无法打开数据文件 %s：%w", path, err)
	}
	s := &Store{shared: &shared{db: db, dir: dir}, now: opt.Now}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.loadState(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// loadState reads what the store is: its device, whether it is encrypted,
// whether it holds plaintext data from before encryption.
func (s *Store) loadState() error {
	return s.db.View(func(tx *bolt.Tx) error {
		m := meta(tx)
		s.device = string(m.Get(kDevice))
		s.encrypted = m.Get(kEncrypted) != nil
		installHolidays(tx) // procedure.go
		if pub := m.Get(kSignPub); len(pub) == ed25519.PublicKeySize {
			s.signPub = append(ed25519.PublicKey(nil), pub...)
		}
		s.legacy = false
		if !s.encrypted {
			for _, name := range [][]byte{bUsers, bCases, bEvents, bParties, bPartyIndex, bDrafts, bNotices, bSuperseded} {
				if k, _ := bucket(tx, name).Cursor().First(); k != nil {
					s.legacy = true
				}
			}
			if m.Get(kEnrolment) != nil {
				s.legacy = true
			}
		}
		return nil
	})
}

// Close forgets the keys and releases the file and its lock.
func (s *Store) Close() error {
	s.Lock()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.db.Close()
}

// Dir is the data directory.
func (s *Store) Dir() string { return s.dir }

// Path is the bbolt file.
func (s *Store) Path() string { return filepath.Join(s.dir, FileName) }

// view and update are bbolt's View and Update holding the session lock for
// reading, so the keys a transaction uses stay valid until it ends. Code
// inside fn must not call them again (a waiting Lock would deadlock it).
func (s *Store) view(fn func(*bolt.Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.db.View(fn)
}

func (s *Store) update(fn func(*bolt.Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return diskFull(s.db.Update(fn))
}

// DeviceID identifies this device's store; it is made once, at creation.
func (s *Store) DeviceID() string { return s.device }

func root(tx *bolt.Tx) *bolt.Bucket                { return tx.Bucket(bRoot) }
func bucket(tx *bolt.Tx, name []byte) *bolt.Bucket { return root(tx).Bucket(name) }
func meta(tx *bolt.Tx) *bolt.Bucket                { return bucket(tx, bMeta) }

func u64(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return b[:]
}

// caseKey is the 16-byte form of a case id.
func caseKey(id string) ([]byte, error) {
	u, err := uuid.Parse(id)
	if err != nil {
		return nil, fmt.Errorf("案件编号 %q 无效", id)
	}
	return u[:], nil
}

func caseIDFromKey(k []byte) string {
	var u uuid.UUID
	copy(u[:], k)
	return u.String()
}

func eventKey(ck []byte, index uint64) []byte {
	return append(append(make([]byte, 0, 24), ck...), u64(index)...)
}

// dateKey orders by time; the sign bit is flipped so negative times sort first.
func dateKey(t time.Time, ck []byte) []byte {
	return append(u64(uint64(t.Unix())^(1<<63)), ck...)
}

func joinKey(prefix string, rest []byte) []byte {
	k := make([]byte, 0, len(prefix)+1+len(rest))
	k = append(k, prefix...)
	k = append(k, 0)
	return append(k, rest...)
}

// getClearJSON and putClearJSON read and write values kept in the clear
// (settings, number blocks) and are what migrations up to schema 4 use on
// the plaintext data of their time; personal data goes through the
// store's getJSON and putJSON, which seal (seal.go).
func getClearJSON(b *bolt.Bucket, key []byte, v any) (bool, error) {
	data := b.Get(key)
	if data == nil {
		return false, nil
	}
	// json.Unmarshal copies what it keeps, so the bytes need not outlive the tx.
	if err := json.Unmarshal(data, v); err != nil {
		return true, fmt.Errorf("数据损坏（%s/%x）：%w", "记录", key, err)
	}
	return true, nil
}

func putClearJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}
