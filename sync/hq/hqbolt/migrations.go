package hqbolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"fieldcase/sync/hq"
	"fieldcase/sync/proto"
)

// migration brings the file from version-1 to version. Open runs the
// pending ones and records the version in meta/schema, all in one bbolt
// transaction: a crash leaves the file as it was. Every migration has its
// own test (migrations_test.go).
type migration struct {
	version int
	name    string
	run     func(tx *bolt.Tx) error
}

// migrations run in order; the layout they build is drawn in the package
// comment and in docs/sync.md.
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

// migrate applies the pending migrations. A file written by a newer build
// is refused: this build would drop fields it does not know when it
// rewrites a record.
func (s *Store) migrate() error {
	return s.update(func(tx *bolt.Tx) error {
		current, err := schemaOf(tx)
		if err != nil {
			return err
		}
		if current > SchemaVersion() {
			return fmt.Errorf("HQ 数据文件的结构版本 %d 比本程序（%d）新，请升级 fieldcase", current, SchemaVersion())
		}
		for _, m := range migrations {
			if m.version <= current {
				continue
			}
			if err := m.run(tx); err != nil {
				return fmt.Errorf("数据迁移 %d（%s）失败：%w", m.version, m.name, err)
			}
			if err := tx.Bucket(bRoot).Bucket(bMeta).Put(kSchema, u64(uint64(m.version))); err != nil {
				return err
			}
		}
		return nil
	})
}

// schemaOf is the file's schema version, 0 for a file with no HQ data yet.
func schemaOf(tx *bolt.Tx) (int, error) {
	r := tx.Bucket(bRoot)
	if r == nil {
		return 0, nil
	}
	v := r.Bucket(bMeta).Get(kSchema)
	if len(v) != 8 {
		return 0, errors.New("HQ 数据文件缺少结构版本，可能已损坏")
	}
	return int(binary.BigEndian.Uint64(v)), nil
}

// migrateCreate makes the root bucket, every bucket under it, and the epoch.
func migrateCreate(tx *bolt.Tx) error {
	r, err := tx.CreateBucket(bRoot)
	if err != nil {
		return err
	}
	for _, name := range allBuckets {
		if _, err := r.CreateBucket(name); err != nil {
			return err
		}
	}
	return r.Bucket(bMeta).Put(kEpoch, []byte(uuid.NewString()))
}

// migrateSignKeys makes HQ's own signing key. Devices gained a signing key
// and a quarantine report in their JSON; the buckets are unchanged, but the
// version goes up so that an older build, which would drop those fields
// when it rewrites a device — releasing a quarantined device, forgetting
// its key — refuses the file.
func migrateSignKeys(tx *bolt.Tx) error {
	m := tx.Bucket(bRoot).Bucket(bMeta)
	k := []byte("x/" + hq.MetaHQSignKey)
	if m.Get(k) != nil {
		return nil
	}
	v, err := hq.NewHQSignKey()
	if err != nil {
		return err
	}
	return m.Put(k, []byte(v))
}

// migratePublications makes the bucket of HQ's publication records.
func migratePublications(tx *bolt.Tx) error {
	_, err := tx.Bucket(bRoot).CreateBucket(bPublications)
	return err
}

// migrateHolidays makes the bucket of the holiday schedules HQ publishes
// (year → schedule file, as published).
func migrateHolidays(tx *bolt.Tx) error {
	_, err := tx.Bucket(bRoot).CreateBucket(bHolidays)
	return err
}

// migrateLosses makes the bucket of the devices' loss declarations
// (device id ‖ 0 ‖ first seq → hq.LossRecord).
func migrateLosses(tx *bolt.Tx) error {
	_, err := tx.Bucket(bRoot).CreateBucket(bLosses)
	return err
}

