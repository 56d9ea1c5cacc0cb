package store

// Repair salvages a damaged store. bbolt cannot be trusted with a damaged
// file (its reads are unchecked pointer arithmetic over the memory map),
// so the old file is read here with plain, bounds-checked reads: both meta
// pages, and from each the tree of buckets, page by page. A page that is
// out of the file, names another id, or has a broken header is skipped
// with everything under it; every key and value that can be read is
// written into a new file, the newer meta's copy winning. The damaged file
// is kept beside it, renamed, and never changed.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases/store/boltguard"
)

// RepairReport says what Repair recovered and what it could not.
type RepairReport struct {
	DamagedCopy string         // where the damaged file was moved
	Recovered   map[string]int // bucket → keys recovered
	BadPages    int            // pages that could not be read
	Missing     []string       // buckets not found at all (recreated empty)
	NoteNextSeq bool           // meta/next_seq was lost and rebuilt from the outbox
}

const (
	pageBranch = 0x01
	pageLeaf   = 0x02
	leafBucket = 0x01
)

// rawFile reads a bbolt file without bbolt.
type rawFile struct {
	data     []byte
	pageSize int
	bad      map[uint64]bool
	seen     map[uint64]bool
}

// page returns page id with its overflow, or nil when it cannot be read.
func (f *rawFile) page(id uint64) []byte {
	off := id * uint64(f.pageSize)
	if id < 2 || off/uint64(f.pageSize) != id || off+16 > uint64(len(f.data)) {
		f.bad[id] = true
		return nil
	}
	h := f.data[off:]
	le := binary.LittleEndian
	over := uint64(le.Uint32(h[12:]))
	end := off + (over+1)*uint64(f.pageSize)
	if le.Uint64(h[0:]) != id || end > uint64(len(f.data)) || end < off {
		f.bad[id] = true
		return nil
	}
	return f.data[off:end]
}

// walk visits the entries of the bucket whose tree starts at page root (or
// the inline page inline), calling put for each key/value and recursing
// into sub-buckets.
func (f *rawFile) walk(path []string, root uint64, inline []byte, depth int, put func(path []string, k, v []byte)) {
	if depth > 64 {
		return
	}
	p := inline
	if p == nil {
		if f.seen[root] {
			return // a loop in a damaged tree
		}
		f.seen[root] = true
		if p = f.page(root); p == nil {
			return
		}
	}
	le := binary.LittleEndian
	flags, count := le.Uint16(p[8:]), int(le.Uint16(p[10:]))
	if 16+count*16 > len(p) {
		f.bad[root] = true
		return
	}
	for i := 0; i < count; i++ {
		el := p[16+i*16:]
		at := 16 + i*16
		switch {
		case flags&pageBranch != 0:
			pos, ksize, child := int(le.Uint32(el[0:])), int(le.Uint32(el[4:])), le.Uint64(el[8:])
			if at+pos+ksize > len(p) || at+pos < 0 {
				continue
			}
			f.walk(path, child, nil, depth+1, put)
		case flags&pageLeaf != 0:
			eflags, pos, ksize, vsize := le.Uint32(el[0:]), int(le.Uint32(el[4:])), int(le.Uint32(el[8:])), int(le.Uint32(el[12:]))
			start := at + pos
			if pos < 0 || ksize < 0 || vsize < 0 || start+ksize+vsize > len(p) || start+ksize+vsize < start {
				continue
			}
			k, v := p[start:start+ksize], p[start+ksize:start+ksize+vsize]
			if eflags&leafBucket != 0 {
				if len(v) < 16 {
					continue
				}
				sub := append(append([]string(nil), path...), string(k))
				put(sub, nil, nil) // the bucket exists, even if empty
				if r := le.Uint64(v[0:]); r == 0 {
					if len(v) >= 32 {
						f.walk(sub, 0, v[16:], depth+1, put)
					}
				} else {
					f.walk(sub, r, nil, depth+1, put)
				}
				continue
			}
			put(path, k, v)
		default:
			f.bad[root] = true
		}
	}
}

type salvaged struct {
	buckets map[string]bool              // path joined with 0
	kv      map[string]map[string][]byte // bucket path → key → value
}

func (s *salvaged) put(path []string, k, v []byte) {
	name := string(bytes.Join(toBytes(path), []byte{0}))
	s.buckets[name] = true
	if k == nil {
		return
	}
	if s.kv[name] == nil {
		s.kv[name] = map[string][]byte{}
	}
	if _, ok := s.kv[name][string(k)]; !ok { // the newer meta is walked first
		s.kv[name][string(k)] = append([]byte(nil), v...)
	}
}

