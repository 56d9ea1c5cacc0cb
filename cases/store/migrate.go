package store

import (
	"encoding/binary"
	"fmt"
	"path/filepath"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the schema this build writes.
const SchemaVersion = 5

// migration brings the schema from version-1 to version. A migration test
// must be added for each one.
type migration struct {
	version int
	name    string
	run     func(tx *bolt.Tx) error
}

// migrations are run in order, all pending ones in one transaction.
var migrations = []migration{
	{1, "创建初始结构", migrateCreate},
	{2, "文书编号与统计索引", migrateReport},  // report.go
	{3, "案件记录加入审核流程", migrateReview}, // review.go
	{4, "同步状态与通知", migrateSync},      // sync.go
	{5, "加密存储与设备签名", migrateSecure},  // encrypt.go
}

// Migrations 2 to 4 ran on plaintext stores and read and write plain JSON.
// From schema 5 on, a store may be encrypted: a later migration that
// touches personal data must go through the store's sealing accessors and
// so needs the store unlocked (run it at Unlock, not here).

func (s *Store) migrate() error {
	var from int
	if err := s.db.View(func(tx *bolt.Tx) error {
		if r := root(tx); r != nil {
			if m := r.Bucket(bMeta); m != nil {
				if v := m.Get(kSchema); len(v) == 8 {
					from = int(binary.BigEndian.Uint64(v))
				}
			}
		}
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
	return s.dbUpdate(func(tx *bolt.Tx) error {
		for _, m := range migrations {
			if m.version <= from {
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
	})
}

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
