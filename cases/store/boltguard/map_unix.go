//go:build unix

package boltguard

import (
	"os"
	"syscall"
)

// mapFile maps f read-only for the page walk: each page is then looked at
// where it lies instead of copied out by a read call, which on a store of
// 100,000 cases is the difference between a few and several hundred
// milliseconds at every start. ok is false where it cannot be mapped; the
// walk then reads.
func mapFile(f *os.File, size int64) (data []byte, unmap func(), ok bool) {
	if size <= 0 || int64(int(size)) != size {
		return nil, nil, false
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, false
	}
	return data, func() { _ = syscall.Munmap(data) }, true
}
