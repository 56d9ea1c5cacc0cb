package boltguard

import (
	"os"
	"syscall"
)

// stampOf is the stamp of a file with this meta; ok is false where the
// file's identity cannot be read.
func stampOf(info os.FileInfo, m meta) (stamp, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok || st.Ino == 0 {
		return stamp{}, false
	}
	return stamp{
		dev: uint64(st.Dev), ino: uint64(st.Ino), size: uint64(st.Size),
		mtime: uint64(st.Mtimespec.Nano()), ctime: uint64(st.Ctimespec.Nano()),
		txid: m.txid, metaSum: m.sum,
	}, true
}
