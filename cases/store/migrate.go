package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"fieldcase/cases"
)

// SchemaVersion is the schema this build writes: the version of the last
// migration below. Stores keep it in meta/schema.
const SchemaVersion = 6

// migration brings the schema from version-1 to version.
type migration struct {
	version int
	name    string
	run     func(tx *bolt.Tx) error
}

// migrations is every schema change of the device store, oldest first,
// numbered from 1 without gaps (TestMigrationListIsOrdered). Open runs the
// pending ones in order, all in one transaction, after copying the file to
// fieldcase.db.v<from>.<time>.bak. Each has its own test in migrate_test.go
// that builds a store at the schema before it and runs it alone.
//
// Migrations 2 to 4 ran on plaintext stores and read and write plain JSON.
// From schema 5 on, a store may be encrypted: a later migration that
// touches personal data must go through the store's sealing accessors and
// so needs the store unlocked (run it at Unlock, not here).
var migrations = []migration{
	{1, "创建初始结构", migrateCreate},
	{2, "文书编号与统计索引", migrateReport},
	{3, "案件记录加入审核流程", migrateReview},
	{4, "同步状态与通知", migrateSync},
	{5, "加密存储与设备签名", migrateSecure},
	{6, "当事人检索索引密封保存", migrateSearchIndex},
}

func (s *Store) migrate() error {
	var from int
	if err := s.db.View(func(tx *bolt.Tx) error {
		from = schemaOf(tx)
		return nil
	}); err != nil {
		return err
	}
	if from > SchemaVersion {
		return fmt.Errorf("数据文件的结构版本 %d 比本程序（%d）新，请升级 fieldcase", from, SchemaVersion)
	}
	if from == SchemaVersion {
		return nil
	}
	if from > 0 {
		// An existing store is copied before any change to it.
		backup := filepath.Join(s.dir, fmt.Sprintf("%s.v%d.%s.bak", FileName, from, time.Now().UTC().Format("20060102T150405")))
		if err := s.db.View(func(tx *bolt.Tx) error { return tx.CopyFile(backup, 0o600) }); err != nil {
			return fmt.Errorf("迁移前备份失败：%w", err)
		}
	}
	return s.dbUpdate(func(tx *bolt.Tx) error { return runMigrations(tx, from, SchemaVersion) })
}

// schemaOf is the schema version recorded in the file, 0 for a new file.
func schemaOf(tx *bolt.Tx) int {
	if r := root(tx); r != nil {
		if m := r.Bucket(bMeta); m != nil {
			if v := m.Get(kSchema); len(v) == 8 {
				return int(binary.BigEndian.Uint64(v))
			}
		}
	}
	return 0
}

// runMigrations runs the migrations after from up to and including to,
// recording each version as it is reached.
func runMigrations(tx *bolt.Tx, from, to int) error {
	for _, m := range migrations {
		if m.version <= from || m.version > to {
			continue
		}
		if err := m.run(tx); err != nil {
			return fmt.Errorf("数据迁移 %d（%s）失败：%w", m.version, m.name, err)
		}
		if err := meta(tx).Put(kSchema, u64(uint64(m.version))); err != nil {
			return err
		}
	}
	return nil
}

