package main

import (
	"errors"
	"fmt"
	"os"
	gosync "sync"
)

// Log rotation: fieldcase.log is capped at logMaxSize and the previous
// logKeep files are kept as fieldcase.log.1 (newest) … fieldcase.log.3, so a
// laptop that runs for years holds at most about 20 MB of diagnostics. Only
// one process uses a data directory at a time (the store's lock), so the
// file needs no coordination between processes.
const (
	logMaxSize = 5 << 20
	logKeep    = 3
)

// rotatingLog is an append-only file that starts a new file when the next
// write would take it past max bytes.
type rotatingLog struct {
	mu   gosync.Mutex
	path string
	max  int64
	keep int
	f    *os.File
	size int64
}

func openRotatingLog(path string, max int64, keep int) (*rotatingLog, error) {
	l := &rotatingLog{path: path, max: max, keep: keep}
	if err := l.open(); err != nil {
		return nil, err
	}
	if l.size >= max {
		if err := l.rotate(); err != nil {
			l.f.Close()
			return nil, err
		}
	}
	return l, nil
}

func (l *rotatingLog) open() error {
	f, err := os.OpenFile(l.path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	l.f, l.size = f, info.Size()
	return nil
}

// rotate shifts path.N to path.N+1 (dropping the oldest) and path to
// path.1, then opens a fresh path. The file is closed first: Windows
// cannot rename an open file.
func (l *rotatingLog) rotate() error {
	if err := l.f.Close(); err != nil {
		return err
	}
	l.f = nil
	old := func(n int) string { return fmt.Sprintf("%s.%d", l.path, n) }
	if err := os.Remove(old(l.keep)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	for n := l.keep - 1; n >= 1; n-- {
		if err := os.Rename(old(n), old(n+1)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if err := os.Rename(l.path, old(1)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return l.open()
}

// Write appends p whole to the current file; a record is never split
// across two files.
func (l *rotatingLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil && l.size > 0 && l.size+int64(len(p)) > l.max {
		if err := l.rotate(); err != nil && l.f == nil {
			return 0, err
		}
	}
	if l.f == nil {
		// An earlier rotation failed to reopen; try once more.
		if err := l.open(); err != nil {
			return 0, err
		}
	}
	n, err := l.f.Write(p)
	l.size += int64(n)
	return n, err
}

func (l *rotatingLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
