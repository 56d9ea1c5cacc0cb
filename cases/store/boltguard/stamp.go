package boltguard

// The page walk reads a header of every page: on a store of 100,000 cases
// (600 MB) that is most of the start. A file this program walked or wrote
// and nothing has touched since needs no walk, so a stamp is kept beside
// the file (<file>.checked): its identity (device, inode), size,
// modification and change times, and the transaction id and checksum of
// its newest meta page. It is written after a walk that passes and when
// the program closes the file, if the file is then exactly as the
// program's own last commit left it. Open walks again unless all of it
// matches.
//
// Why that is enough: bbolt never writes a page the newest meta's tree
// reaches (it writes free pages, then a meta page), so every tree this
// program commits is built from checked pages. Anything else that writes
// the file — another program, a copy or restore (a new inode), a power
// loss or kill after a commit (no stamp at close) — changes its change
// time, which no program can set back, and the next open walks every page.
// A file system's clock has ticks (a few milliseconds; two seconds on
// FAT), and a write within the tick of the time a stamp records would not
// show, so a stamp is written only when the file has been still for
// stampMargin. What the stamp cannot
// see: a disk that silently returns other bytes than it was given, and a
// write into the file while the program holds it, within one tick of its
// own commit. `case verify` walks every page whatever the stamp says. The
// stamp is not secret and not signed: a program that can write the data
// directory can write it too, and no key that would sign it is readable
// before sign-in yet hidden from that program.

import (
	"bytes"
	"encoding/binary"
	"hash/fnv"
	"os"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// StampSuffix names the stamp file beside a bbolt file.
const StampSuffix = ".checked"

// stampMargin is how long a file must have been unchanged before a stamp
// vouches for it: more than a tick of any file system's clock (FAT keeps
// modification times to two seconds). A variable for the tests only.
var stampMargin = 2 * time.Second

// stamp is what the stamp file holds: the file's identity and times (as
// the stat calls give them) and its newest meta.
type stamp struct {
	dev, ino, size, mtime, ctime uint64
	txid, metaSum                uint64
}

const stampMagic = "FCGUARD1"

func (s stamp) encode() []byte {
	b := make([]byte, 0, 8*9)
	b = append(b, stampMagic...)
	for _, x := range []uint64{s.dev, s.ino, s.size, s.mtime, s.ctime, s.txid, s.metaSum} {
		b = binary.LittleEndian.AppendUint64(b, x)
	}
	h := fnv.New64a()
	h.Write(b)
	return binary.LittleEndian.AppendUint64(b, h.Sum64())
}

// readStamp returns the stamp beside path, or the zero stamp (which no
// file matches: stampOf never gives inode 0) when there is none or it is
// torn.
func readStamp(path string) stamp {
	b, err := os.ReadFile(path + StampSuffix)
	if err != nil || len(b) != 8*9 || !bytes.HasPrefix(b, []byte(stampMagic)) {
		return stamp{}
	}
	h := fnv.New64a()
	h.Write(b[:8*8])
	le := binary.LittleEndian
	if h.Sum64() != le.Uint64(b[8*8:]) {
		return stamp{}
	}
	var x [7]uint64
	for i := range x {
		x[i] = le.Uint64(b[8+8*i:])
	}
	return stamp{x[0], x[1], x[2], x[3], x[4], x[5], x[6]}
}

// still says whether the file of s has been unchanged for stampMargin.
func (s stamp) still(now time.Time) bool {
	return now.UnixNano()-int64(s.ctime) >= int64(stampMargin) && now.UnixNano()-int64(s.mtime) >= int64(stampMargin)
}

// sameFile compares identity, size and times, not the meta.
func (s stamp) sameFile(o stamp) bool {
	return s.dev == o.dev && s.ino == o.ino && s.size == o.size && s.mtime == o.mtime && s.ctime == o.ctime
}

func writeStamp(path string, s stamp) {
	// Not synced: a stamp lost or torn by a power loss means a walk.
	_ = os.WriteFile(path+StampSuffix, s.encode(), 0o600)
}

// known holds, per open file, how it stood after it was checked or after
// this program's last commit to it.
var (
	knownMu sync.Mutex
	known   = map[string]stamp{}
)

func remember(path string, s stamp) {
	knownMu.Lock()
	known[path] = s
	knownMu.Unlock()
}

// statPath is the stamp of the file at path as it is now, meta included
// when withMeta.
func statPath(path string, withMeta bool) (stamp, bool) {
	if !withMeta {
		info, err := os.Stat(path)
		if err != nil {
			return stamp{}, false
		}
		return stampOf(info, meta{})
	}
	f, err := os.Open(path)
	if err != nil {
		return stamp{}, false
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return stamp{}, false
	}
	m, ok, err := newestMeta(f)
	if err != nil || !ok {
		return stamp{}, false
	}
	return stampOf(info, m)
}

// Committed notes how db's file stands after a write transaction of this
// program committed. Call it after each successful Update: Closed stamps
// the file only if nothing else wrote it since.
func Committed(db *bolt.DB) {
	if s, ok := statPath(db.Path(), false); ok {
		remember(db.Path(), s)
	}
}

// Closed is called when the program has closed the bbolt file at path: if
// the file is as the last Committed (or the check at Open) left it and has
// been still for a moment, it is stamped, and the next Open need not walk
// it.
func Closed(path string) {
	knownMu.Lock()
	last, ok := known[path]
	delete(known, path)
	knownMu.Unlock()
	if !ok {
		return
	}
	at := time.Now() // before the stat: a write after it shows as a later tick
	now, ok := statPath(path, true)
	if !ok || !now.sameFile(last) || !now.still(at) || readStamp(path) == now {
		return
	}
	writeStamp(path, now)
}
