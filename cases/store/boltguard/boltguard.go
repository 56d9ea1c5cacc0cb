// Package boltguard opens bbolt files that may be damaged without letting
// the damage crash the program.
//
// bbolt trusts its file: a flipped byte in a page header trips one of its
// assertions (a panic), and a page that lies past the end of a truncated
// file is a SIGBUS inside the memory map. Both end the process with a stack
// trace, which tells an officer whose laptop lost power nothing. Here the
// file is checked before it is mapped (size, meta pages, and every page
// unless its stamp shows it unchanged since: stamp.go), every read runs
// with faults turned into panics (debug.SetPanicOnFault) and bbolt's panics
// are recovered into a *DamagedError that names the file. Callers add what
// the person should do (which repair command to run).
package boltguard

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// DamagedError is a bbolt file that cannot be read safely.
type DamagedError struct {
	Path   string // the file
	Reason string // what is wrong, in Chinese, for the person
	Detail string // the panic and its stack, for the log only
	Advice string // what to do, set by the caller
}

func (e *DamagedError) Error() string {
	msg := fmt.Sprintf("数据文件已损坏：%s（%s）", e.Path, e.Reason)
	if e.Advice != "" {
		msg += "。" + e.Advice
	}
	return msg
}

// IsDamaged reports whether err is or wraps a *DamagedError, and returns it.
func IsDamaged(err error) (*DamagedError, bool) {
	var d *DamagedError
	ok := errors.As(err, &d)
	return d, ok
}

// bbolt's on-disk constants (its file format version 2).
const (
	boltMagic    = 0xED0CDAED
	boltVersion  = 2
	pageHeader   = 16 // page id u64, flags u16, count u16, overflow u32
	metaLen      = 64 // magic, version, page size, flags u32; root, sequence, freelist, pgid, txid, checksum u64
	metaSumBytes = 56 // the checksum covers the meta up to itself
)

// meta is what the check needs of one of the two meta pages.
type meta struct {
	pageSize uint32
	root     uint64 // the root bucket's page
	freelist uint64
	pgid     uint64 // high water mark: pages 0..pgid-1 are in the file
	txid     uint64
	sum      uint64 // the meta's own checksum
}

func parseMeta(b []byte) (meta, bool) {
	if len(b) < pageHeader+metaLen {
		return meta{}, false
	}
	m := b[pageHeader : pageHeader+metaLen]
	le := binary.LittleEndian // bbolt writes the machine's order; every platform fieldcase ships for is little-endian
	h := fnv.New64a()
	h.Write(m[:metaSumBytes])
	if le.Uint32(m[0:]) != boltMagic || le.Uint32(m[4:]) != boltVersion || h.Sum64() != le.Uint64(m[56:]) {
		return meta{}, false
	}
	return meta{pageSize: le.Uint32(m[8:]), root: le.Uint64(m[16:]), freelist: le.Uint64(m[32:]), pgid: le.Uint64(m[40:]), txid: le.Uint64(m[48:]), sum: le.Uint64(m[56:])}, true
}

// ParseMeta reads a bbolt meta page (at the start of b) whose checksum
// holds: its page size, high-water mark and transaction id.
func ParseMeta(b []byte) (pageSize uint32, pgid, txid uint64, ok bool) {
	m, ok := parseMeta(b)
	return m.pageSize, m.pgid, m.txid, ok
}

// Precheck looks at a bbolt file before bbolt maps it: a file that is empty,
// whose meta pages are both broken, or that is shorter than its own meta
// says is damaged; then every page bbolt can reach is checked. A missing
// file is not damaged (exists is false): it is new. Precheck always walks
// every page; Open skips the walk for a file its stamp vouches for.
func Precheck(path string) (exists bool, err error) { return precheck(path, false) }