// migrateChangeRefs turns the change log's copies of events into
// references to the case log: an event entry whose body is, byte for byte,
// the event its case id and the body's index name in the events bucket
// loses its body and gains the index (Changes reads the event from there).
// An entry that does not match exactly keeps its copy, which Changes still
// serves: pull returns the same bytes before and after. It also keys the
// origins by case id and hash, as PutOrigin now writes them, so that a
// push's origins share its cases' pages.
func migrateChangeRefs(tx *bolt.Tx) error {
	r := tx.Bucket(bRoot)
	if err := rekeyOrigins(r); err != nil {
		return err
	}
	changes, events := r.Bucket(bChanges), r.Bucket(bEvents)
	type rewrite struct{ key, value []byte }
	var todo []rewrite
	err := changes.ForEach(func(k, v []byte) error {
		ch, err := decodeChange(v)
		if err != nil || ch.Kind != proto.EntryEvent || len(ch.Data) == 0 {
			return nil // not an event copy; a damaged entry is Changes' to report
		}
		var e struct {
			Index uint64 `json:"index"`
		}
		if json.Unmarshal(ch.Data, &e) != nil || e.Index == 0 || !bytes.Equal(events.Get(join(ch.CaseID, e.Index)), ch.Data) {
			return nil
		}
		ch.Index, ch.Data = e.Index, nil
		nv, err := encodeChange(ch)
		if err != nil {
			return err
		}
		todo = append(todo, rewrite{append([]byte(nil), k...), nv})
		return nil
	})
	if err != nil {
		return err
	}
	for _, w := range todo {
		if err := changes.Put(w.key, w.value); err != nil {
			return err
		}
	}
	return nil
}

// rekeyOrigins rebuilds the origins bucket with keys case id ‖ 0 ‖ hash.
func rekeyOrigins(r *bolt.Bucket) error {
	type entry struct{ key, value []byte }
	var all []entry
	err := r.Bucket(bOrigins).ForEach(func(k, v []byte) error {
		var o hq.Origin
		if err := json.Unmarshal(v, &o); err != nil {
			return fmt.Errorf("事件来源 %q 已损坏：%w", k, err)
		}
		all = append(all, entry{join2(o.CaseID, string(k)), append([]byte(nil), v...)})
		return nil
	})
	if err != nil {
		return err
	}
	if err := r.DeleteBucket(bOrigins); err != nil {
		return err
	}
	b, err := r.CreateBucket(bOrigins)
	if err != nil {
		return err
	}
	for _, e := range all {
		if err := b.Put(e.key, e.value); err != nil {
			return err
		}
	}
	return nil
}

// ReadSchema tells where the store in dir stands without changing it: no
// file is created and no migration runs (fieldcase hq migrate status). A
// file held by a running HQ gives ErrLocked.
func ReadSchema(dir string, timeout time.Duration) (hq.Schema, error) {
	path := filepath.Join(dir, FileName)
	out := hq.Schema{Kind: Kind}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return schemaStatus(0), nil
	}
	if timeout <= 0 {
		timeout = time.Second
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: timeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return out, ErrLocked
	}
	if err != nil {
		return out, fmt.Errorf("无法打开 HQ 数据文件 %s：%w", path, err)
	}
	defer db.Close()
	var current int
	if err := db.View(func(tx *bolt.Tx) error {
		current, err = schemaOf(tx)
		return err
	}); err != nil {
		return out, err
	}
	return schemaStatus(current), nil
}

// Schema implements hq.SchemaReader for an open store (a running HQ
// answers fieldcase hq migrate status through its admin API).
func (s *Store) Schema(ctx context.Context) (hq.Schema, error) {
	var current int
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		current, err = schemaOf(tx)
		return err
	})
	return schemaStatus(current), err
}

// Kind names this store in status reports.
const Kind = "bbolt"

func schemaStatus(current int) hq.Schema {
	out := hq.Schema{Kind: Kind, Version: current}
	for _, m := range migrations {
		out.Migrations = append(out.Migrations, hq.MigrationState{Version: m.version, Name: m.name, Applied: m.version <= current})
	}
	return out
}
