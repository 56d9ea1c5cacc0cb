package boltguard

// Salvage reads a damaged bbolt file without bbolt: bbolt's reads are
// unchecked pointer arithmetic over the memory map, so here both meta
// pages are read, and from each the tree of buckets, page by page, with
// bounds-checked reads. A page that is out of the file, names another id,
// or has a broken header is skipped with everything under it; every key
// and value that can be read is written into a new file, the newer meta's
// copy winning. The damaged file is kept beside it, renamed, unchanged.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SalvageReport says what Salvage recovered.
type SalvageReport struct {
	DamagedCopy string         // where the damaged file was moved
	Recovered   map[string]int // bucket path ("a/b") → keys recovered
	BadPages    int            // pages that could not be read
	Orphans     int            // entries found on leaf pages no tree reaches
}

// Orphan is an entry found on a leaf page that no bucket tree reaches any
// more (its branch page was lost, or it is an older copy bbolt freed). Its
// bucket is unknown: the caller decides what it can vouch for.
type Orphan struct {
	Page       uint64
	Bucket     string // the inline bucket it was found in, "" when unknown
	Key, Value []byte
}

// leafEntries appends the entries of a leaf page (or an inline bucket's
// page), descending once into inline buckets, whose name it keeps.
func leafEntries(out []Orphan, id uint64, bucket string, p []byte, depth int) []Orphan {
	le := binary.LittleEndian
	if len(p) < 16 || le.Uint16(p[8:]) != pageLeaf {
		return out
	}
	count := int(le.Uint16(p[10:]))
	if 16+count*16 > len(p) {
		return out
	}
	for i := 0; i < count; i++ {
		at := 16 + i*16
		el := p[at:]
		eflags, pos, ksize, vsize := le.Uint32(el[0:]), int(le.Uint32(el[4:])), int(le.Uint32(el[8:])), int(le.Uint32(el[12:]))
		start := at + pos
		if pos < 0 || ksize <= 0 || vsize < 0 || start+ksize+vsize > len(p) || start+ksize+vsize < start {
			continue
		}
		k, v := p[start:start+ksize], p[start+ksize:start+ksize+vsize]
		switch {
		case eflags == 0:
			out = append(out, Orphan{Page: id, Bucket: bucket, Key: append([]byte(nil), k...), Value: append([]byte(nil), v...)})
		case eflags&leafBucket != 0 && depth == 0 && len(v) >= 32 && le.Uint64(v) == 0:
			out = leafEntries(out, id, string(k), v[16:], depth+1)
		}
	}
	return out
}

// orphanLeaves reads every page no walk reached and keeps the entries of
// those that are whole leaf pages naming themselves.
func orphanLeaves(data []byte, pageSize int, reached map[uint64]bool) []Orphan {
	var out []Orphan
	le := binary.LittleEndian
	for id := uint64(2); (id+1)*uint64(pageSize) <= uint64(len(data)); id++ {
		if reached[id] {
			continue
		}
		f := &rawFile{data: data, pageSize: pageSize, bad: map[uint64]bool{}, seen: map[uint64]bool{}}
		p := f.page(id)
		if p == nil || le.Uint16(p[8:]) != pageLeaf {
			continue
		}
		out = leafEntries(out, id, "", p, 0)
	}
	return out
}

// Salvage recovers what it can of the bbolt file at path into a new file,
// lets fix complete the new file in the same transaction (buckets its
// program needs, counters to rebuild), then moves the damaged file to
// path.damaged.<UTC time> and the new one into place. It must not run
// while another process has the file open.
func Salvage(path string, fix func(tx *bolt.Tx, orphans []Orphan) error) (SalvageReport, error) {
	rep := SalvageReport{Recovered: map[string]int{}}
	data, err := os.ReadFile(path)
	if err != nil {
		return rep, fmt.Errorf("无法读取数据文件 %s：%w", path, err)
	}
	if len(data) == 0 {
		return rep, fmt.Errorf("数据文件 %s 为空（0 字节），没有可抢救的内容", path)
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
	reached := map[uint64]bool{}
	for _, m := range metas {
		if m.root == 0 {
			continue
		}
		f := &rawFile{data: data, pageSize: m.pageSize, bad: bad, seen: map[uint64]bool{}}
		f.walk(nil, m.root, nil, 0, sv.put)
		for id := range f.seen {
			reached[id] = true
		}
	}
	rep.BadPages = len(bad)
	orphans := orphanLeaves(data, metas[0].pageSize, reached)
	rep.Orphans = len(orphans)

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
		return fix(tx, orphans)
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
	syncDir(filepath.Dir(path))
	return rep, nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

const (
	pageBranch = flagBranch
	pageLeaf   = flagLeaf
	leafBucket = leafIsBucket
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
	m, ok := parseMeta(b)
	return m.root, m.txid, int(m.pageSize), ok
}
