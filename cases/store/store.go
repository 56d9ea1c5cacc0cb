// Package store keeps a device's cases, their logs and everything the device
// needs offline in one bbolt file, fieldcase.db, inside the data directory.
// It is the only package of the device that imports bbolt.
//
// The file's layout — every bucket, its keys and its values, which values
// are sealed — is drawn in layout.go, where every name is defined; the
// migrations that lead to it are in migrate.go (docs/store.md tells both).
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
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"fieldcase/cases/store/boltguard"
)

// FileName is the store's file inside the data directory.
const FileName = "fieldcase.db"

// ErrLocked means another process holds the store open.
var ErrLocked = errors.New("数据目录正被另一个 fieldcase 使用（请先关闭另一个窗口或进程）")

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
	// background is the work sign-in leaves running: the party index
	// warm-up and its handing back of memory (WaitBackground).
	background sync.WaitGroup

	vaultAside string // where Options.NewStore moved an old vault
}

// Options tune Open; the zero value is right for real use.
type Options struct {
	Timeout time.Duration    // how long to wait for another process's lock (default 1 s)
	Now     func() time.Time // clock for event times (tests)
	// NewStore starts a new store although the store file is missing and
	// the vault still holds files (a MissingError otherwise); the old
	// vault is moved aside, kept. Only an explicit request sets it.
	NewStore bool
}

// MissingError is a data directory whose store file is gone while its
// evidence vault still holds files: the device had cases, so a new empty
// store in their place would hide their loss.
type MissingError struct {
	Path       string // the missing store file
	Vault      string // the evidence folder
	VaultFiles int
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("数据文件 %s 不存在，但证据库 %s 中还有 %d 个证据文件：本设备原有的案件数据已丢失（文件被删除、移走或磁盘故障），未创建新的数据文件。"+
		"请把数据文件放回原处，或用备份恢复（fieldcase restore 备份文件 --data %s），恢复后同步可取回已交到 HQ 的案件；"+
		"确认放弃原有数据、在此重新开始时，运行 fieldcase init --new-store 并登记执法人员（原证据文件会移到一旁保留）",
		e.Path, e.Vault, e.VaultFiles, filepath.Dir(e.Path))
}

// IsMissing finds a MissingError in what Open returned.
func IsMissing(err error) (*MissingError, bool) {
	var m *MissingError
	ok := errors.As(err, &m)
	return m, ok
}

// VaultAsideMark names where NewStore moves an old vault:
// evidence.before-new-store.<UTC time>.
const VaultAsideMark = ".before-new-store."

// checkNotLost refuses to start a store where one was lost: the file is
// missing and the vault holds files (a killed import's temporary file
// does not count). With newStore the old vault is moved aside instead.
func checkNotLost(dir, path string, newStore bool) (aside string, err error) {
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		return "", nil // there, or unreadable: Open says which
	}
	vault := filepath.Join(dir, EvidenceDir)
	entries, err := os.ReadDir(vault)
	if err != nil {
		return "", nil // no vault: a new device
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), importTempPrefix) {
			n++
		}
	}
	if n == 0 {
		return "", nil
	}
	if !newStore {
		return "", &MissingError{Path: path, Vault: vault, VaultFiles: n}
	}
	aside = vault + VaultAsideMark + time.Now().UTC().Format("20060102T150405")
	if err := os.Rename(vault, aside); err != nil {
		return "", fmt.Errorf("无法把原证据库 %s 移到一旁：%w", vault, err)
	}
	return aside, nil
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
	aside, err := checkNotLost(dir, path, opt.NewStore)
	if err != nil {
		return nil, err
	}
	// A damaged file is named, never replaced: boltguard refuses an empty or
	// truncated file (bbolt would start a new store in an empty one) and
	// checks every page once, unless the file is as this program left it
	// (docs/store.md §2), so a broken page shows now, not mid-command.
	db, err := boltguard.Open(path, 0o600, &bolt.Options{Timeout: opt.Timeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, ErrLocked
	}
	if _, ok := boltguard.IsDamaged(err); ok {
		return nil, damaged(err)
	}
	if err != nil {
		return nil, fmt.Errorf("无法打开数据文件 %s：%w", path, err)
	}
	s := &Store{shared: &shared{db: db, dir: dir, vaultAside: aside}, now: opt.Now}
	err = boltguard.Guard(path, func() error {
		if err := s.migrate(); err != nil {
			return err
		}
		return s.loadState()
	})
	if err != nil {
		db.Close()
		return nil, damaged(err)
	}
	return s, nil
}

// RepairAdvice is what to do about a damaged store, said with every
// *boltguard.DamagedError the store returns.
const RepairAdvice = "请不要再使用这份文件。运行 fieldcase repair：它先把原文件另存一份，再把能读出的案件、事件、人员和设置抢救到新文件，并列出恢复了什么、丢失了什么；已同步到 HQ 的案件会在下次同步时取回"

// damaged adds the advice to a damage error; other errors pass unchanged.
func damaged(err error) error {
	if d, ok := boltguard.IsDamaged(err); ok && d.Advice == "" {
		d.Advice = RepairAdvice
	}
	return err
}

// IsDamaged finds a damaged-file error in what Open or any later call returned.
func IsDamaged(err error) (*boltguard.DamagedError, bool) { return boltguard.IsDamaged(err) }

// loadState reads what the store is: its device, whether it is encrypted,
// whether it holds plaintext data from before encryption.
func (s *Store) loadState() error {
	return s.db.View(func(tx *bolt.Tx) error {
		if err := checkLayout(tx); err != nil {
			return err
		}
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

// Close forgets the keys and releases the file and its lock, once the
// work sign-in left running has stopped.
func (s *Store) Close() error {
	s.Lock()
	s.background.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.db.Close()
	boltguard.Closed(s.Path()) // stamped, if nothing but this program wrote it
	return err
}

// VaultMovedAside is where Open moved the vault of a lost store
// (Options.NewStore), or "".
func (s *Store) VaultMovedAside() string { return s.vaultAside }

// Dir is the data directory.
func (s *Store) Dir() string { return s.dir }

// Path is the bbolt file.
func (s *Store) Path() string { return filepath.Join(s.dir, FileName) }

// view and update are bbolt's View and Update holding the session lock for
// reading, so the keys a transaction uses stay valid until it ends. Code
// inside fn must not call them again (a waiting Lock would deadlock it).
//
// Both run under boltguard.Guard: damage that Open's walk could not see (the
// file changed under the running program) is an error naming the file, and
// bbolt rolls the transaction back.
func (s *Store) view(fn func(*bolt.Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return damaged(boltguard.Guard(s.Path(), func() error { return s.db.View(fn) }))
}

func (s *Store) update(fn func(*bolt.Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	err := damaged(boltguard.Guard(s.Path(), func() error { return diskFull(s.db.Update(fn)) }))
	if err == nil {
		boltguard.Committed(s.db) // the next Open need not walk the pages again
	}
	return err
}

// DeviceID identifies this device's store; it is made once, at creation.
func (s *Store) DeviceID() string { return s.device }

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