func toBytes(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

// Repair salvages the store in dir into a new file. The damaged file is
// moved to fieldcase.db.damaged.<UTC time> and left as it was. It must
// not run while the store is open elsewhere (bbolt's lock is taken on
// the new file only; the command checks the old one first).
func Repair(dir string) (RepairReport, error) {
	rep := RepairReport{Recovered: map[string]int{}}
	path := filepath.Join(dir, FileName)
	data, err := os.ReadFile(path)
	if err != nil {
		return rep, fmt.Errorf("无法读取数据文件 %s：%w", path, err)
	}
	if len(data) == 0 {
		return rep, fmt.Errorf("数据文件 %s 为空（0 字节），没有可抢救的内容；请从备份恢复（fieldcase restore），或重新登记后由 HQ 同步已上传的案件", path)
	}
	// Both meta pages, newest first.
	type metaRoot struct {
		root, txid uint64
		pageSize   int
	}
	var metas []metaRoot
	for _, ps := range []int{4096, 16384, 65536, 8192, 32768} {
		for i := 0; i < 2; i++ {
			off := i * ps
			if off+80 > len(data) {
				continue
			}
			root, txid, size, ok := parseMetaRoot(data[off:])
			if ok && size == ps {
				metas = append(metas, metaRoot{root, txid, ps})
			}
		}
		if len(metas) > 0 {
			break
		}
	}
	if len(metas) == 0 {
		metas = append(metas, metaRoot{0, 0, 4096}) // no meta: scan is impossible, nothing to walk
	}
	sort.Slice(metas, func(i, j int) bool { return metas[i].txid > metas[j].txid })
	sv := &salvaged{buckets: map[string]bool{}, kv: map[string]map[string][]byte{}}
	bad := map[uint64]bool{}
	for _, m := range metas {
		if m.root == 0 {
			continue
		}
		f := &rawFile{data: data, pageSize: m.pageSize, bad: bad, seen: map[uint64]bool{}}
		f.walk(nil, m.root, nil, 0, sv.put)
	}
	rep.BadPages = len(bad)

	// The new file, beside the old one.
	tmp := path + ".repairing"
	os.Remove(tmp)
	db, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return rep, err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		names := make([]string, 0, len(sv.buckets))
		for n := range sv.buckets {
			names = append(names, n)
		}
		sort.Strings(names) // parents before children
		for _, n := range names {
			b, err := makeBucketPath(tx, n)
			if err != nil {
				return err
			}
			keys := make([]string, 0, len(sv.kv[n]))
			for k := range sv.kv[n] {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if b.Bucket([]byte(k)) != nil {
					continue
				}
				if err := b.Put([]byte(k), sv.kv[n][k]); err != nil {
					return err
				}
			}
			if len(keys) > 0 {
				rep.Recovered[string(bytes.ReplaceAll([]byte(n), []byte{0}, []byte("/")))] = len(keys)
			}
		}
		// Every bucket of the layout, so the store opens; what was lost
		// is named by Verify afterwards.
		r, err := tx.CreateBucketIfNotExists(bRoot)
		if err != nil {
			return err
		}
		for _, name := range layoutBuckets {
			if r.Bucket(name) == nil {
				rep.Missing = append(rep.Missing, string(name))
				if _, err := r.CreateBucket(name); err != nil {
					return err
				}
			}
		}
		m := r.Bucket(bMeta)
		if len(m.Get(kNextSeq)) != 8 {
			next := uint64(1)
			for _, name := range [][]byte{bOutbox, bSuperseded} {
				if k, _ := r.Bucket(name).Cursor().Last(); len(k) == 8 {
					next = max(next, binary.BigEndian.Uint64(k)+1)
				}
			}
			rep.NoteNextSeq = true
			if err := m.Put(kNextSeq, u64(next)); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = db.Sync()
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return rep, fmt.Errorf("写入修复后的数据文件失败，原文件未改动：%w", err)
	}
	rep.DamagedCopy = fmt.Sprintf("%s.damaged.%s", path, time.Now().UTC().Format("20060102T150405"))
	if err := os.Rename(path, rep.DamagedCopy); err != nil {
		os.Remove(tmp)
		return rep, fmt.Errorf("无法把损坏的文件移到一旁，原文件未改动：%w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return rep, fmt.Errorf("修复后的文件 %s 未能改名为 %s：%w", tmp, path, err)
	}
	syncDir(dir)
	return rep, nil
}

func makeBucketPath(tx *bolt.Tx, joined string) (*bolt.Bucket, error) {
	parts := bytes.Split([]byte(joined), []byte{0})
	b, err := tx.CreateBucketIfNotExists(parts[0])
	if err != nil {
		return nil, err
	}
	for _, p := range parts[1:] {
		if b, err = b.CreateBucketIfNotExists(p); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// parseMetaRoot reads a meta page whose checksum holds: the root
// bucket's page, the transaction id and the page size.
func parseMetaRoot(b []byte) (root, txid uint64, pageSize int, ok bool) {
	ps, _, txid, ok := boltguard.ParseMeta(b)
	if !ok {
		return 0, 0, 0, false
	}
	return binary.LittleEndian.Uint64(b[16+16:]), txid, int(ps), true
}
