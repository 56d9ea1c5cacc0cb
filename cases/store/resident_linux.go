package store

import (
	bolt "go.etcd.io/bbolt"
	"golang.org/x/sys/unix"
)

// dropFilePages tells the kernel this process no longer needs the pages
// of the store file it has read: they leave its resident set but stay in
// the page cache, and a later read faults them back in from there. The
// file is mapped read-only and shared, so nothing is lost. It runs inside
// a read transaction, which keeps bbolt from remapping the file meanwhile.
func dropFilePages(tx *bolt.Tx) {
	info := tx.DB().Info()
	page := uintptr(info.PageSize)
	size := (uintptr(tx.Size()) + page - 1) &^ (page - 1)
	// The syscall takes the mapping's address as a number: no Go pointer
	// is made from it.
	unix.Syscall(unix.SYS_MADVISE, info.Data, size, unix.MADV_DONTNEED)
}
