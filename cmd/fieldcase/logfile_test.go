package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRotatingLogCapsSizeAndKeepsThreeFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fieldcase.log")
	l, err := openRotatingLog(path, 100, 3)
	if err != nil {
		t.Fatal(err)
	}
	// 30-byte records: three fit in 100 bytes, the fourth starts a new file.
	for i := range 20 {
		if _, err := fmt.Fprintf(l, "record %02d %s\n", i, strings.Repeat("x", 19)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	names, _ := filepath.Glob(path + "*")
	if len(names) != 4 {
		t.Fatalf("files %v, want fieldcase.log and three old ones", names)
	}
	want := map[string]string{ // records 18–19 in the current file, older ones shifted
		"fieldcase.log": "record 18", "fieldcase.log.1": "record 15", "fieldcase.log.2": "record 12", "fieldcase.log.3": "record 09",
	}
	for name, first := range want {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > 100 {
			t.Errorf("%s is %d bytes, over the cap", name, len(b))
		}
		if !strings.HasPrefix(string(b), first) {
			t.Errorf("%s starts %q, want %q", name, string(b)[:9], first)
		}
		if len(b)%30 != 0 {
			t.Errorf("%s holds a record split across files", name)
		}
	}
}

func TestRotatingLogRotatesAnOversizedFileOnOpen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fieldcase.log")
	// A log left by a build from before rotation, already past the cap.
	if err := os.WriteFile(path, []byte(strings.Repeat("old\n", 50)), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := openRotatingLog(path, 100, 3)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(l, "new")
	l.Close()
	if b, _ := os.ReadFile(path); string(b) != "new\n" {
		t.Errorf("current log %q, want a fresh file", b)
	}
	if info, err := os.Stat(path + ".1"); err != nil || info.Size() != 200 {
		t.Errorf("old log not kept as fieldcase.log.1: %v", err)
	}
}

// The TUI logs from its sync goroutine and its own: concurrent records are
// neither lost nor interleaved across a rotation.
func TestRotatingLogConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fieldcase.log")
	l, err := openRotatingLog(path, 300, 100)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	for w := range 2 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 200 {
				fmt.Fprintf(l, "writer %d record %03d\n", w, i)
			}
		}()
	}
	<-done
	<-done
	l.Close()
	names, _ := filepath.Glob(path + "*")
	seen := map[string]bool{}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			if len(line) != len("writer 0 record 000") || seen[line] {
				t.Fatalf("%s: broken or repeated record %q", filepath.Base(n), line)
			}
			seen[line] = true
		}
	}
	if len(seen) != 400 {
		t.Errorf("%d records kept, want 400", len(seen))
	}
}