// migrateCreate makes the root bucket, the buckets of schema 1, the
// device's id and its event sequence.
func migrateCreate(tx *bolt.Tx) error {
	r, err := tx.CreateBucketIfNotExists(bRoot)
	if err != nil {
		return err
	}
	for _, name := range [][]byte{bMeta, bUsers, bCases, bEvents, bOutbox, bParties, bPartyIndex, bRulesets, bDrafts, bIdxStatus, bIdxParty, bIdxDate, bIdxPartySearch} {
		if _, err := r.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	m := r.Bucket(bMeta)
	if m.Get(kDevice) == nil {
		if err := m.Put(kDevice, []byte(uuid.NewString())); err != nil {
			return err
		}
	}
	if m.Get(kNextSeq) == nil {
		return m.Put(kNextSeq, u64(1))
	}
	return nil
}

// migrateReport creates the buckets of document numbers and of the figures
// and builds the counters and indexes of the cases already stored by
// replaying each case's log once.
func migrateReport(tx *bolt.Tx) error {
	r := root(tx)
	for _, name := range [][]byte{bDocNumbers, bStats, bIdxDecided, bIdxPending} {
		if _, err := r.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	var (
		cur []byte
		c   cases.Case
	)
	ev := bucket(tx, bEvents).Cursor()
	for k, v := ev.First(); k != nil; k, v = ev.Next() {
		if len(k) != 24 {
			return fmt.Errorf("事件键 %x 长度异常", k)
		}
		if !bytes.Equal(k[:16], cur) {
			cur, c = append(cur[:0], k[:16]...), cases.Case{}
		}
		var e cases.Event
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("案件 %s 的事件已损坏：%w", caseIDFromKey(k[:16]), err)
		}
		before := c
		if err := cases.Apply(&c, e); err != nil {
			return fmt.Errorf("案件 %s 的全过程记录无法重放：%w", caseIDFromKey(k[:16]), err)
		}
		if err := tally(tx, k[:16], before, c, e); err != nil {
			return err
		}
	}
	return nil
}

// migrateReview replays every case's log into the projection,
// which now carries the review record; the status index and counters are
// brought in line with the replayed status. A log that does not replay is
// left as it is, for Verify to report.
func migrateReview(tx *bolt.Tx) error {
	casesB, events, idx := bucket(tx, bCases), bucket(tx, bEvents), bucket(tx, bIdxStatus)
	type fix struct {
		ck     []byte
		before cases.Case
		after  cases.Case
	}
	var fixes []fix
	err := casesB.ForEach(func(ck, v []byte) error {
		var stored cases.Case
		if json.Unmarshal(v, &stored) != nil {
			return nil
		}
		var replay cases.Case
		c := events.Cursor()
		for k, ev := c.Seek(ck); k != nil && bytes.HasPrefix(k, ck); k, ev = c.Next() {
			var e cases.Event
			if json.Unmarshal(ev, &e) != nil || cases.Apply(&replay, e) != nil {
				return nil
			}
		}
		if replay.ID == "" {
			return nil
		}
		fixes = append(fixes, fix{append([]byte(nil), ck...), stored, replay})
		return nil
	})
	if err != nil {
		return err
	}
	for _, f := range fixes {
		if err := putClearJSON(casesB, f.ck, f.after); err != nil {
			return err
		}
		if f.before.Status == f.after.Status {
			continue
		}
		if err := idx.Delete(joinKey(string(f.before.Status), f.ck)); err != nil {
			return err
		}
		if err := addCount(tx, f.before.Status, -1); err != nil {
			return err
		}
		if err := idx.Put(joinKey(string(f.after.Status), f.ck), nil); err != nil {
			return err
		}
		if err := addCount(tx, f.after.Status, 1); err != nil {
			return err
		}
	}
	return nil
}

// migrateSync adds what sync keeps on the device.
func migrateSync(tx *bolt.Tx) error {
	for _, name := range [][]byte{bNotices, bSuperseded, bStale} {
		if _, err := root(tx).CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// migrateSecure needs no passphrase (Open must work before anyone signs
// in): it only adds the device_keys bucket and drops the clear party
// search index. The data stay plaintext, Encrypted() is false and every
// access to personal data gives ErrNotEncrypted until a user sets a
// passphrase with SetUpEncryption (encrypt.go), which seals the store in
// one transaction and then compacts the file so the pages that held the
// plaintext are gone too.
func migrateSecure(tx *bolt.Tx) error {
	if _, err := root(tx).CreateBucketIfNotExists(bDeviceKeys); err != nil {
		return err
	}
	if err := root(tx).DeleteBucket(bIdxPartySearch); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
		return err
	}
	return nil
}

// migrateSearchIndex adds party_search, where the party search index is
// kept sealed between sign-ins. Making the index needs the keys, so the
// first sign-in after this migration builds it from the parties and saves
// it there (partysaved.go); until then, and whenever it is missing or
// unusable, the search builds it as before.
func migrateSearchIndex(tx *bolt.Tx) error {
	_, err := root(tx).CreateBucketIfNotExists(bPartySearch)
	return err
}
