package store

import (
	"errors"
	"io/fs"
	"strings"
	"syscall"
	"testing"
)

func TestDiskFullSaidPlainly(t *testing.T) {
	full := &fs.PathError{Op: "write", Path: "fieldcase.db", Err: syscall.ENOSPC}
	err := diskFull(full)
	if !errors.Is(err, ErrDiskFull) || !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "磁盘空间不足") {
		t.Fatalf("full disk: %v", err)
	}
	if again := diskFull(err); again.Error() != err.Error() {
		t.Fatalf("wrapped twice: %v", again)
	}
	other := &fs.PathError{Op: "write", Path: "x", Err: syscall.EIO}
	if got := diskFull(other); got != error(other) {
		t.Fatalf("another error changed: %v", got)
	}
	if diskFull(nil) != nil {
		t.Fatal("nil changed")
	}
}