// precheck is Precheck; with useStamp, a file the stamp vouches for (stamp.go)
// is not walked, and a file that passes the walk is stamped.
func precheck(path string, useStamp bool) (exists bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return true, fmt.Errorf("无法读取数据文件 %s：%w", path, err)
	}
	defer f.Close()
	statAt := time.Now() // before the stat: a write after it shows as a later tick
	info, err := f.Stat()
	if err != nil {
		return true, fmt.Errorf("无法读取数据文件 %s：%w", path, err)
	}
	size := info.Size()
	if size == 0 {
		return true, &DamagedError{Path: path, Reason: "文件为空（0 字节），原有内容已丢失"}
	}
	best, found, err := newestMeta(f)
	if err != nil {
		return true, fmt.Errorf("无法读取数据文件 %s：%w", path, err)
	}
	if !found {
		return true, &DamagedError{Path: path, Reason: "文件头（两个元数据页）都已损坏，或这不是 fieldcase 的数据文件"}
	}
	if best.pageSize < 512 || best.pageSize > 1<<20 {
		return true, &DamagedError{Path: path, Reason: fmt.Sprintf("元数据中的页大小 %d 无效", best.pageSize)}
	}
	if want := int64(best.pgid) * int64(best.pageSize); best.pgid < 2 || size < want {
		return true, &DamagedError{Path: path, Reason: fmt.Sprintf("文件被截短：应至少有 %d 字节，实际只有 %d 字节", want, size)}
	}
	st, stampable := stampOf(info, best)
	if useStamp && stampable && readStamp(path) == st {
		remember(path, st)
		return true, nil // unchanged since this program last checked or wrote it
	}
	// Every page bbolt will follow, checked with bounds-checked reads: bbolt
	// itself turns a page's offsets into pointers unchecked, and a wrong
	// one can point into the Go heap, which no recover can undo (the
	// garbage collector stops the program).
	if err := validate(path, f, size, best); err != nil {
		return true, err
	}
	if useStamp && stampable {
		remember(path, st)
		if st.still(statAt) {
			writeStamp(path, st)
		}
	}
	return true, nil
}

// newestMeta reads both meta pages and returns the newer whose checksum holds.
func newestMeta(f io.ReaderAt) (meta, bool, error) {
	head := make([]byte, 4096)
	n, err := f.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return meta{}, false, err
	}
	head = head[:n]
	var best meta
	found := false
	if m, ok := parseMeta(head); ok {
		best, found = m, true
	}
	// The second meta page sits one page in; the first meta (even a broken
	// one) usually still says the page size, else try the common sizes.
	sizes := []uint32{4096, 16384, 65536, 8192, 32768}
	if found {
		sizes = []uint32{best.pageSize}
	}
	for _, ps := range sizes {
		buf := make([]byte, pageHeader+metaLen)
		if _, err := f.ReadAt(buf, int64(ps)); err != nil {
			continue
		}
		if m, ok := parseMeta(buf); ok && m.pageSize == ps {
			if !found || m.txid > best.txid {
				best = m
			}
			found = true
			break
		}
	}
	return best, found, nil
}

// validate walks the tree of meta m in the file f (size bytes) under the
// guard, through a read-only map where there is one: a page the disk
// cannot give back is a fault, which is damage too.
func validate(path string, f *os.File, size int64, m meta) error {
	walks.Add(1)
	v := &validator{f: f, m: m}
	if data, unmap, ok := mapFile(f, size); ok {
		defer unmap()
		v.data = data
	}
	if err := Guard(path, v.check); err != nil {
		var de *DamagedError
		if errors.As(err, &de) {
			return err
		}
		return &DamagedError{Path: path, Reason: err.Error()}
	}
	return nil
}

// CheckTx walks every page of the snapshot tx reads with bounds-checked
// reads, as Open does for a file it has not stamped: a full check that a
// stamp never skips (`case verify` runs it before reading every value).
// Pages of an open transaction's snapshot are not rewritten while it runs,
// so writers may commit meanwhile.
func CheckTx(tx *bolt.Tx) error {
	path := tx.DB().Path()
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("无法读取数据文件 %s：%w", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("无法读取数据文件 %s：%w", path, err)
	}
	ps := tx.DB().Info().PageSize
	m := meta{pageSize: uint32(ps), root: uint64(tx.Cursor().Bucket().Root()), freelist: noFreelist, pgid: uint64(tx.Size()) / uint64(ps), txid: uint64(tx.ID())}
	return validate(path, f, info.Size(), m)
}

