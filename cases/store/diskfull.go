package store

import (
	"errors"
	"fmt"
	"runtime"
	"syscall"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases/store/boltguard"
)

// ErrDiskFull is a write refused because the disk is full. bbolt rolls the
// transaction back and the vault removes its temporary file, so what was
// saved before stays as it was and nothing is half-written.
var ErrDiskFull = errors.New("磁盘空间不足，本次操作未保存（此前保存的数据不受影响）。请清理磁盘后重试")

// diskFull turns a full-disk failure into ErrDiskFull (keeping the system's
// error for the log); any other error passes unchanged.
func diskFull(err error) error {
	if err == nil || errors.Is(err, ErrDiskFull) || !isDiskFull(err) {
		return err
	}
	return fmt.Errorf("%w（%w）", ErrDiskFull, err)
}

func isDiskFull(err error) bool {
	if errors.Is(err, syscall.ENOSPC) {
		return true
	}
	// Windows reports ERROR_DISK_FULL (112) or ERROR_HANDLE_DISK_FULL (39);
	// its syscall.ENOSPC is a value of Go's own that no call returns.
	var en syscall.Errno
	return runtime.GOOS == "windows" && errors.As(err, &en) && (en == 112 || en == 39)
}

// dbUpdate is bbolt's Update with a full disk said plainly, for the few
// writes that run without the session lock (sign-in, migration).
func (s *Store) dbUpdate(fn func(*bolt.Tx) error) error {
	err := s.db.Update(fn)
	if err == nil {
		boltguard.Committed(s.db)
	}
	return diskFull(err)
}