// Guard runs fn with memory faults turned into panics, and turns a panic
// that comes from reading a damaged file into a *DamagedError for path.
// Any other panic (a bug, not damage) goes on as it was.
func Guard(path string, fn func() error) (err error) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		reason, ok := damage(r)
		if !ok {
			panic(r)
		}
		err = &DamagedError{Path: path, Reason: reason, Detail: fmt.Sprintf("%v\n%s", r, debug.Stack())}
	}()
	return fn()
}

// damage says whether a recovered panic means the file is damaged: a fault
// in the memory map, one of bbolt's own assertions, or a runtime error
// (index out of range…) raised inside bbolt's code.
func damage(r any) (string, bool) {
	if _, ok := r.(interface{ Addr() uintptr }); ok {
		return "读取时发生内存访问错误：文件内容不完整或被截短", true
	}
	if panickedInBolt() {
		return "文件内部结构不一致：" + fmt.Sprint(r), true
	}
	return "", false
}

// panickedInBolt looks at the frame that raised the panic being recovered.
func panickedInBolt() bool {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
	afterPanic := false
	for {
		f, more := frames.Next()
		switch {
		case f.Function == "runtime.gopanic":
			afterPanic = true
		case afterPanic && !strings.HasPrefix(f.Function, "runtime."):
			return strings.HasPrefix(f.Function, "go.etcd.io/bbolt")
		}
		if !more {
			return false
		}
	}
}

// Open checks the file (Precheck), opens it with bbolt inside Guard and
// reads every bucket, key and value once (Walk), so that a damaged page is
// found now and not by a later command. A new file is created as bbolt
// does. The returned error is a *DamagedError for damage; opts.Timeout's
// error (bbolt's ErrTimeout) is passed through for the caller to name.
func Open(path string, mode os.FileMode, opts *bolt.Options) (*bolt.DB, error) {
	exists, err := precheck(path, true)
	if err != nil {
		return nil, err
	}
	var db *bolt.DB
	err = Guard(path, func() error {
		var err error
		db, err = bolt.Open(path, mode, opts)
		return err
	})
	if err != nil {
		if _, ok := IsDamaged(err); !ok && exists && isFormatError(err) {
			err = &DamagedError{Path: path, Reason: err.Error()}
		}
		return nil, err
	}
	// precheck has walked every page bbolt can reach, or the stamp says
	// the file is as this program left it; the later reads run under Guard
	// (the store wraps its transactions), and a full check (CheckTx, Walk)
	// is left to `case verify`: at every start it cost more than the rest
	// of opening a large store together.
	return db, nil
}

// isFormatError is bbolt refusing the file itself (not a lock or a permission).
func isFormatError(err error) bool {
	return errors.Is(err, bolterrors.ErrInvalid) || errors.Is(err, bolterrors.ErrChecksum) || errors.Is(err, bolterrors.ErrVersionMismatch)
}

// sink keeps the compiler from dropping the reads Walk makes.
var sink atomic.Uint32

// walks counts page walks, for the tests of the stamp.
var walks atomic.Int64

// Walk reads every bucket, key and value of the transaction, touching the
// first and last byte of each value so that every page, overflow pages
// included, is mapped and checked. Run it inside Guard.
func Walk(tx *bolt.Tx) error {
	var x byte
	err := tx.ForEach(func(name []byte, b *bolt.Bucket) error { return walkBucket(b, &x) })
	sink.Store(uint32(x))
	return err
}

func walkBucket(b *bolt.Bucket, x *byte) error {
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(k) > 0 {
			*x ^= k[0] ^ k[len(k)-1]
		}
		if v != nil {
			if len(v) > 0 {
				*x ^= v[0] ^ v[len(v)-1]
			}
			continue
		}
		if sub := b.Bucket(k); sub != nil {
			if err := walkBucket(sub, x); err != nil {
				return err
			}
		}
	}
	return nil
}
